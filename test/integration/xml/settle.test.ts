/**
 * Acceptance: every named desired definition, defined on a real host and
 * read back (inactive, and live for the running ones), compares equal to
 * what was asked for; and a real change made behind our back is reported.
 */
import { strict as assert } from "assert";
import { Difference, compareDomain, parseDomainXml } from "../../../provider/xml";
import { casesFor } from "./cases";
import { quietly, xmlTestHosts } from "./hosts";
import { compareCase, defineCase, dumpCase, removeCase, setUpShared, startCase, tearDownShared } from "./ops";

const show = (d: Difference[]) => d.map((x) => `${x.path} (${x.kind}): desired ${x.desired} live ${x.live}`).join("\n");

for (const host of xmlTestHosts()) {
  describe(`xml settles on host ${host.label}`, function () {
    this.timeout(120_000);
    const cases = casesFor(host);

    before(async () => {
      for (const c of [...cases].reverse()) await removeCase(host, c);
      await setUpShared(host);
    });

    after(async () => {
      for (const c of [...cases].reverse()) await removeCase(host, c);
      await tearDownShared(host);
    });

    it(`has at least 20 named cases (${cases.length})`, () => assert.ok(cases.length >= 20));

    for (const c of cases) {
      it(c.name, async () => {
        await defineCase(host, c);
        const inactive = await dumpCase(host, c, true);
        assert.deepEqual(compareCase(c, inactive), [], `inactive:\n${show(compareCase(c, inactive))}\n${inactive}`);
        if ("running" in c && c.running) {
          await startCase(host, c);
          const live = await dumpCase(host, c, false);
          assert.deepEqual(compareCase(c, live), [], `running:\n${show(compareCase(c, live))}\n${live}`);
        }
      });
    }

    describe("real changes are reported", () => {
      const c = cases.find((x) => x.kind === "domain" && x.name.startsWith("domain: file, block"));
      if (!c || c.kind !== "domain") throw new Error("disk case missing");
      const name = `${c.desired.name}-changed`;
      const desired = { ...c.desired, name, title: "before" };

      after(() => quietly(host.virsh(["undefine", name])));

      it("memory, title and a detached disk, each by path", async () => {
        await quietly(host.virsh(["undefine", name]));
        await defineCase(host, { ...c, desired });
        assert.deepEqual(compareDomain(desired, parseDomainXml(await host.virsh(["dumpxml", "--inactive", name]))), []);
        await host.virsh(["setmaxmem", name, "131072", "--config"]);
        await host.virsh(["desc", name, "--config", "--title", "changed by hand"]);
        await host.virsh(["detach-disk", name, "vdb", "--config"]);
        const diffs = compareDomain(desired, parseDomainXml(await host.virsh(["dumpxml", "--inactive", name])));
        assert.deepEqual(diffs.map((d) => `${d.path} ${d.kind}`).sort(), ["devices.disks[vdb] missing", "memory changed", "title changed"]);
        const mem = diffs.find((d) => d.path === "memory");
        assert.equal(mem?.desired, "100663296 bytes (96 MiB)");
        assert.equal(mem?.live, "134217728 bytes (128 MiB)");
      });
    });
  });
}
