import { strict as assert } from "assert";
import {
  Domain,
  DomainOverrides,
  applyDomainOverrides,
  buildDomainXml,
  devicesOf,
  parseDomainOverrides,
  parseDomainXml,
  parseXml,
  tryApplyDomainOverrides,
} from "../../../provider/xml";

// A domain shaped like what the VirtualMachine resource generates.
const GENERATED = `<domain type='kvm'>
  <name>pkvm-ovr</name>
  <description>generated</description>
  <memory unit='MiB'>1024</memory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <boot dev='hd'/>
    <boot dev='network'/>
  </os>
  <features><acpi/><apic/></features>
  <cpu mode='host-model'><feature policy='require' name='vmx'/></cpu>
  <clock offset='utc'><timer name='rtc' tickpolicy='catchup'/></clock>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/a.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='/var/lib/libvirt/images/b.img'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:ab:cd:ef'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <controller type='usb' index='0' model='qemu-xhci'/>
    <serial type='pty'><target port='0'/></serial>
    <graphics type='vnc' port='-1' autoport='yes'/>
  </devices>
</domain>`;

function generated(): Domain {
  return parseDomainXml(GENERATED);
}

function overrides(text: string): DomainOverrides {
  const { overrides: o, problems } = parseDomainOverrides(text);
  assert.deepEqual(problems, []);
  assert.ok(o);
  return o;
}

/** Applies, builds, and returns the built XML as a tree, for shape checks. */
function merged(text: string, dom: Domain = generated()): ReturnType<typeof parseXml> {
  return parseXml(buildDomainXml(applyDomainOverrides(dom, overrides(text))));
}

function child(n: ReturnType<typeof parseXml>, ...path: string[]): ReturnType<typeof parseXml> {
  let cur = n;
  for (const name of path) {
    const next = cur.children.find((c) => c.name === name);
    assert.ok(next, `no <${name}> under <${cur.name}>`);
    cur = next;
  }
  return cur;
}

function named(n: ReturnType<typeof parseXml>, name: string): ReturnType<typeof parseXml>[] {
  return n.children.filter((c) => c.name === name);
}

function problemsOf(text: string): string[] {
  const r = parseDomainOverrides(text);
  assert.equal(r.overrides, undefined);
  return r.problems;
}

