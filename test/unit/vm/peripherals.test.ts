import assert from "node:assert/strict";
import { domainModelOf } from "../../../provider/resources/vm/model";
import { compareVm, seedHashOf } from "../../../provider/resources/vm/compare";
import { namingOf, planVm } from "../../../provider/resources/vm/plan";
import { buildDomainXml, Domain, parseDomainXml } from "../../../provider/xml";
import { FIXTURE, FIXTURE_UUID, fixtureDisks, fixtureSpec } from "./fixtureSpec";

const SEED_A = "a".repeat(64);
const SEED_B = "b".repeat(64);

/** The fixture VM's domain with `change` applied to its inputs, after a build → parse round trip (as libvirt would be given it). */
function modelOf(change: Record<string, unknown>): Domain {
  const spec = fixtureSpec(FIXTURE, change);
  return parseDomainXml(buildDomainXml(domainModelOf(spec, fixtureDisks(spec), FIXTURE_UUID)));
}

describe("vm/peripherals: display, console, agent, shared folders, seed, overrides", () => {
  it("adds no display by default, and a VNC display on 127.0.0.1 with autoport when asked", () => {
    assert.equal(modelOf({}).devices.filter((d) => d.kind === "graphics").length, 0);
    assert.equal(modelOf({ graphics: { type: "none" } }).devices.filter((d) => d.kind === "graphics").length, 0);
    const g = modelOf({ graphics: { type: "vnc" } }).devices.find((d) => d.kind === "graphics");
    assert.deepEqual(g && { type: g.type, autoport: g.autoport, listen: g.listen, port: g.port }, {
      type: "vnc",
      autoport: true,
      listen: "127.0.0.1",
      port: undefined,
    });
    const spice = modelOf({ graphics: { type: "spice", port: 5930, listen: "0.0.0.0", password: "s3cret" } }).devices.find(
      (d) => d.kind === "graphics",
    );
    assert.deepEqual(spice && { type: spice.type, autoport: spice.autoport, port: spice.port, passwd: spice.passwd }, {
      type: "spice",
      autoport: false,
      port: 5930,
      passwd: "s3cret",
    });
  });

  it("puts the serial console on a pty by default, into a file, into a pty with a log, or nowhere", () => {
    const serials = (change: Record<string, unknown>): string[] => [
      ...(buildDomainXml(modelOf(change)).match(/<serial[\s\S]*?<\/serial>|<serial[^>]*\/>/g) ?? []),
    ];
    assert.deepEqual(serials({}), ['<serial type="pty"/>']);
    assert.match(
      serials({ serialConsole: { type: "file", path: "/var/log/vm.log" } }).join(""),
      /type="file"[\s\S]*<source path="\/var\/log\/vm\.log"\/>/,
    );
    assert.match(
      serials({ serialConsole: { logFile: "/var/log/vm.log" } }).join(""),
      /type="pty"[\s\S]*<log file="\/var\/log\/vm\.log" append="off"\/>/,
    );
    assert.deepEqual(serials({ serialConsole: { type: "none" } }), []);
  });

  it("defines the guest agent channel unless guestAgent is false", () => {
    assert.equal(modelOf({}).devices.filter((d) => d.kind === "channel").length, 1);
    assert.equal(modelOf({ guestAgent: false }).devices.filter((d) => d.kind === "channel").length, 0);
  });

  it("shares folders by virtiofs (with shared memory) and 9p", () => {
    const dom = modelOf({
      filesystems: [
        { source: "/srv/data", tag: "data" },
        { source: "/srv/ro", tag: "ro", driver: "9p", readonly: true },
      ],
    });
    const xml = buildDomainXml(dom);
    assert.match(xml, /<filesystem type="mount">\s*<driver type="virtiofs"\/>\s*<source dir="\/srv\/data"\/>\s*<target dir="data"\/>/);
    assert.match(
      xml,
      /<filesystem type="mount" accessmode="passthrough">\s*<source dir="\/srv\/ro"\/>\s*<target dir="ro"\/>\s*<readonly\/>/,
    );
    assert.match(xml, /<memoryBacking>\s*<source type="memfd"\/>\s*<access mode="shared"\/>\s*<\/memoryBacking>/);
    assert.doesNotMatch(buildDomainXml(modelOf({ filesystems: [{ source: "/srv/ro", tag: "ro", driver: "9p" }] })), /memoryBacking/);
  });

  it("keeps the seed hash in the metadata; a running domain that booted another seed needs a restart", () => {
    const seed = (sha256: string) => ({ cloudInit: { volumeKey: "/pool/seed.iso", sha256 } });
    const booted = modelOf(seed(SEED_A));
    assert.equal(seedHashOf(booted), SEED_A);
    const spec = fixtureSpec(FIXTURE, seed(SEED_B));
    const plan = planVm(domainModelOf(spec, fixtureDisks(spec), FIXTURE_UUID), booted, { ...booted, id: 7 }, namingOf(spec));
    assert.deepEqual(
      plan.config.map((d) => d.property),
      ["cloudInit"],
    );
    assert.deepEqual(
      plan.restart.map((d) => d.property),
      ["cloudInit"],
    );
    assert.match(plan.restart[0].detail, /booted with seed aaaaaaaaaaaa…, the seed is now bbbbbbbbbbbb…/);
  });

  it("names the seed's cdrom cloudInit, not a disk", () => {
    const spec = fixtureSpec(FIXTURE, { cloudInit: { volumeKey: "/pool/seed.iso", bus: "scsi" } });
    const seedDisk = spec.disks[spec.disks.length - 1];
    assert.equal(seedDisk.device, "cdrom");
    assert.equal(seedDisk.bus, "scsi");
    const desired = domainModelOf(spec, fixtureDisks(spec), FIXTURE_UUID);
    const without = { ...desired, devices: desired.devices.filter((d) => !(d.kind === "disk" && d.target.dev === seedDisk.target)) };
    const diffs = compareVm(desired, without, { running: false, ...namingOf(spec) });
    assert.deepEqual(
      diffs.map((d) => d.property),
      ["cloudInit"],
    );
  });

  it("never shows a display password in a difference", () => {
    const spec = fixtureSpec(FIXTURE, { graphics: { password: "n3wpass" } });
    const desired = domainModelOf(spec, fixtureDisks(spec), FIXTURE_UUID);
    const host = modelOf({ graphics: { password: "oldpass" } });
    const diffs = compareVm(desired, host, { running: false });
    assert.deepEqual(
      diffs.map((d) => d.property),
      ["graphics"],
    );
    // What is printed: the property and the detail (the change carries the device to set, password included).
    assert.doesNotMatch(JSON.stringify(diffs.map((d) => [d.property, d.detail])), /n3wpass|oldpass/);
    assert.equal(diffs[0].change.kind, "update");
    assert.match(diffs[0].detail, /passwd: differs from the host's/);
  });

  it("merges xmlOverrides into the model, and names what they add xmlOverrides in a difference", () => {
    const overrides = "<domain><devices><watchdog model='i6300esb' action='reset'/></devices><clock offset='localtime'/></domain>";
    const spec = fixtureSpec(FIXTURE, { xmlOverrides: overrides });
    const desired = domainModelOf(spec, fixtureDisks(spec), FIXTURE_UUID);
    assert.equal(desired.clock?.offset, "localtime");
    assert.ok(desired.devices.some((d) => d.kind === "other" && d.node.name === "watchdog"));
    const plain = modelOf({});
    const diffs = compareVm(desired, plain, { running: false, ...namingOf(spec) });
    assert.deepEqual([...new Set(diffs.map((d) => d.property))], ["xmlOverrides"]);
    assert.ok(diffs.some((d) => /watchdog/.test(d.detail)));
    assert.ok(diffs.some((d) => /clock/.test(d.detail)));
    // A device added on the host that nothing declares is the host's own, not drift.
    assert.deepEqual(compareVm(plain, desired, { running: false }), []);
  });
});
