/**
 * A disk's tuning (cache, io, discard, iops, bytesPerSecond): what check
 * accepts, the `<driver>` and `<iotune>` it means, that libvirt's readings of
 * a tuned VM (the captured fixtures, spelt as libvirt writes the tuning)
 * settle, and which changes are live.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { BlockIoTuneParam, DomainModificationImpact, LibvirtConnection } from "../../../provider/libvirt";
import { parseSpec } from "../../../provider/resources/common/kindSpec";
import { handler } from "../../../provider/resources/runtime";
import { vmKind } from "../../../provider/resources/vm/kind";
import { diskDevice, domainModelOf } from "../../../provider/resources/vm/model";
import { planVm } from "../../../provider/resources/vm/plan";
import { applyLive, liveFlags } from "../../../provider/resources/vm/remedies";
import { buildDevice, buildXml, devicesOf, Domain, parseDomainXml } from "../../../provider/xml";
import { goodVm } from "./badVmInputs";
import { FIXTURE, FIXTURE_UUID, fixtureDisks, fixtureSpec } from "./fixtureSpec";

const fixtureText = (name: string): string => readFileSync(path.join(__dirname, "fixtures", name), "utf8");
const { Live, Config } = DomainModificationImpact;

/** libvirt's spelling of a tuned disk: the driver's attributes in its order, `<iotune>` after `<target>`, zero limits left out. */
interface LibvirtTuning {
  driver?: string;
  iotune?: Record<string, number>;
}

/** The captured fixture with the disk on `dev` tuned as libvirt writes it. */
function tunedFixture(name: string, tuning: Record<string, LibvirtTuning>): Domain {
  let xml = fixtureText(name);
  for (const [dev, t] of Object.entries(tuning)) {
    const disk = new RegExp(
      `(<disk [^>]*>\\s*<driver name='qemu'(?: type='\\w+')?)(/>(?:(?!</disk>)[\\s\\S])*?<target dev='${dev}'[^>]*/>)`,
    );
    assert.match(xml, disk, `no disk ${dev} in ${name}`);
    const tune = Object.entries(t.iotune ?? {})
      .map(([k, v]) => `<${k}>${v}</${k}>`)
      .join("");
    xml = xml.replace(
      disk,
      (_m, head: string, rest: string) => `${head}${t.driver ? ` ${t.driver}` : ""}${rest}${tune ? `<iotune>${tune}</iotune>` : ""}`,
    );
  }
  return parseDomainXml(xml);
}

/** The fixture's disks (vda root, sda empty cdrom, sdb data on scsi) with tuning on vda and sdb. */
function tunedSpec(vda: Record<string, unknown>, sdb: Record<string, unknown> = {}) {
  return fixtureSpec(FIXTURE, { disks: [{ volumeKey: "root", ...vda }, { device: "cdrom" }, { volumeKey: "data", bus: "scsi", ...sdb }] });
}

function planOf(spec: ReturnType<typeof tunedSpec>, config: Domain, running: Domain | undefined) {
  return planVm(domainModelOf(spec, fixtureDisks(spec), FIXTURE_UUID), config, running);
}

/** Configurations, each with the spelling libvirt gives it back. */
const CONFIGS: { title: string; vda: Record<string, unknown>; sdb?: Record<string, unknown>; libvirt: Record<string, LibvirtTuning> }[] = [
  {
    title: "cache none, native io, unmap, a total iops limit",
    vda: { cache: "none", io: "native", discard: "unmap", iops: { total: 200 } },
    libvirt: { vda: { driver: "cache='none' io='native' discard='unmap'", iotune: { total_iops_sec: 200 } } },
  },
  {
    title: "writeback with threads, read and write byte limits",
    vda: { cache: "writeback", io: "threads", bytesPerSecond: { read: 10_485_760, write: 5_242_880 } },
    libvirt: { vda: { driver: "cache='writeback' io='threads'", iotune: { read_bytes_sec: 10_485_760, write_bytes_sec: 5_242_880 } } },
  },
  {
    title: "directsync with io_uring and ignore, both kinds of limit",
    vda: { cache: "directsync", io: "io_uring", discard: "ignore", iops: { read: 300, write: 100 }, bytesPerSecond: { total: 1e9 } },
    libvirt: {
      vda: {
        driver: "cache='directsync' io='io_uring' discard='ignore'",
        iotune: { total_bytes_sec: 1e9, read_iops_sec: 300, write_iops_sec: 100 },
      },
    },
  },
  {
    title: "writethrough on the root disk, unsafe and a write limit on a SCSI disk",
    vda: { cache: "writethrough" },
    sdb: { cache: "unsafe", discard: "unmap", iops: { write: 50 } },
    libvirt: { vda: { driver: "cache='writethrough'" }, sdb: { driver: "cache='unsafe' discard='unmap'", iotune: { write_iops_sec: 50 } } },
  },
  {
    title: "only a limit, at QEMU's highest value",
    vda: { bytesPerSecond: { total: 1e15 } },
    libvirt: { vda: { iotune: { total_bytes_sec: 1e15 } } },
  },
];

