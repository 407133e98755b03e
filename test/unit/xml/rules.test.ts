/**
 * Each row of the normalize rule table, alone: what it removes or
 * canonicalizes, and that it keeps what the user declared.
 */
import { strict as assert } from "assert";
import {
  DocKind,
  DocTypes,
  NORMALIZE_RULES,
  compareDomain,
  compareNetwork,
  comparePool,
  compareVolume,
  devicesOf,
  isLibvirtOwnDevice,
  parseDomainXml,
  parseNetworkXml,
  parsePoolXml,
  parseVolumeXml,
} from "../../../provider/xml";

const tested = new Set<string>();

/** Applies one named rule to a copy of `doc` and returns the copy. */
function apply<K extends DocKind>(
  name: string,
  kind: K,
  doc: DocTypes[K],
  desired: DocTypes[K],
  role: "live" | "desired" = "live",
): DocTypes[K] {
  const rule = NORMALIZE_RULES.find((r) => r.name === name);
  assert.ok(rule, `no rule ${name}`);
  assert.equal(rule.appliesTo, kind);
  tested.add(name);
  const copy = structuredClone(doc);
  (rule.apply as (d: DocTypes[K], c: { role: "live" | "desired"; desired: DocTypes[K] }) => void)(copy, { role, desired });
  return copy;
}

const dom = (body: string, attrs = "") => parseDomainXml(`<domain type='qemu'${attrs}><name>d</name>${body}</domain>`);
const devs = (xml: string) => dom(`<devices>${xml}</devices>`);
const names = (d: DocTypes["domain"]) =>
  d.devices.map((x) => (x.kind === "other" ? `${x.node.name}:${x.node.attrs.type ?? x.node.attrs.model ?? ""}` : x.kind));