describe("domain xmlOverrides", () => {
  describe("devices (rule c)", () => {
    it("appends a device that has no identity", () => {
      const root = merged(`<domain><devices><watchdog model='i6300esb' action='reset'/></devices></domain>`);
      const devices = child(root, "devices");
      const dogs = named(devices, "watchdog");
      assert.equal(dogs.length, 1);
      assert.deepEqual(dogs[0].attrs, { model: "i6300esb", action: "reset" });
      assert.equal(devices.children[devices.children.length - 1].name, "watchdog");
    });

    it("merges a disk into the generated one with the same target dev", () => {
      const dom = applyDomainOverrides(
        generated(),
        overrides(`<domain><devices><disk><driver cache='none' io='native'/><target dev='vdb'/></disk></devices></domain>`),
      );
      const disks = devicesOf(dom.devices, "disk");
      assert.equal(disks.length, 2);
      const root = parseXml(buildDomainXml(dom));
      const vdb = named(child(root, "devices"), "disk").find((d) => child(d, "target").attrs.dev === "vdb");
      assert.ok(vdb);
      assert.deepEqual(child(vdb, "driver").attrs, { name: "qemu", type: "raw", cache: "none", io: "native" });
      assert.equal(child(vdb, "source").attrs.file, "/var/lib/libvirt/images/b.img");
      const vda = named(child(root, "devices"), "disk").find((d) => child(d, "target").attrs.dev === "vda");
      assert.ok(vda);
      assert.deepEqual(child(vda, "driver").attrs, { name: "qemu", type: "qcow2" });
    });

    it("matches an interface by MAC address in any case", () => {
      const root = merged(
        `<domain><devices><interface><mac address='52:54:00:AB:CD:EF'/><model type='e1000e'/></interface></devices></domain>`,
      );
      const nics = named(child(root, "devices"), "interface");
      assert.equal(nics.length, 1);
      assert.equal(child(nics[0], "model").attrs.type, "e1000e");
      assert.equal(child(nics[0], "source").attrs.network, "default");
    });

    it("matches graphics by type, controllers by type and index, serials by port", () => {
      const root = merged(`<domain><devices>
        <graphics type='vnc' listen='127.0.0.1'/>
        <controller type='usb' model='ich9-ehci1'/>
        <controller type='usb' index='1' model='qemu-xhci'/>
        <serial type='pty'><target port='0' type='isa-serial'/></serial>
      </devices></domain>`);
      const devices = child(root, "devices");
      const graphics = named(devices, "graphics");
      assert.equal(graphics.length, 1);
      assert.equal(graphics[0].attrs.listen, "127.0.0.1");
      assert.equal(graphics[0].attrs.autoport, "yes");
      const controllers = named(devices, "controller");
      assert.deepEqual(
        controllers.map((c) => c.attrs),
        [
          { type: "usb", index: "0", model: "ich9-ehci1" },
          { type: "usb", index: "1", model: "qemu-xhci" },
        ],
      );
      const serials = named(devices, "serial");
      assert.equal(serials.length, 1);
      assert.equal(child(serials[0], "target").attrs.type, "isa-serial");
    });

    it("appends a disk whose target dev is not generated", () => {
      const root = merged(`<domain><devices><disk type='file' device='cdrom'>
        <source file='/isos/x.iso'/><target dev='sda' bus='sata'/><readonly/>
      </disk></devices></domain>`);
      const disks = named(child(root, "devices"), "disk");
      assert.deepEqual(
        disks.map((d) => child(d, "target").attrs.dev),
        ["vda", "vdb", "sda"],
      );
    });
  });

  describe("other children (rules a, b, d)", () => {
    it("adds <hyperv> to <features> while acpi and apic stay", () => {
      const root = merged(`<domain><features><hyperv mode='custom'><relaxed state='on'/><vapic state='on'/></hyperv></features></domain>`);
      const features = child(root, "features");
      assert.deepEqual(
        features.children.map((c) => c.name),
        ["acpi", "apic", "hyperv"],
      );
      assert.equal(child(features, "hyperv", "relaxed").attrs.state, "on");
    });

    it("changes the clock offset and keeps its timers", () => {
      const root = merged(`<domain><clock offset='localtime'/></domain>`);
      const clock = child(root, "clock");
      assert.equal(clock.attrs.offset, "localtime");
      assert.equal(child(clock, "timer").attrs.name, "rtc");
    });

    it("replaces the <feature> list of <cpu> with the override's two", () => {
      const root = merged(`<domain><cpu><feature policy='disable' name='svm'/><feature policy='require' name='pdpe1gb'/></cpu></domain>`);
      const cpu = child(root, "cpu");
      assert.equal(cpu.attrs.mode, "host-model");
      assert.deepEqual(
        named(cpu, "feature").map((f) => f.attrs),
        [
          { policy: "disable", name: "svm" },
          { policy: "require", name: "pdpe1gb" },
        ],
      );
    });

    it("replaces the boot order in place", () => {
      const dom = applyDomainOverrides(generated(), overrides(`<domain><os><boot dev='cdrom'/><boot dev='hd'/></os></domain>`));
      assert.deepEqual(dom.os?.boot, ["cdrom", "hd"]);
      assert.equal(dom.os?.machine, "q35");
      const os = child(parseXml(buildDomainXml(dom)), "os");
      assert.deepEqual(
        os.children.map((c) => c.name),
        ["type", "boot", "boot"],
      );
    });

    it("adds <qemu:commandline> and the root xmlns:qemu declaration", () => {
      const ns = "http://libvirt.org/schemas/domain/qemu/1.0";
      const dom = applyDomainOverrides(
        generated(),
        overrides(`<domain xmlns:qemu='${ns}'><qemu:commandline><qemu:arg value='-no-hpet'/></qemu:commandline></domain>`),
      );
      const xml = buildDomainXml(dom);
      assert.match(xml, /^<domain type="kvm" xmlns:qemu="http:\/\/libvirt\.org\/schemas\/domain\/qemu\/1\.0">/);
      const root = parseXml(xml);
      assert.equal(child(root, "qemu:commandline", "qemu:arg").attrs.value, "-no-hpet");
      assert.equal(dom.type, "kvm");
      assert.equal(dom.name, "pkvm-ovr");
    });

    it("replaces text content", () => {
      const dom = applyDomainOverrides(
        generated(),
        overrides(`<domain><description>from the override</description><title>T</title></domain>`),
      );
      assert.equal(dom.description, "from the override");
      assert.equal(dom.title, "T");
    });

    it("keeps hostile text byte-identical through build and parse", () => {
      const dom = applyDomainOverrides(generated(), overrides(`<domain><description>a &lt;b&gt; &amp; "c"</description></domain>`));
      assert.equal(dom.description, 'a <b> & "c"');
      assert.equal(parseDomainXml(buildDomainXml(dom)).description, 'a <b> & "c"');
    });

    it("changes a scalar section's attributes and text", () => {
      const dom = applyDomainOverrides(generated(), overrides(`<domain><vcpu placement='auto'>4</vcpu></domain>`));
      assert.equal(dom.vcpu?.count, 4);
      assert.equal(dom.vcpu?.placement, "auto");
    });
  });

  describe("purity", () => {
    it("modifies neither the domain nor the overrides", () => {
      const dom = parseDomainXml(`<domain type='kvm'><name>p</name><devices>
        <watchdog model='itco' action='none'/>
        <disk type='file' device='disk'><source file='/a'/><target dev='vda'/></disk>
      </devices><unknown a='1'><x/></unknown></domain>`);
      const o = overrides(`<domain xmlns:qemu='urn:q'><unknown b='2'><y/></unknown><devices>
        <watchdog model='i6300esb' action='reset'/>
        <disk><driver cache='none'/><target dev='vda'/></disk>
      </devices><qemu:commandline/></domain>`);
      const domBefore = structuredClone(dom);
      const oBefore = structuredClone(o);
      const out = applyDomainOverrides(dom, o);
      assert.deepEqual(dom, domBefore);
      assert.deepEqual(o, oBefore);
      // The result shares no objects with the inputs.
      const [watchdog] = out.devices.filter((d) => d.kind === "other");
      assert.ok(watchdog && watchdog.kind === "other");
      watchdog.node.attrs.action = "poweroff";
      out.extra?.children.forEach((c) => (c.attrs.changed = "yes"));
      assert.deepEqual(dom, domBefore);
      assert.deepEqual(o, oBefore);
    });
  });

  describe("validation", () => {
    it("accepts a valid override", () => {
      const r = parseDomainOverrides(`<domain><clock offset='localtime'/></domain>`);
      assert.deepEqual(r.problems, []);
      assert.ok(r.overrides);
    });

    it("refuses malformed XML with the parser's message", () => {
      const [p, ...rest] = problemsOf(`<domain><devices></domain>`);
      assert.deepEqual(rest, []);
      assert.match(p, /^must be well-formed XML: \S/);
      assert.doesNotMatch(p, /malformed XML/);
    });

    it("refuses another root element", () => {
      assert.deepEqual(problemsOf(`<network><name>n</name></network>`), ["must have <domain> as its root element, not <network>"]);
    });

    it("refuses <name> and <uuid>", () => {
      assert.deepEqual(problemsOf(`<domain><name>x</name><uuid>8a4f3c2e-1b2d-4e5f-9a6b-7c8d9e0f1a2b</uuid></domain>`), [
        "cannot set <name>: the resource manages the domain's name (use the name input)",
        "cannot set <uuid>: the resource manages the domain's uuid (libvirt assigns it on define)",
      ]);
    });

    it("refuses root attributes other than xmlns:*, naming each", () => {
      const problems = problemsOf(`<domain type='kvm' xmlns:qemu='urn:q' id='3' foo='bar'/>`);
      assert.equal(problems.length, 3);
      assert.match(problems[0], /^cannot set the <domain> attribute `type`: .*domainType input/);
      assert.match(problems[1], /^cannot set the <domain> attribute `id`/);
      assert.match(problems[2], /^cannot set the <domain> attribute `foo`: only xmlns:\* /);
    });

    it("refuses documents over 64 KiB", () => {
      const big = `<domain><description>${"x".repeat(64 * 1024)}</description></domain>`;
      const [p] = problemsOf(big);
      assert.match(p, /^must be at most 64 KiB/);
      // Exactly at the limit is fine.
      const pad = 64 * 1024 - `<domain><description></description></domain>`.length;
      assert.deepEqual(parseDomainOverrides(`<domain><description>${"x".repeat(pad)}</description></domain>`).problems, []);
    });

    it("refuses an empty or blank string", () => {
      assert.match(problemsOf("")[0], /^must not be empty/);
      assert.match(problemsOf(" \n\t")[0], /^must not be empty/);
    });

    it("refuses pieces the domain model cannot read", () => {
      const [p] = problemsOf(`<domain><memory unit='MiB'>lots</memory></domain>`);
      assert.match(p, /^does not give a valid domain document: /);
    });

    it("reports merge results libvirt would refuse", () => {
      const text = `<domain><title>two\nlines</title></domain>`;
      assert.deepEqual(problemsOf(text), ["gives a domain libvirt would refuse: title: libvirt refuses line breaks in a title"]);
      // The checker helper says the same about a given generated domain.
      const r = tryApplyDomainOverrides(generated(), { root: parseXml(text) });
      assert.equal(r.domain, undefined);
      assert.deepEqual(r.problems, ["gives a domain libvirt would refuse: title: libvirt refuses line breaks in a title"]);
      const ok = tryApplyDomainOverrides(generated(), overrides(`<domain><title>one line</title></domain>`));
      assert.deepEqual(ok.problems, []);
      assert.equal(ok.domain?.title, "one line");
    });
  });
});