describe("VirtualMachine disk tuning", () => {
  it("check accepts every tuning input and keeps it in the spec", async () => {
    const tuned = {
      ...goodVm,
      disks: [
        {
          path: "/a.qcow2",
          cache: "none",
          io: "native",
          discard: "unmap",
          iops: { total: 500 },
          bytesPerSecond: { read: 1000, write: 2000 },
        },
        { device: "cdrom", path: "/srv/iso/seed.iso", cache: "directsync", io: "threads", iops: { read: 10 } },
        { path: "/b.img", cache: "unsafe", io: "io_uring", discard: "ignore", bytesPerSecond: { write: 1e15 } },
      ],
    };
    const result = await handler("VirtualMachine").check({}, tuned);
    assert.deepEqual(result.failures, [], JSON.stringify(result.failures));
    const { spec } = parseSpec(vmKind, tuned, {}, true);
    assert.deepEqual(
      spec?.disks.map(({ cache, io, discard, iops, bytesPerSecond }) => ({ cache, io, discard, iops, bytesPerSecond })),
      [
        { cache: "none", io: "native", discard: "unmap", iops: { total: 500 }, bytesPerSecond: { read: 1000, write: 2000 } },
        { cache: "directsync", io: "threads", discard: undefined, iops: { read: 10 }, bytesPerSecond: undefined },
        { cache: "unsafe", io: "io_uring", discard: "ignore", iops: undefined, bytesPerSecond: { write: 1e15 } },
      ],
    );
  });

  it("means <driver cache io discard> and an <iotune> with libvirt's element names; nothing when untuned", () => {
    const [disk] = tunedSpec({
      cache: "none",
      io: "native",
      discard: "unmap",
      iops: { read: 300, write: 100 },
      bytesPerSecond: { total: 4096 },
    }).disks;
    assert.ok(disk);
    const xml = buildXml(buildDevice(diskDevice({ ...disk, file: "/img/root.qcow2", format: "qcow2" })));
    assert.match(xml, /<driver name="qemu" type="qcow2" cache="none" io="native" discard="unmap"\/>/);
    assert.match(
      xml.replace(/\s+/g, ""),
      /<target[^>]*\/><iotune><total_bytes_sec>4096<\/total_bytes_sec><read_iops_sec>300<\/read_iops_sec><write_iops_sec>100<\/write_iops_sec><\/iotune>/,
    );
    const [plain] = tunedSpec({}).disks;
    assert.ok(plain);
    const untuned = buildXml(buildDevice(diskDevice({ ...plain, file: "/img/root.qcow2", format: "qcow2" })));
    assert.doesNotMatch(untuned, /iotune|cache=|io=|discard=/);
  });

  it("reads back an <iotune> as written, keeping the limits it does not model", () => {
    const xml =
      "<domain type='qemu'><name>d</name><devices><disk type='file'><target dev='vda'/>" +
      "<iotune><total_iops_sec>7</total_iops_sec><total_iops_sec_max>70</total_iops_sec_max><group_name>g</group_name></iotune></disk></devices></domain>";
    const [disk] = devicesOf(parseDomainXml(xml).devices, "disk");
    assert.equal(disk?.iotune?.totalIopsSec, 7);
    const again = buildXml(buildDevice(disk));
    assert.match(
      again.replace(/\s+/g, ""),
      /<iotune><total_iops_sec>7<\/total_iops_sec><total_iops_sec_max>70<\/total_iops_sec_max><group_name>g<\/group_name><\/iotune>/,
    );
  });

  describe("settles against libvirt's readings of a tuned VM (no spurious diff)", () => {
    for (const c of CONFIGS) {
      it(c.title, () => {
        const spec = tunedSpec(c.vda, c.sdb);
        const plan = planOf(spec, tunedFixture("vm-inactive.xml", c.libvirt), tunedFixture("vm-running.xml", c.libvirt));
        assert.deepEqual(plan, { config: [], live: [], restart: [] });
      });
    }
  });

  it("changes, adds and removes limits live, with CONFIG when the definition differs too", () => {
    const libvirt = { vda: { iotune: { total_iops_sec: 200 } } };
    const config = tunedFixture("vm-inactive.xml", libvirt);
    const running = tunedFixture("vm-running.xml", libvirt);
    for (const vda of [
      { iops: { total: 400 } },
      { iops: { read: 10, write: 20 } },
      {},
      { iops: { total: 200 }, bytesPerSecond: { write: 1 } },
    ]) {
      const plan = planOf(tunedSpec(vda), config, running);
      assert.deepEqual(
        plan.live.map((d) => [d.property, d.change.kind]),
        [["disks[0]", "iotune"]],
        JSON.stringify(vda),
      );
      assert.deepEqual(plan.restart, [], JSON.stringify(vda));
      const [change] = plan.live;
      assert.ok(change);
      assert.equal(
        liveFlags(
          change.change,
          plan.config.map((d) => d.change),
          config,
        ),
        Live | Config,
      );
    }
    const detail = planOf(tunedSpec({ iops: { total: 400 } }), config, running).live[0]?.detail;
    assert.equal(detail, "vda: total_iops_sec: declared 400, the host has 200");
  });

  it("takes a restart for cache, io and discard (libvirt refuses them on a running drive)", () => {
    const libvirt = { vda: { driver: "cache='none' io='native'" } };
    const config = tunedFixture("vm-inactive.xml", libvirt);
    const running = tunedFixture("vm-running.xml", libvirt);
    for (const vda of [
      { cache: "directsync", io: "native" },
      { cache: "none", io: "threads" },
      { cache: "none", io: "native", discard: "unmap" },
      {},
    ]) {
      const plan = planOf(tunedSpec(vda), config, running);
      assert.deepEqual(
        plan.restart.map((d) => [d.property, d.change.kind]),
        [["disks[0]", "definition"]],
        JSON.stringify(vda),
      );
      assert.deepEqual(plan.live, []);
    }
  });

  it("sends every limit to the block I/O tune call, 0 for those not declared", async () => {
    const calls: unknown[][] = [];
    const conn = {
      domains: { setBlockIoTune: async (...args: unknown[]) => void calls.push(args.slice(1)) },
    } as unknown as LibvirtConnection;
    const ref = { name: "vm", uuid: "u", id: 1 };
    const target = { conn, ref, desired: parseDomainXml("<domain type='qemu'><name>vm</name></domain>"), flags: Live | Config };
    await applyLive(target, { kind: "iotune", key: "disk:vdb", target: "vdb", iotune: { readIopsSec: 10, totalBytesSec: 99 } }, "disks[1]");
    await applyLive({ ...target, flags: Live }, { kind: "iotune", key: "disk:vdb", target: "vdb", iotune: undefined }, "disks[1]");
    const zero = {
      [BlockIoTuneParam.TotalBytesSec]: 0,
      [BlockIoTuneParam.ReadBytesSec]: 0,
      [BlockIoTuneParam.WriteBytesSec]: 0,
      [BlockIoTuneParam.TotalIopsSec]: 0,
      [BlockIoTuneParam.ReadIopsSec]: 0,
      [BlockIoTuneParam.WriteIopsSec]: 0,
    };
    assert.deepEqual(calls, [
      ["vdb", { ...zero, total_bytes_sec: 99, read_iops_sec: 10 }, Live | Config],
      ["vdb", zero, Live],
    ]);
  });
});