describe("xml/normalize rules", () => {
  it("every rule says why it exists, and names are unique", () => {
    for (const r of NORMALIZE_RULES) assert.ok(r.why.length > 20, r.name);
    assert.equal(new Set(NORMALIZE_RULES.map((r) => r.name)).size, NORMALIZE_RULES.length);
  });

  describe("domain", () => {
    it("domain-implicit-controllers: drops added controllers, keeps declared ones", () => {
      const want = devs("<controller type='usb' index='0' model='none'/>");
      const live = devs(
        "<controller type='usb' index='0' model='none'/><controller type='pci' index='0' model='pci-root'/><controller type='virtio-serial' index='0'/><controller type='sata' index='0'/>",
      );
      assert.deepEqual(names(apply("domain-implicit-controllers", "domain", live, want)), ["controller:usb"]);
    });

    it("domain-default-devices: drops balloon, input, video, audio, emulator unless declared", () => {
      const live = devs(
        "<emulator>/usr/bin/qemu</emulator><memballoon model='virtio'/><input type='mouse' bus='ps2'/><video><model type='cirrus'/></video><audio id='1' type='none'/><watchdog model='i6300esb'/>",
      );
      assert.deepEqual(names(apply("domain-default-devices", "domain", live, devs(""))), ["watchdog:i6300esb"]);
      assert.deepEqual(names(apply("domain-default-devices", "domain", live, devs("<memballoon model='none'/>"))), [
        "memballoon:virtio",
        "watchdog:i6300esb",
      ]);
      const tablet = devs("<input type='mouse' bus='ps2'/><input type='tablet' bus='usb'/>");
      assert.deepEqual(names(apply("domain-default-devices", "domain", tablet, devs("<input type='tablet' bus='usb'/>"))), [
        "input:tablet",
      ]);
      assert.deepEqual(compareDomain(devs("<input type='tablet' bus='usb'/>"), tablet), []);
    });

    it("isLibvirtOwnDevice: exactly what those two rules drop when undeclared", () => {
      const live = devs(
        "<emulator>/usr/bin/qemu</emulator><controller type='pci' index='0' model='pcie-root'/><controller type='ccid' index='0'/><memballoon model='virtio'/><input type='keyboard' bus='ps2'/><video><model type='vga'/></video><audio id='1' type='none'/><watchdog model='i6300esb'/><panic model='isa'/><serial type='pty'/>",
      );
      const kept = apply("domain-default-devices", "domain", apply("domain-implicit-controllers", "domain", live, devs("")), devs(""));
      assert.deepEqual(names(kept), ["watchdog:i6300esb", "panic:isa", "serial"]);
      assert.deepEqual(names({ ...live, devices: live.devices.filter((d) => !isLibvirtOwnDevice(d)) }), names(kept));
    });

    it("domain-serial-console-mirror: drops the console that mirrors a serial port", () => {
      const live = devs("<serial type='pty'/><console type='pty'><target type='serial' port='0'/></console>");
      assert.deepEqual(names(apply("domain-serial-console-mirror", "domain", live, devs("<serial type='pty'/>"))), ["serial"]);
      assert.deepEqual(names(apply("domain-serial-console-mirror", "domain", live, live)), ["serial", "console"]);
    });

    it("domain-uuid-generated: drops an undeclared uuid only", () => {
      const live = dom("<uuid>u-1</uuid>");
      assert.equal(apply("domain-uuid-generated", "domain", live, dom("")).uuid, undefined);
      assert.equal(apply("domain-uuid-generated", "domain", live, dom("<uuid>u-2</uuid>")).uuid, "u-1");
    });

    it("domain-runtime-id: drops the id of a running domain", () => {
      assert.equal(apply("domain-runtime-id", "domain", dom("", " id='7'"), dom("")).id, undefined);
    });

    it("domain-device-addresses: drops assigned addresses, keeps pinned ones", () => {
      const addr = "<address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>";
      const live = devs(
        `<disk type='file'><target dev='vda'/>${addr}</disk><disk type='file'><target dev='vdb'/>${addr}</disk><watchdog model='i6300esb'>${addr}</watchdog>`,
      );
      const want = devs(
        `<disk type='file'><target dev='vda'/></disk><disk type='file'><target dev='vdb'/>${addr}</disk><watchdog model='i6300esb'/>`,
      );
      const out = apply("domain-device-addresses", "domain", live, want);
      const disks = devicesOf(out.devices, "disk");
      assert.equal(disks[0].address, undefined);
      assert.equal(disks[1].address?.fields.slot, "0x04");
      assert.deepEqual(devicesOf(out.devices, "other")[0].node.children, []);
    });

    it("domain-device-aliases: drops assigned aliases, keeps user aliases", () => {
      const live = devs(
        "<disk type='file'><target dev='vda'/><alias name='virtio-disk0'/></disk><disk type='file'><target dev='vdb'/><alias name='ua-data'/></disk><watchdog model='x'><alias name='watchdog0'/></watchdog>",
      );
      const want = devs(
        "<disk type='file'><target dev='vda'/></disk><disk type='file'><target dev='vdb'/><alias name='ua-data'/></disk><watchdog model='x'/>",
      );
      const out = apply("domain-device-aliases", "domain", live, want);
      assert.deepEqual(
        devicesOf(out.devices, "disk").map((d) => d.alias),
        [undefined, "ua-data"],
      );
      assert.deepEqual(devicesOf(out.devices, "other")[0].node.children, []);
    });

    it("domain-security-labels: drops <seclabel> unless declared", () => {
      const live = dom("<seclabel type='dynamic' model='dac'><label>+1:+1</label></seclabel>");
      assert.deepEqual(apply("domain-security-labels", "domain", live, dom("")).extra?.children, []);
      assert.equal(apply("domain-security-labels", "domain", live, live).extra?.children.length, 1);
    });

    it("domain-generated-macs: drops a MAC the user did not give", () => {
      const live = devs(
        "<interface type='network'><mac address='52:54:00:01:02:03'/><source network='n'/></interface><interface type='network'><mac address='52:54:00:0a:0b:0c'/><source network='n'/></interface>",
      );
      const want = devs(
        "<interface type='network'><source network='n'/></interface><interface type='network'><mac address='52:54:00:0a:0b:0c'/><source network='n'/></interface>",
      );
      assert.deepEqual(
        devicesOf(apply("domain-generated-macs", "domain", live, want).devices, "interface").map((i) => i.mac),
        [undefined, "52:54:00:0a:0b:0c"],
      );
    });

    it("domain-interface-runtime: drops vnetN, portid and bridge of a started NIC", () => {
      const live = devs("<interface type='network'><source network='n' portid='p' bridge='virbr9'/><target dev='vnet3'/></interface>");
      const [nic] = devicesOf(
        apply("domain-interface-runtime", "domain", live, devs("<interface type='network'><source network='n'/></interface>")).devices,
        "interface",
      );
      assert.equal(nic.target, undefined);
      assert.deepEqual(nic.source, { type: "network", network: "n", extra: { attrs: {}, children: [] } });
    });

    it("domain-chardev-runtime: drops pty paths, tty, channel socket path and state", () => {
      const live = devs(
        "<serial type='pty'><source path='/dev/pts/3'/></serial><console type='pty' tty='/dev/pts/3'><source path='/dev/pts/3'/><target type='serial'/></console><channel type='unix'><source mode='bind' path='/var/lib/libvirt/qemu/channel/x'/><target type='virtio' name='org.qemu.guest_agent.0' state='connected'/></channel>",
      );
      const want = devs(
        "<serial type='pty'/><console type='pty'><target type='serial'/></console><channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>",
      );
      const out = apply("domain-chardev-runtime", "domain", live, want);
      assert.deepEqual(compareDomain(want, out), []);
      const [ch] = devicesOf(out.devices, "channel");
      assert.deepEqual(ch.source, { mode: "bind" });
      assert.deepEqual(ch.target?.extra?.attrs, {});
      const fileSerial = devs("<serial type='file'><source path='/var/log/s.log'/></serial>");
      assert.equal(
        devicesOf(apply("domain-chardev-runtime", "domain", fileSerial, devs("<serial type='file'/>")).devices, "serial")[0].source?.path,
        "/var/log/s.log",
      );
    });

    it("domain-graphics-runtime: drops the chosen port and mirrored listens", () => {
      const live = devs(
        "<graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics>",
      );
      const [g] = devicesOf(
        apply("domain-graphics-runtime", "domain", live, devs("<graphics type='vnc' autoport='yes' listen='127.0.0.1'/>")).devices,
        "graphics",
      );
      assert.equal(g.port, undefined);
      assert.equal(g.listens, undefined);
      const [g2] = devicesOf(
        apply("domain-graphics-runtime", "domain", live, devs("<graphics type='vnc' port='-1' autoport='yes'/>")).devices,
        "graphics",
      );
      assert.equal(g2.port, -1);
    });

    it("domain-disk-runtime: drops source index and empty backing chain", () => {
      const live = devs("<disk type='file'><source file='/a' index='2'/><backingStore/><target dev='vda'/></disk>");
      const [d] = devicesOf(apply("domain-disk-runtime", "domain", live, devs("")).devices, "disk");
      assert.deepEqual(d.source, { type: "file", file: "/a", extra: { attrs: {}, children: [] } });
      assert.deepEqual(d.extra?.children, []);
    });

    it("domain-disk-iotune-zero: a limit of 0 is none, and an iotune of zeros is no iotune", () => {
      const zeros = devs("<disk type='file'><target dev='vda'/><iotune><total_iops_sec>0</total_iops_sec></iotune></disk>");
      const [none] = devicesOf(apply("domain-disk-iotune-zero", "domain", zeros, devs(""), "desired").devices, "disk");
      assert.equal(none.iotune, undefined);
      const mixed = devs(
        "<disk type='file'><target dev='vda'/><iotune><read_bytes_sec>0</read_bytes_sec><total_iops_sec>300</total_iops_sec></iotune></disk>",
      );
      const [kept] = devicesOf(apply("domain-disk-iotune-zero", "domain", mixed, devs("")).devices, "disk");
      assert.deepEqual(kept.iotune, { totalIopsSec: 300 });
      const withMax = devs("<disk type='file'><target dev='vda'/><iotune><total_iops_sec_max>9</total_iops_sec_max></iotune></disk>");
      const [max] = devicesOf(apply("domain-disk-iotune-zero", "domain", withMax, devs("")).devices, "disk");
      assert.ok(max.iotune?.extra, "an unmodelled child keeps the element");
      const want = devs("<disk type='file'><target dev='vda'/></disk>");
      assert.deepEqual(compareDomain(want, zeros), []);
      assert.deepEqual(compareDomain(zeros, want), []);
    });

    it('domain-tpm-persistent-state-default: an absent persistent_state reads as the declared "no"', () => {
      const live = devs("<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>");
      const state = (d: DocTypes["domain"]) => devicesOf(d.devices, "tpm")[0]?.backend?.persistentState;
      const want = (v: string) => devs(`<tpm model='tpm-crb'><backend type='emulator' version='2.0' persistent_state='${v}'/></tpm>`);
      assert.equal(state(apply("domain-tpm-persistent-state-default", "domain", live, want("no"))), false);
      // A declared "yes" is not libvirt's default: its absence stays a difference.
      assert.equal(state(apply("domain-tpm-persistent-state-default", "domain", live, want("yes"))), undefined);
    });

    it('domain-cpu-check-at-start: a running domain reports check="full"', () => {
      const want = dom("<cpu mode='custom' check='none'><model>qemu64</model></cpu>");
      const running = dom("<cpu mode='custom' check='full'><model>qemu64</model></cpu>", " id='3'");
      assert.equal(apply("domain-cpu-check-at-start", "domain", running, want).cpu?.check, "none");
      const inactive = dom("<cpu mode='custom' check='full'><model>qemu64</model></cpu>");
      assert.equal(apply("domain-cpu-check-at-start", "domain", inactive, want).cpu?.check, "full");
    });

    it("domain-firmware-autoselected: a running domain shows the chosen pflash loader without firmware='efi'", () => {
      const want = dom("<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>");
      const shown =
        "<os><type arch='x86_64' machine='q35'>hvm</type><loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader></os>";
      assert.equal(apply("domain-firmware-autoselected", "domain", dom(shown, " id='3'"), want).os?.firmware, "efi");
      assert.equal(
        apply("domain-firmware-autoselected", "domain", dom(shown), want).os?.firmware,
        undefined,
        "an inactive definition keeps firmware='efi'",
      );
      const bios = dom("<os><type arch='x86_64' machine='q35'>hvm</type></os>");
      assert.equal(apply("domain-firmware-autoselected", "domain", dom(shown, " id='3'"), bios).os?.firmware, undefined, "not asked for");
      assert.deepEqual(compareDomain(want, dom(shown, " id='3'")), []);
    });

    it("domain-firmware-autoselected: a guest migrated in lacks autoselection's wishes too, and reads as asked", () => {
      const wishes = "<firmware><feature enabled='no' name='secure-boot'/></firmware>";
      const want = dom(`<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type>${wishes}</os>`);
      const loader = "<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>";
      // As libvirt shows a guest started here, and one migrated in from a migratable definition.
      const startedHere = dom(`<os><type arch='x86_64' machine='q35'>hvm</type>${wishes}${loader}</os>`, " id='3'");
      const migratedIn = dom(`<os><type arch='x86_64' machine='q35'>hvm</type>${loader}</os>`, " id='3'");
      assert.deepEqual(compareDomain(want, startedHere), []);
      assert.deepEqual(compareDomain(want, migratedIn), []);
      assert.notDeepEqual(
        compareDomain(want, dom(`<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>`)),
        [],
        "an inactive definition without them differs",
      );
    });

    it("domain-cpu-host-model-expanded: a running domain shows host-model as the model it chose", () => {
      const want = dom("<cpu mode='host-model'/>");
      const expanded = "<cpu mode='custom' match='exact' check='full'><model fallback='forbid'>Skylake-Client-IBRS</model></cpu>";
      assert.deepEqual(apply("domain-cpu-host-model-expanded", "domain", dom(expanded, " id='3'"), want).cpu, want.cpu);
      assert.equal(apply("domain-cpu-host-model-expanded", "domain", dom(expanded), want).cpu?.mode, "custom", "only a running domain");
      const custom = dom("<cpu mode='custom'><model>qemu64</model></cpu>");
      assert.equal(apply("domain-cpu-host-model-expanded", "domain", dom(expanded, " id='3'"), custom).cpu?.model, "Skylake-Client-IBRS");
      assert.deepEqual(compareDomain(want, dom(expanded, " id='3'")), []);
      assert.equal(compareDomain(want, dom(expanded))[0]?.path, "cpu.mode", "an inactive definition that says custom differs");
    });

    it("domain-cpu-host-model-expanded: the running guest's topology stays, so a new one still differs", () => {
      const want = dom("<cpu mode='host-model'><topology sockets='2' cores='1' threads='1'/></cpu>");
      const shown =
        "<cpu mode='custom' match='exact'><model>Skylake-Client-IBRS</model><topology sockets='1' dies='1' cores='2' threads='1'/></cpu>";
      assert.deepEqual(apply("domain-cpu-host-model-expanded", "domain", dom(shown, " id='3'"), want).cpu?.topology, {
        sockets: 1,
        dies: 1,
        cores: 2,
        threads: 1,
      });
      assert.deepEqual(
        compareDomain(want, dom(shown, " id='3'")).map((d) => d.path),
        ["cpu.topology.sockets", "cpu.topology.cores"],
      );
    });

    it("domain-cpuset-spelling: vCPU pins compare as the sets of CPUs they select", () => {
      const want = dom("<cputune><vcpupin vcpu='0' cpuset='0,1'/><vcpupin vcpu='1' cpuset='1-3,^2'/></cputune>");
      const live = dom("<cputune><vcpupin vcpu='0' cpuset='0-1'/><vcpupin vcpu='1' cpuset='1,3'/><vcpupin vcpu='2' cpuset='0'/></cputune>");
      const out = apply("domain-cpuset-spelling", "domain", want, want);
      assert.deepEqual(
        out.cputune?.vcpupins?.map((p) => p.cpuset),
        ["0-1", "1,3"],
      );
      // A pin of a vCPU the program leaves unpinned is not compared.
      assert.deepEqual(compareDomain(want, live), []);
      assert.deepEqual(
        compareDomain(want, dom("<cputune><vcpupin vcpu='0' cpuset='0'/></cputune>")).map((d) => [d.path, d.kind]),
        [
          ["cputune.vcpupins[0].cpuset", "changed"],
          ["cputune.vcpupins[1]", "missing"],
        ],
      );
    });

    it("domain-machine-alias: q35 and pc match their versioned machine", () => {
      const live = dom("<os><type machine='pc-q35-7.2'>hvm</type></os>");
      assert.equal(apply("domain-machine-alias", "domain", live, dom("<os><type machine='q35'>hvm</type></os>")).os?.machine, "q35");
      assert.equal(apply("domain-machine-alias", "domain", live, dom("<os><type machine='pc'>hvm</type></os>")).os?.machine, "pc-q35-7.2");
    });

    it("domain-absent-feature-off: an absent flag is false", () => {
      const want = dom("<features><acpi/></features>");
      want.features!.pae = false;
      assert.equal(apply("domain-absent-feature-off", "domain", dom("<features><acpi/></features>"), want).features?.pae, false);
      assert.deepEqual(compareDomain(want, dom("<features><acpi/></features>")), []);
      assert.equal(compareDomain(want, dom("<features><acpi/><pae/></features>"))[0].path, "features.pae");
    });

    it("domain-vcpu-current: an omitted current equals the maximum", () => {
      const out = apply("domain-vcpu-current", "domain", dom("<vcpu>2</vcpu>"), dom("<vcpu current='2'>2</vcpu>"));
      assert.equal(out.vcpu?.current, 2);
    });

    it("domain-timer-order: timers compare in any order", () => {
      const a = dom("<clock offset='utc'><timer name='rtc'/><timer name='hpet' present='no'/></clock>");
      const b = dom("<clock offset='utc'><timer name='hpet' present='no'/><timer name='rtc'/></clock>");
      assert.deepEqual(
        apply("domain-timer-order", "domain", a, a).clock?.timers?.map((t) => t.name),
        ["hpet", "rtc"],
      );
      assert.deepEqual(compareDomain(a, b), []);
    });

    it("domain-sizes-as-bytes: 96 MiB is 98304 KiB", () => {
      const out = apply("domain-sizes-as-bytes", "domain", dom("<memory unit='KiB'>98304</memory>"), dom(""));
      assert.deepEqual(out.memory, { value: 100663296, unit: "bytes" });
      assert.deepEqual(compareDomain(dom("<memory unit='MiB'>96</memory>"), dom("<memory unit='KiB'>98304</memory>")), []);
    });
  });

  describe("network", () => {
    const net = (body: string) => parseNetworkXml(`<network><name>n</name>${body}</network>`);

    it("network-uuid-generated", () => {
      assert.equal(apply("network-uuid-generated", "network", net("<uuid>u</uuid>"), net("")).uuid, undefined);
    });

    it("network-mac-generated", () => {
      const live = net("<mac address='52:54:00:00:00:01'/>");
      assert.equal(apply("network-mac-generated", "network", live, net("")).mac, undefined);
      assert.equal(apply("network-mac-generated", "network", live, live).mac, "52:54:00:00:00:01");
    });

    it("network-bridge-defaults: virbrN name, stp and delay", () => {
      const live = net("<bridge name='virbr3' stp='on' delay='0'/>");
      assert.equal(apply("network-bridge-defaults", "network", live, net("")).bridge, undefined);
      assert.deepEqual(apply("network-bridge-defaults", "network", live, net("<bridge stp='on'/>")).bridge, { stp: true });
    });

    it("network-runtime-attributes: connections=", () => {
      const live = parseNetworkXml("<network connections='2'><name>n</name></network>");
      assert.deepEqual(apply("network-runtime-attributes", "network", live, net("")).extra?.attrs, {});
    });

    it("network-nat-defaults: the default port range", () => {
      const live = net("<forward mode='nat'><nat><port start='1024' end='65535'/></nat></forward>");
      assert.deepEqual(apply("network-nat-defaults", "network", live, net("<forward mode='nat'/>")).forward, {
        mode: "nat",
        extra: { attrs: {}, children: [] },
      });
    });

    it("network-netmask-as-prefix", () => {
      const out = apply("network-netmask-as-prefix", "network", net("<ip address='10.0.0.1' netmask='255.255.240.0'/>"), net(""));
      assert.deepEqual(out.ips, [{ address: "10.0.0.1", prefix: 20 }]);
      assert.deepEqual(
        compareNetwork(net("<ip address='10.0.0.1' prefix='24'/>"), net("<ip address='10.0.0.1' netmask='255.255.255.0'/>")),
        [],
      );
    });

    it("network-host-order: DNS and DHCP hosts in any order", () => {
      const a = net("<dns><host ip='10.0.0.3'><hostname>c</hostname></host><host ip='10.0.0.2'><hostname>b</hostname></host></dns>");
      assert.deepEqual(
        apply("network-host-order", "network", a, a).dns?.hosts?.map((h) => h.ip),
        ["10.0.0.2", "10.0.0.3"],
      );
    });
  });

  describe("pool and volume", () => {
    const pool = (body: string) => parsePoolXml(`<pool type='dir'><name>p</name>${body}</pool>`);
    const vol = (body: string) => parseVolumeXml(`<volume><name>v</name>${body}</volume>`);

    it("pool-uuid-generated", () => assert.equal(apply("pool-uuid-generated", "pool", pool("<uuid>u</uuid>"), pool("")).uuid, undefined));

    it("pool-measurements", () => {
      const out = apply(
        "pool-measurements",
        "pool",
        pool("<capacity unit='bytes'>1</capacity><allocation unit='bytes'>1</allocation><available unit='bytes'>1</available>"),
        pool(""),
      );
      assert.deepEqual([out.capacity, out.allocation, out.available], [undefined, undefined, undefined]);
    });

    it("pool-defaults: actual permissions and empty source", () => {
      const live = pool(
        "<source>\n  </source><target><path>/p</path><permissions><mode>0755</mode><owner>0</owner><group>0</group></permissions></target>",
      );
      const out = apply(
        "pool-defaults",
        "pool",
        live,
        pool("<target><path>/p</path><permissions><mode>0755</mode></permissions></target>"),
      );
      assert.equal(out.source, undefined);
      assert.deepEqual(out.target?.permissions, { mode: "0755" });
    });

    it("pool-target-path-slashes: libvirt drops repeated and trailing slashes", () => {
      const want = pool("<target><path>/srv//images/</path></target>");
      assert.equal(apply("pool-target-path-slashes", "pool", want, want, "desired").target?.path, "/srv/images");
      assert.equal(apply("pool-target-path-slashes", "pool", pool("<target><path>/</path></target>"), want).target?.path, "/");
      assert.deepEqual(comparePool(want, pool("<target><path>/srv/images</path></target>")), []);
      assert.equal(comparePool(want, pool("<target><path>/srv/other</path></target>"))[0]?.path, "target.path");
    });

    const typed = (type: string, body: string) => parsePoolXml(`<pool type='${type}'><name>p</name>${body}</pool>`);

    it("pool-source-format-default: libvirt's default format of each type, when none is declared", () => {
      const cases = [
        ["fs", "auto", "<device path='/dev/vdb'/>"],
        ["netfs", "auto", "<host name='nfs'/><dir path='/e'/>"],
        ["logical", "lvm2", "<name>vg</name>"],
        ["disk", "unknown", "<device path='/dev/vdb'/>"],
      ];
      for (const [type, format, source] of cases) {
        const want = typed(type, `<source>${source}</source>`);
        const live = typed(type, `<source>${source}<format type='${format}'/></source>`);
        assert.equal(apply("pool-source-format-default", "pool", live, want).source?.format, undefined, type);
        assert.deepEqual(comparePool(want, live), [], type);
      }
      // A declared format, or another one than the default, is compared.
      const declared = typed("fs", "<source><device path='/dev/vdb'/><format type='ext4'/></source>");
      const live = typed("fs", "<source><device path='/dev/vdb'/><format type='xfs'/></source>");
      assert.equal(comparePool(declared, live)[0]?.path, "source.format");
      const unset = typed("fs", "<source><device path='/dev/vdb'/></source>");
      assert.equal(apply("pool-source-format-default", "pool", live, unset).source?.format, "xfs");
    });

    it("pool-target-derived: a logical pool's /dev/<volume group>", () => {
      const want = typed("logical", "<source><name>vg</name></source>");
      const live = typed("logical", "<source><name>vg</name><format type='lvm2'/></source><target><path>/dev/vg</path></target>");
      assert.equal(apply("pool-target-derived", "pool", live, want).target, undefined);
      assert.deepEqual(comparePool(want, live), []);
      // A dir pool's target is never dropped.
      assert.ok(apply("pool-target-derived", "pool", pool("<target><path>/p</path></target>"), pool("")).target);
    });

    it("pool-sizes-as-bytes", () => {
      assert.deepEqual(apply("pool-sizes-as-bytes", "pool", pool("<capacity unit='KiB'>2</capacity>"), pool("")).capacity, {
        value: 2048,
        unit: "bytes",
      });
    });

    it("volume-measurements: allocation and physical", () => {
      const out = apply("volume-measurements", "volume", vol("<allocation>5</allocation><physical>6</physical>"), vol(""));
      assert.deepEqual([out.allocation, out.physical], [undefined, undefined]);
    });

    it("volume-derived: key, type, path, ownership and timestamps", () => {
      const live = parseVolumeXml(
        "<volume type='file'><name>v</name><key>/p/v</key><target><path>/p/v</path><permissions><mode>0600</mode><owner>0</owner></permissions><timestamps><atime>1</atime></timestamps></target></volume>",
      );
      const out = apply("volume-derived", "volume", live, vol("<target><permissions><mode>0600</mode></permissions></target>"));
      assert.deepEqual(out, { name: "v", target: { permissions: { mode: "0600" }, extra: { attrs: {}, children: [] } } });
    });

    it("volume-capacity-rounding: whole KiB or sectors", () => {
      const want = vol("<capacity unit='GB'>1</capacity>");
      assert.deepEqual(apply("volume-capacity-rounding", "volume", vol("<capacity>1000000512</capacity>"), want).capacity, {
        value: 1,
        unit: "GB",
      });
      assert.equal(compareVolume(want, vol("<capacity>1000001024</capacity>"))[0].path, "capacity");
    });

    it("volume-sizes-as-bytes", () => {
      assert.deepEqual(apply("volume-sizes-as-bytes", "volume", vol("<capacity unit='M'>1</capacity>"), vol("")).capacity, {
        value: 1048576,
        unit: "bytes",
      });
      assert.deepEqual(comparePool(pool(""), pool("<uuid>x</uuid>")), []);
    });
  });

  // Nested suites run after the plain tests of their parent: this one comes last.
  describe("coverage", () => {
    it("every rule in the table has a test here", () => {
      assert.deepEqual(
        NORMALIZE_RULES.map((r) => r.name).filter((n) => !tested.has(n)),
        [],
      );
    });
  });
});
