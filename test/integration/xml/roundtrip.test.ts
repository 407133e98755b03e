/**
 * Acceptance: redefining from our parse → build of libvirt's own output
 * loses nothing, hand-added devices and unmodelled attributes included:
 * dumpxml → parse → build → define → dumpxml gives the same document.
 */
import { strict as assert } from "assert";
import {
  Domain,
  buildDomainXml,
  buildNetworkXml,
  buildPoolXml,
  parseDomainXml,
  parseNetworkXml,
  parsePoolXml,
  parseXml,
} from "../../../provider/xml";
import { canonical } from "../../unit/xml/support/documents";
import { casesFor, guestDomain, hostNames } from "./cases";
import { quietly, xmlTestHosts } from "./hosts";

for (const host of xmlTestHosts()) {
  describe(`xml redefine round trip on host ${host.label}`, function () {
    this.timeout(120_000);
    const n = hostNames(host);
    const domName = `${n.prefix}rt-guest`;
    const netName = `${n.prefix}rt-net`;
    const poolName = `${n.prefix}rt-pool`;

    after(async () => {
      await quietly(host.virsh(["undefine", domName]));
      await quietly(host.virsh(["net-undefine", netName]));
      await quietly(host.virsh(["pool-undefine", poolName]));
    });

    it("domain with hand-added watchdog, panic, sound and unmodelled attributes", async () => {
      await quietly(host.virsh(["undefine", domName]));
      const d: Domain = guestDomain(host, domName, n.guestNet);
      // Added "by hand": devices and attributes this model does not describe.
      d.devices.push(
        { kind: "other", node: parseXml("<panic model='isa'/>") },
        { kind: "other", node: parseXml("<sound model='ich9'/>") },
        { kind: "other", node: parseXml("<memballoon model='virtio' autodeflate='on'/>") },
        {
          kind: "disk",
          source: { type: "file", file: `/var/lib/libvirt/images/${n.prefix}rt.qcow2` },
          target: { dev: "vda", bus: "virtio" },
          driver: { name: "qemu", type: "qcow2", extra: { attrs: { copy_on_read: "on" }, children: [] } },
          extra: { attrs: { snapshot: "no" }, children: [] },
        },
      );
      d.extra = { attrs: {}, children: [parseXml("<pm><suspend-to-mem enabled='no'/></pm>")] };
      await host.virsh(["define", "/dev/stdin"], buildDomainXml(d));
      const first = await host.virsh(["dumpxml", "--inactive", domName]);
      for (const needle of ["<watchdog", "<panic", "<sound", "autodeflate='on'", "copy_on_read='on'", "snapshot='no'", "<suspend-to-mem"]) {
        assert.ok(first.includes(needle), `libvirt kept ${needle}`);
      }
      await host.virsh(["define", "/dev/stdin"], buildDomainXml(parseDomainXml(first)));
      const second = await host.virsh(["dumpxml", "--inactive", domName]);
      assert.equal(canonical(parseXml(second)), canonical(parseXml(first)));
      assert.equal(second, first, "libvirt writes the redefined domain byte for byte as before");
    });

    it("network, every field", async () => {
      const c = casesFor(host).find((x) => x.kind === "network" && x.running);
      if (c?.kind !== "network") throw new Error("nat case missing");
      await quietly(host.virsh(["net-undefine", netName]));
      await host.virsh(["net-define", "/dev/stdin"], buildNetworkXml({ ...c.desired, name: netName, bridge: { name: n.bridge("r") } }));
      const first = await host.virsh(["net-dumpxml", "--inactive", netName]);
      await host.virsh(["net-define", "/dev/stdin"], buildNetworkXml(parseNetworkXml(first)));
      assert.equal(await host.virsh(["net-dumpxml", "--inactive", netName]), first);
    });

    it("pool", async () => {
      const c = casesFor(host).find((x) => x.kind === "pool" && x.desired.type === "netfs");
      if (c?.kind !== "pool") throw new Error("netfs case missing");
      await quietly(host.virsh(["pool-undefine", poolName]));
      await host.virsh(["pool-define", "/dev/stdin"], buildPoolXml({ ...c.desired, name: poolName }));
      const first = await host.virsh(["pool-dumpxml", "--inactive", poolName]);
      await host.virsh(["pool-define", "/dev/stdin"], buildPoolXml(parsePoolXml(first)));
      assert.equal(await host.virsh(["pool-dumpxml", "--inactive", poolName]), first);
    });
  });
}
