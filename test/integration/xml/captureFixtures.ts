/**
 * Captures real `dumpxml` output from both test hosts into
 * test/fixtures/xml/host-{a,b}/ for the unit round-trip tests.
 *
 *   npx tsx test/integration/xml/captureFixtures.ts
 *
 * Every object it defines is named pkvm-xml-<host>-<run>-fx-… and removed at the end.
 */
import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { Domain, Network, buildDomainXml, buildNetworkXml, buildPoolXml, buildVolumeXml, parseXml } from "../../../provider/xml";
import { casesFor, guestDomain, hostNames } from "./cases";
import { XmlTestHost, quietly, xmlTestHosts } from "./hosts";
import { setUpShared, tearDownShared } from "./ops";

const OUT = path.resolve(__dirname, "../../fixtures/xml");

/** One domain with every device kind the cases use, plus unmodelled devices and attributes. */
function kitchenSink(h: XmlTestHost, name: string): Domain {
  const devices = casesFor(h)
    .flatMap((c) => (c.kind === "domain" && !c.running ? c.desired.devices : []))
    // libvirt allows each boot order once; keep the first disk's.
    .map((d, i) => ("bootOrder" in d && i > 0 ? { ...d, bootOrder: undefined } : d));
  return {
    type: h.domainType,
    name,
    title: "Every device kind",
    description: "Captured for the round-trip tests",
    memory: { value: 256, unit: "MiB" },
    vcpu: { count: 2, current: 1 },
    os: { type: "hvm", arch: "x86_64", machine: "q35" },
    features: { acpi: true, apic: true },
    clock: { offset: "utc", timers: [{ name: "rtc", tickpolicy: "catchup" }] },
    devices: [
      ...devices,
      // Attributes libvirt knows and this model does not: they must survive.
      { kind: "other", node: parseXml("<memballoon model='virtio' autodeflate='on'/>") },
      { kind: "other", node: parseXml("<input type='tablet' bus='usb'/>") },
    ],
    extra: { attrs: {}, children: [parseXml("<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>")] },
  };
}

async function capture(h: XmlTestHost): Promise<void> {
  const n = hostNames(h);
  const dir = path.join(OUT, `host-${h.label.toLowerCase()}`);
  mkdirSync(dir, { recursive: true });
  const save = (file: string, xml: string) => writeFileSync(path.join(dir, file), xml);
  const fx = `${n.prefix}fx-`;
  const sink = kitchenSink(h, `${fx}sink`);
  const guest = guestDomain(h, `${fx}guest`, n.guestNet);
  guest.devices.push({ kind: "other", node: parseXml("<panic model='isa'/>") }, { kind: "other", node: parseXml("<sound model='ich9'/>") });
  const nat = casesFor(h).find((c) => c.kind === "network" && c.running)?.desired as Network;
  const net: Network = { ...nat, name: `${fx}nat`, bridge: { name: n.bridge("f") } };
  const ipv6 = casesFor(h).find((c) => c.kind === "network" && c.name.includes("IPv6"))?.desired as Network;
  const pool = { type: "dir", name: `${fx}pool`, target: { path: `/var/lib/libvirt/images/${fx}pool` } };
  const netfsCase = casesFor(h).find((c) => c.kind === "pool" && c.desired.type === "netfs");
  const netfs = netfsCase?.kind === "pool" ? netfsCase.desired : undefined;
  const cleanup = async () => {
    for (const d of [sink.name, guest.name]) {
      await quietly(h.virsh(["destroy", d]));
      await quietly(h.virsh(["undefine", "--nvram", d]));
    }
    for (const nw of [net.name, ipv6.name]) {
      await quietly(h.virsh(["net-destroy", nw]));
      await quietly(h.virsh(["net-undefine", nw]));
    }
    for (const p of [pool.name, netfs?.name ?? ""]) {
      await quietly(h.virsh(["pool-destroy", p]));
      await quietly(h.virsh(["pool-delete", p]));
      await quietly(h.virsh(["pool-undefine", p]));
    }
    await tearDownShared(h);
  };
  await cleanup();
  try {
    await setUpShared(h);
    await h.virsh(["define", "/dev/stdin"], buildDomainXml(sink));
    save("domain-sink-inactive.xml", await h.virsh(["dumpxml", "--inactive", sink.name]));
    await h.virsh(["define", "/dev/stdin"], buildDomainXml(guest));
    save("domain-guest-inactive.xml", await h.virsh(["dumpxml", "--inactive", guest.name]));
    await h.virsh(["start", guest.name]);
    save("domain-guest-running.xml", await h.virsh(["dumpxml", guest.name]));
    await h.virsh(["net-define", "/dev/stdin"], buildNetworkXml(net));
    save("network-nat-inactive.xml", await h.virsh(["net-dumpxml", "--inactive", net.name]));
    await h.virsh(["net-start", net.name]);
    save("network-nat-running.xml", await h.virsh(["net-dumpxml", net.name]));
    await h.virsh(["net-define", "/dev/stdin"], buildNetworkXml(ipv6));
    save("network-isolated-inactive.xml", await h.virsh(["net-dumpxml", "--inactive", ipv6.name]));
    await h.virsh(["pool-define", "/dev/stdin"], buildPoolXml(pool));
    save("pool-dir-inactive.xml", await h.virsh(["pool-dumpxml", "--inactive", pool.name]));
    await h.virsh(["pool-build", pool.name]);
    await h.virsh(["pool-start", pool.name]);
    save("pool-dir-running.xml", await h.virsh(["pool-dumpxml", pool.name]));
    if (netfs) {
      await h.virsh(["pool-define", "/dev/stdin"], buildPoolXml(netfs));
      save("pool-netfs-inactive.xml", await h.virsh(["pool-dumpxml", "--inactive", netfs.name]));
    }
    for (const c of casesFor(h)) {
      if (c.kind !== "volume") continue;
      await h.virsh(["vol-create", n.volumePool, "/dev/stdin"], buildVolumeXml(c.desired));
      save(`volume-${c.desired.name.replace(/\./g, "-")}.xml`, await h.virsh(["vol-dumpxml", "--pool", n.volumePool, c.desired.name]));
    }
    console.log(`host ${h.label}: captured into ${dir}`);
  } finally {
    await cleanup();
  }
}

async function main(): Promise<void> {
  for (const h of xmlTestHosts()) await capture(h);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
