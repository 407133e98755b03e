import { strict as assert } from "assert";
import { buildDomainXml, devicesOf, parseDomainXml, parseXml } from "../../../provider/xml";

const FULL = `<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0' futureattr='x'>
  <name>pkvm-xml-full</name>
  <uuid>8a4f3c2e-1b2d-4e5f-9a6b-7c8d9e0f1a2b</uuid>
  <title>Full</title>
  <description>All the fields</description>
  <metadata><app:cfg xmlns:app='urn:app'><k>v</k></app:cfg></metadata>
  <maxMemory slots='4' unit='GiB'>4</maxMemory>
  <memory unit='MiB' dumpCore='off'>1024</memory>
  <currentMemory unit='MiB'>512</currentMemory>
  <vcpu placement='static' current='2'>4</vcpu>
  <os firmware='efi'>
    <type arch='x86_64' machine='q35'>hvm</type>
    <loader readonly='yes' type='pflash' secure='no'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>
    <nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/var/lib/libvirt/qemu/nvram/x_VARS.fd</nvram>
    <kernel>/boot/vmlinuz</kernel>
    <initrd>/boot/initrd.img</initrd>
    <cmdline>console=ttyS0 root=/dev/vda</cmdline>
    <boot dev='hd'/>
    <boot dev='network'/>
    <bootmenu enable='yes' timeout='3000'/>
  </os>
  <features><acpi/><apic eoi='on'/><pae/><vmport state='off'/><smm state='on'/><hyperv mode='custom'/></features>
  <cpu mode='host-passthrough' check='none' migratable='on'><topology sockets='1' dies='1' cores='2' threads='2'/></cpu>
  <clock offset='utc'><timer name='rtc' tickpolicy='catchup'/><timer name='hpet' present='no'/></clock>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>coredump-restart</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk' snapshot='no'>
      <driver name='qemu' type='qcow2' cache='none' discard='unmap'/>
      <source file='/var/lib/libvirt/images/a.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <boot order='1'/>
      <serial>S1</serial>
      <iotune><total_bytes_sec>1000</total_bytes_sec></iotune>
    </disk>
    <disk type='volume' device='disk'><source pool='p' volume='v' mode='host'/><target dev='vdb'/></disk>
    <disk type='block' device='disk'><source dev='/dev/sdz'/><target dev='sda' bus='scsi'/><shareable/></disk>
    <disk type='file' device='cdrom'><target dev='sdb' bus='sata'/><readonly/></disk>
    <disk type='network' device='disk'><source protocol='nbd' name='x'><host name='h' port='10809'/></source><target dev='vdc'/></disk>
    <interface type='network'><mac address='52:54:00:00:00:01'/><source network='n1' portgroup='pg'/><model type='virtio'/><boot order='2'/><mtu size='1400'/></interface>
    <interface type='bridge'><source bridge='br0'/><model type='e1000e'/></interface>
    <interface type='direct' trustGuestRxFilters='yes'><source dev='eth0' mode='bridge'/></interface>
    <interface type='user'/>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' keymap='en-us'><listen type='address' address='127.0.0.1'/></graphics>
    <graphics type='spice' autoport='yes'><listen type='none'/><image compression='off'/></graphics>
    <serial type='pty'><target type='isa-serial' port='0'><model name='isa-serial'/></target></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <channel type='unix'><source mode='bind'/><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/><source dir='/srv'/><target dir='srv'/></filesystem>
    <filesystem type='mount' accessmode='mapped'><source dir='/data'/><target dir='data'/><readonly/></filesystem>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend><rate bytes='1024' period='1000'/></rng>
    <tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>
    <watchdog model='i6300esb' action='poweroff'/>
    <controller type='usb' model='qemu-xhci'/>
  </devices>
  <qemu:commandline><qemu:arg value='-no-hpet'/></qemu:commandline>
</domain>`;

