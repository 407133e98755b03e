import assert from "node:assert/strict";
import { generatedMac } from "../../../provider/resources/vm/mac";
import { domainModelOf } from "../../../provider/resources/vm/model";
import { parseSpec } from "../../../provider/resources/common/kindSpec";
import { vmKind } from "../../../provider/resources/vm/kind";
import type { VmSpec } from "../../../provider/resources/vm/spec";
import { buildDomainXml, devicesOf } from "../../../provider/xml";

function spec(inputs: Record<string, unknown>): VmSpec {
  const { spec: s, problems } = parseSpec(vmKind, { name: "web1", ...inputs }, {}, true);
  assert.deepEqual(problems, []);
  return s!;
}

describe("VirtualMachine spec", () => {
  it("derives MACs from the VM name and the interface's source: 52:54:00, stable, distinct", () => {
    const mac = generatedMac("web1", "network:lab#0");
    assert.match(mac, /^52:54:00(:[0-9a-f]{2}){3}$/);
    assert.equal(generatedMac("web1", "network:lab#0"), mac, "not stable");
    assert.notEqual(generatedMac("web1", "network:lab#1"), mac);
    assert.notEqual(generatedMac("web2", "network:lab#0"), mac);
    const s = spec({
      networkInterfaces: [{ network: "lab" }, { network: "lab", mac: "52:54:00:AB:CD:EF" }, { bridge: "br0" }, { network: "lab" }],
    });
    assert.deepEqual(
      s.nics.map((n) => n.mac),
      [
        generatedMac("web1", "network:lab#0"),
        "52:54:00:ab:cd:ef",
        generatedMac("web1", "bridge:br0#0"),
        generatedMac("web1", "network:lab#1"),
      ],
    );
  });

  it("keeps an interface's generated MAC when others are added before it or moved", () => {
    const before = spec({ networkInterfaces: [{ network: "lab" }, { bridge: "br0" }] }).nics.map((n) => n.mac);
    const after = spec({ networkInterfaces: [{ network: "mgmt" }, { bridge: "br0" }, { network: "lab", model: "e1000e" }] }).nics;
    assert.equal(after[2].mac, before[0]);
    assert.equal(after[1].mac, before[1]);
    assert.equal(new Set(after.map((n) => n.mac)).size, 3);
  });

  it("gives disks without a target the first free name of their bus, in list order, around explicit ones", () => {
    const s = spec({
      disks: [
        { path: "/a.img" },
        { device: "cdrom" },
        { path: "/b.img", bus: "scsi" },
        { path: "/c.img", target: "vda" },
        { path: "/d.img", bus: "ide" },
        { path: "/e.img" },
      ],
    });
    assert.deepEqual(
      s.disks.map((d) => d.target),
      ["vdb", "sda", "sdb", "vda", "hda", "vdc"],
    );
  });

  it("applies the documented defaults", () => {
    const s = spec({});
    assert.equal(s.domainType, "kvm");
    assert.equal(s.arch, "x86_64");
    assert.equal(s.vcpus, 1);
    assert.equal(s.maxVcpus, 1);
    assert.equal(s.memoryBytes, 512n * 1024n * 1024n);
    assert.equal(s.maxMemoryBytes, s.memoryBytes);
    assert.equal(s.running, true);
    assert.equal(s.autostart, false);
    assert.equal(s.updatePolicy, "restart");
    assert.equal(s.firmware, "bios");
    assert.equal(s.shutdownTimeoutSeconds, 60);
    assert.equal(s.waitForIp, undefined);
    assert.deepEqual(spec({ waitForIp: { source: "agent" } }).waitForIp, { source: "agent", timeoutSeconds: 300 });
  });

  it("builds a definition with a pty serial console, the agent channel, ACPI, and a virtio-scsi controller for SCSI disks", () => {
    const s = spec({
      memory: "96MiB",
      maxMemory: "128MiB",
      vcpus: 1,
      maxVcpus: 2,
      disks: [{ path: "/b.img", bus: "scsi", format: "qcow2" }],
      networkInterfaces: [{ network: "lab" }],
    });
    const dom = domainModelOf(s, [{ ...s.disks[0], file: "/b.img", format: "qcow2" }], "6f1e3c2a-9d4b-4e8a-b1c7-2a5d0e9f4c31");
    assert.deepEqual(dom.memory, { value: 131072, unit: "KiB" });
    assert.deepEqual(dom.currentMemory, { value: 98304, unit: "KiB" });
    assert.deepEqual(dom.vcpu, { count: 2, current: 1 });
    assert.deepEqual(dom.features, { acpi: true, apic: true });
    assert.equal(devicesOf(dom.devices, "serial")[0]?.type, "pty");
    assert.equal(devicesOf(dom.devices, "channel")[0]?.target?.name, "org.qemu.guest_agent.0");
    const xml = buildDomainXml(dom);
    assert.match(xml, /<controller type="scsi" index="0" model="virtio-scsi"\/>|<controller type='scsi' index='0' model='virtio-scsi'\/>/);
    assert.match(xml, /<mac address=["']52:54:00:/);
  });

  it("writes the largest memory check accepts as a whole number of KiB, never a float", () => {
    const big = spec({ memory: "9007199254740990KiB" });
    const xml = buildDomainXml(domainModelOf(big, [], "00000000-0000-4000-8000-000000000001"));
    assert.match(xml, /<memory unit=["']KiB["']>9007199254740990<\/memory>/);
    assert.doesNotMatch(xml, /\d[eE][+-]?\d|\d\.\d+<\/(memory|currentMemory)>/);
  });
});
