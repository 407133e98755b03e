import assert from "node:assert/strict";
import { CloudInitDisk, VirtualMachine, Volume } from "../../../provider";
import { opsByName, stdoutOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { testHosts } from "../support/hosts";
import { waitForConsole } from "./consoleFile";
import { consoleVmSuite, guestBoot, since, tag } from "./support";

const { a } = testHosts();
const name = tag("grow");
const MIB = 1024 * 1024;

/** A qcow2 volume of `capacityMiB` as the first disk (vda) of a running VM whose guest reports vda's size on its console. */
function program(capacityMiB: number, log: string) {
  return () => {
    const disk = new Volume("disk", {
      pool: "default",
      name: `${name}-disk.qcow2`,
      capacity: `${capacityMiB}MiB`,
      connection: connectionTo(a),
    });
    const seed = new CloudInitDisk("seed", {
      pool: "default",
      name: `${name}-seed.iso`,
      userData: "#cloud-config\n#watch-size vda\n",
      metaData: `instance-id: ${name}\nlocal-hostname: ${name}-host\n`,
      connection: connectionTo(a),
    });
    new VirtualMachine("vm", {
      name,
      ...guestBoot(a),
      memory: "160MiB",
      disks: [{ volumeKey: disk.key }],
      // The test guest's kernel has no AHCI driver: the seed goes on virtio-scsi.
      cloudInit: { disk: seed, bus: "scsi" },
      serialConsole: { type: "file", path: log },
      shutdownTimeoutSeconds: 10,
    });
    return { capacityBytes: disk.capacityBytes };
  };
}

describe("Volume in use by a running VM grows through the VM, and the guest sees it", function () {
  this.timeout(600_000);
  const suite = consoleVmSuite(a, "grow");
  const { stack } = suite;

  it("grows a 64 MiB volume attached to a running VM to 128 MiB in one up, without a restart", async () => {
    const t0 = Date.now();
    const up = await stack.up(program(64, suite.log));
    assert.deepEqual(up.errors, [], stdoutOf(up).join("\n"));
    await waitForConsole(suite.log, [/^guest: size vda 131072$/]);
    console.log(`      create (volume, seed, VM; the guest reports vda at 64 MiB): ${since(t0)} s`);
    const domainId = (await suite.conn.domains.lookupByName(name)).id;

    const t1 = Date.now();
    const grown = await stack.up(program(128, suite.log));
    assert.deepEqual(grown.errors, [], stdoutOf(grown).join("\n"));
    assert.deepEqual(opsByName(grown), { disk: "update", seed: "same", vm: "same" });
    assert.equal(grown.exports.capacityBytes, 128 * MIB);
    assert.ok(
      stdoutOf(grown).some((l) => l.includes(`through the running VM ${name} (its disk vda)`)),
      stdoutOf(grown).join("\n"),
    );
    const lines = await waitForConsole(suite.log, [/^guest: size vda 262144$/], 60_000);
    console.log(`      grown in ${since(t1)} s; console: ${lines.filter((l) => l.startsWith("guest: size vda")).join(" | ")}`);
    assert.equal((await suite.conn.domains.lookupByName(name)).id, domainId, "the VM was restarted");

    assert.deepEqual(opsByName(await stack.up(program(128, suite.log))), { disk: "same", seed: "same", vm: "same" });
  });
});