describe("xml/domain", () => {
  const d = parseDomainXml(FULL);

  it("reads the top-level fields", () => {
    assert.equal(d.type, "kvm");
    assert.equal(d.name, "pkvm-xml-full");
    assert.equal(d.uuid, "8a4f3c2e-1b2d-4e5f-9a6b-7c8d9e0f1a2b");
    assert.equal(d.title, "Full");
    assert.equal(d.description, "All the fields");
    assert.equal(d.metadata?.[0].name, "app:cfg");
    assert.deepEqual(d.maxMemory, { value: 4, unit: "GiB", slots: 4 });
    assert.deepEqual(d.memory, { value: 1024, unit: "MiB", extra: { attrs: { dumpCore: "off" }, children: [] } });
    assert.deepEqual(d.currentMemory, { value: 512, unit: "MiB" });
    assert.deepEqual(d.vcpu, { placement: "static", current: 2, count: 4 });
    assert.equal(d.cpu?.mode, "host-passthrough");
    assert.deepEqual(d.cpu?.topology, { sockets: 1, dies: 1, cores: 2, threads: 2 });
    assert.deepEqual(d.cpu?.extra?.attrs, { migratable: "on" });
    assert.equal(d.onCrash, "coredump-restart");
    assert.deepEqual(d.extra?.attrs, { "xmlns:qemu": "http://libvirt.org/schemas/domain/qemu/1.0", futureattr: "x" });
    assert.equal(d.extra?.children[0].name, "qemu:commandline");
  });

  it("reads os: firmware, loader, nvram, boot order, kernel", () => {
    const os = d.os!;
    assert.equal(os.firmware, "efi");
    assert.equal(os.machine, "q35");
    assert.deepEqual(os.loader, { path: "/usr/share/OVMF/OVMF_CODE_4M.fd", readonly: true, type: "pflash", secure: false });
    assert.deepEqual(os.nvram, { path: "/var/lib/libvirt/qemu/nvram/x_VARS.fd", template: "/usr/share/OVMF/OVMF_VARS_4M.fd" });
    assert.deepEqual(os.boot, ["hd", "network"]);
    assert.deepEqual(os.bootMenu, { enable: true, timeout: 3000 });
    assert.equal(os.cmdline, "console=ttyS0 root=/dev/vda");
  });

  it("types bare feature flags and keeps the rest", () => {
    assert.deepEqual({ ...d.features, extra: undefined }, { acpi: true, pae: true, vmport: false, smm: true, extra: undefined });
    assert.deepEqual(
      d.features?.extra?.children.map((c) => c.name),
      ["apic", "hyperv"],
    );
    assert.deepEqual(d.clock?.timers, [
      { name: "rtc", tickpolicy: "catchup" },
      { name: "hpet", present: false },
    ]);
  });

  it("types disks of every modelled source, keeps the others whole", () => {
    const disks = devicesOf(d.devices, "disk");
    assert.deepEqual(
      disks.map((x) => x.source.type),
      ["file", "volume", "block", "file", "other"],
    );
    assert.deepEqual(disks[0].driver, { name: "qemu", type: "qcow2", cache: "none", discard: "unmap" });
    assert.equal(disks[0].bootOrder, 1);
    assert.equal(disks[0].serial, "S1");
    assert.deepEqual(disks[0].extra?.attrs, { snapshot: "no" });
    assert.deepEqual(disks[1].source, { type: "volume", pool: "p", volume: "v", mode: "host" });
    assert.equal(disks[2].shareable, true);
    assert.equal(disks[3].device, "cdrom");
    assert.equal(disks[3].readonly, true);
    assert.deepEqual(disks[4].source, {
      type: "other",
      diskType: "network",
      extra: { attrs: { protocol: "nbd", name: "x" }, children: [parseXml("<host name='h' port='10809'/>")] },
    });
  });

  it("types interfaces, graphics, chardevs, filesystems, rng, tpm", () => {
    const nics = devicesOf(d.devices, "interface");
    assert.deepEqual(nics[0], {
      kind: "interface",
      source: { type: "network", network: "n1", portgroup: "pg" },
      mac: "52:54:00:00:00:01",
      model: "virtio",
      mtu: 1400,
      bootOrder: 2,
    });
    assert.deepEqual(nics[1].source, { type: "bridge", bridge: "br0" });
    assert.deepEqual(nics[2].source, { type: "direct", dev: "eth0", mode: "bridge" });
    assert.deepEqual(nics[3].source, { type: "other", interfaceType: "user" });
    const g = devicesOf(d.devices, "graphics");
    assert.deepEqual(g[0], {
      kind: "graphics",
      type: "vnc",
      port: -1,
      autoport: true,
      listen: "127.0.0.1",
      keymap: "en-us",
      listens: [{ type: "address", address: "127.0.0.1" }],
    });
    assert.deepEqual(g[1].listens, [{ type: "none" }]);
    const [ch] = devicesOf(d.devices, "channel");
    assert.deepEqual(ch.target, { type: "virtio", name: "org.qemu.guest_agent.0" });
    const fs = devicesOf(d.devices, "filesystem");
    assert.equal(fs[0].driver?.type, "virtiofs");
    assert.equal(fs[1].readonly, true);
    assert.deepEqual(devicesOf(d.devices, "rng")[0].backend, { model: "random", path: "/dev/urandom" });
    assert.deepEqual(devicesOf(d.devices, "tpm")[0], { kind: "tpm", model: "tpm-crb", backend: { type: "emulator", version: "2.0" } });
  });

  it("keeps unmodelled devices in position", () => {
    assert.deepEqual(
      d.devices.map((x) => (x.kind === "other" ? x.node.name : x.kind)),
      parseXml(FULL)
        .children.find((c) => c.name === "devices")!
        .children.map((c) => c.name),
    );
  });

  it("round-trips: parse(build(parse(x))) equals parse(x)", () => {
    assert.deepEqual(parseDomainXml(buildDomainXml(d)), d);
  });

  it("builds from a typed object alone", () => {
    const xml = buildDomainXml({ type: "qemu", name: "a", memory: { value: 96, unit: "MiB" }, devices: [] });
    assert.deepEqual(parseDomainXml(xml), { type: "qemu", name: "a", memory: { value: 96, unit: "MiB" }, devices: [] });
  });
});
