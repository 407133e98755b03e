import assert from "node:assert/strict";
import { sharedConnectionPool, PoolRef } from "../../../../provider/libvirt";
import { parseSpec, replacementsOf } from "../../../../provider/resources/common/kindSpec";
import { poolReplacements } from "../../../../provider/resources/pool/drift";
import { poolKind, PoolLive, PoolSpec } from "../../../../provider/resources/pool/kind";
import { POOL_TYPE_NAMES, volumesOf } from "../../../../provider/resources/pool/fields";
import { poolModelOf } from "../../../../provider/resources/pool/model";
import { volumeXml } from "../../../../provider/resources/volume/model";
import { handler } from "../../../../provider/resources/runtime";
import { buildPoolXml, parsePoolXml } from "../../../../provider/xml";
import { conn } from "../../../support/badInputCases";
import { GOOD_POOLS } from "../../../support/poolTypeCases";

/** The failures `check` reports, as `property: rule` (each reason begins by naming its property). */
async function failures(inputs: Record<string, unknown>): Promise<string[]> {
  const result = await handler("StoragePool").check({}, { ...inputs, connection: conn });
  assert.equal(sharedConnectionPool().size, 0, "check contacted a host");
  return (result.failures ?? []).map((f) => {
    assert.ok(f.reason.startsWith(`${f.property} `), f.reason);
    return `${f.property}: ${f.reason.slice(f.property.length + 1)}`;
  });
}

const spec = (inputs: Record<string, unknown>): PoolSpec => {
  const { spec, problems } = parseSpec(poolKind, inputs, {}, true);
  assert.deepEqual(problems, []);
  return spec!;
};

describe("StoragePool types: check", () => {
  for (const [title, inputs] of Object.entries(GOOD_POOLS)) {
    it(`accepts ${title}`, async () => assert.deepEqual(await failures(inputs), []));
  }

  const bad: [title: string, inputs: Record<string, unknown>, expected: RegExp][] = [
    ["fs without a device", { name: "p", type: "fs", path: "/srv/p" }, /^device: is required for a pool of type fs$/],
    ["fs without a mount point", { name: "p", type: "fs", device: "/dev/vdb" }, /^path: is required for a pool of type fs$/],
    ["fs with a relative device", { name: "p", type: "fs", device: "vdb", path: "/srv/p" }, /^device: .*absolute path/],
    [
      "fs with a partition table as format",
      { name: "p", type: "fs", device: "/dev/vdb", path: "/p", format: "gpt" },
      /^format: must be one of "auto", "ext2", .* for a pool of type fs$/,
    ],
    [
      "fs build of auto",
      { name: "p", type: "fs", device: "/dev/vdb", path: "/p", build: true },
      /^format: must name the filesystem to make/,
    ],
    [
      "dir with a device",
      { name: "p", path: "/srv/p", device: "/dev/vdb" },
      /^device: does not apply to a pool of type dir \(it is an input of fs, disk\)$/,
    ],
    ["dir with build", { name: "p", type: "dir", path: "/srv/p", build: true }, /^build: does not apply to a pool of type dir/],
    [
      "netfs without host and export",
      { name: "p", type: "netfs", path: "/mnt/p" },
      /^(host|exportPath): is required for a pool of type netfs$/,
    ],
    [
      "netfs nfs with a relative export",
      { name: "p", type: "netfs", path: "/mnt/p", host: "nfs1", exportPath: "images" },
      /^exportPath: must be an absolute path for nfs$/,
    ],
    [
      "netfs cifs with a path as share",
      { name: "p", type: "netfs", path: "/mnt/p", host: "smb", exportPath: "/a/b", format: "cifs" },
      /^exportPath: must be a share name/,
    ],
    [
      "netfs with a bad host",
      { name: "p", type: "netfs", path: "/mnt/p", host: "nfs server", exportPath: "/e" },
      /^host: must be a host name or an IP address$/,
    ],
    [
      "netfs with an fs format",
      { name: "p", type: "netfs", path: "/mnt/p", host: "n", exportPath: "/e", format: "ext4" },
      /^format: must be one of "nfs", "cifs" for a pool of type netfs$/,
    ],
    ["logical with a path", { name: "p", type: "logical", path: "/dev/vg" }, /^path: does not apply to a pool of type logical/],
    ["logical build without devices", { name: "p", type: "logical", build: true }, /^devices: is required when build is true/],
    ["logical with an empty device list", { name: "p", type: "logical", devices: [] }, /^devices: must be a non-empty list/],
    [
      "logical with a device twice",
      { name: "p", type: "logical", devices: ["/dev/vdb", "/dev/vdb"] },
      /^devices: must name each device once$/,
    ],
    ["logical with a relative device", { name: "p", type: "logical", devices: ["vdb"] }, /^devices\[0\]: .*absolute path/],
    [
      "logical with a bad volume group name",
      { name: "p", type: "logical", volumeGroup: "-vg" },
      /^volumeGroup: must be an LVM volume group name/,
    ],
    ["disk without a device", { name: "p", type: "disk" }, /^device: is required for a pool of type disk$/],
    [
      "disk with an fs format",
      { name: "p", type: "disk", device: "/dev/vdb", format: "ext4" },
      /^format: must be one of "gpt", "dos" for a pool of type disk$/,
    ],
    ["disk build without a format", { name: "p", type: "disk", device: "/dev/vdb", build: true }, /^format: must name the partition table/],
    [
      "disk with a mount point",
      { name: "p", type: "disk", device: "/dev/vdb", path: "/mnt" },
      /^path: does not apply to a pool of type disk \(it is an input of dir, fs, netfs\)$/,
    ],
    ["an unknown type", { name: "p", type: "zfs", path: "/p" }, /^type: must be one of "dir", "fs", "netfs", "logical", "disk"/],
    [
      "an unknown key",
      { name: "p", type: "fs", device: "/dev/vdb", path: "/p", mountOptions: "ro" },
      /^mountOptions: is not a StoragePool input/,
    ],
  ];
  for (const [title, inputs, expected] of bad) {
    it(`refuses ${title}`, async () => {
      const got = await failures(inputs);
      assert.ok(got.length > 0 && got.some((f) => expected.test(f)), got.join("\n"));
    });
  }

  it("reports every input of another type at once", async () => {
    const got = await failures({ name: "p", path: "/p", device: "/dev/vdb", host: "h", volumeGroup: "vg" });
    assert.deepEqual(got.map((f) => f.split(":")[0]).sort(), ["device", "host", "volumeGroup"]);
  });

  it("stored state of a logical pool holds the reported path, and still loads", () => {
    const { spec: s, problems } = parseSpec(poolKind, { name: "p", type: "logical", path: "/dev/p" }, {});
    assert.deepEqual(problems, []);
    assert.equal(s?.type, "logical");
  });

  it("a dir pool's state written before the union loads unchanged", () => {
    const old = {
      name: "p",
      type: "dir",
      path: "/srv/p",
      autostart: true,
      forceDestroy: false,
      uuid: "u",
      active: true,
      capacityBytes: 1,
      availableBytes: 1,
    };
    const { spec: s, problems } = parseSpec(poolKind, old, {});
    assert.deepEqual(problems, []);
    assert.deepEqual(poolModelOf(s!), { type: "dir", name: "p", target: { path: "/srv/p" } });
  });
});

describe("StoragePool types: the definition written", () => {
  // Without the indentation between elements.
  const xml = (inputs: Record<string, unknown>) =>
    buildPoolXml(poolModelOf(spec(inputs), "00000000-0000-4000-8000-000000000001")).replace(/>\s+</g, "><");

  it("dir: the target only", () => {
    assert.equal(
      xml({ name: "p", path: "/srv/p/" }),
      `<pool type="dir"><name>p</name><uuid>00000000-0000-4000-8000-000000000001</uuid><target><path>/srv/p</path></target></pool>`,
    );
  });

  it("fs: the device, the filesystem (auto by default) and the mount point", () => {
    assert.match(
      xml({ name: "p", type: "fs", device: "/dev/vdb", path: "/mnt/p" }),
      /<source><device path="\/dev\/vdb"\/><format type="auto"\/><\/source><target><path>\/mnt\/p<\/path><\/target>/,
    );
    assert.match(xml({ name: "p", type: "fs", device: "/dev/vdb", path: "/mnt/p", format: "ext4", build: true }), /<format type="ext4"\/>/);
  });

  it("netfs: host, export and protocol (nfs by default)", () => {
    assert.match(
      xml({ name: "p", type: "netfs", host: "nfs1", exportPath: "/exports/img", path: "/mnt/p" }),
      /<source><host name="nfs1"\/><dir path="\/exports\/img"\/><format type="nfs"\/><\/source><target><path>\/mnt\/p<\/path><\/target>/,
    );
  });

  it("logical: the volume group (the pool's name by default), its devices, no target", () => {
    assert.match(xml({ name: "p", type: "logical" }), /<source><name>p<\/name><\/source><\/pool>$/);
    assert.match(
      xml({ name: "p", type: "logical", volumeGroup: "vg0", devices: ["/dev/vdb", "/dev/vdc"], build: true }),
      /<source><device path="\/dev\/vdb"\/><device path="\/dev\/vdc"\/><name>vg0<\/name><\/source><\/pool>$/,
    );
  });

  it("disk: the disk, its partition table when given, /dev as the target", () => {
    assert.match(
      xml({ name: "p", type: "disk", device: "/dev/vdb" }),
      /<source><device path="\/dev\/vdb"\/><\/source><target><path>\/dev<\/path><\/target>/,
    );
    assert.match(xml({ name: "p", type: "disk", device: "/dev/vdb", format: "gpt" }), /<format type="gpt"\/>/);
  });
});

describe("StoragePool types: drift against the definition libvirt writes back", () => {
  const live = (definition: string, active = true): PoolLive => ({
    ref: {} as PoolRef,
    definition: parsePoolXml(definition),
    active,
    autostart: true,
    capacity: 0n,
    available: 0n,
  });
  // As `virsh pool-dumpxml --inactive` printed them on libvirt 9.0 for these definitions.
  const sizes = `<capacity unit='bytes'>0</capacity><allocation unit='bytes'>0</allocation><available unit='bytes'>0</available>`;
  const cases: [string, Record<string, unknown>, string][] = [
    [
      "fs",
      { name: "p", type: "fs", device: "/dev/loop7", path: "/mnt/p/" },
      `<pool type='fs'><name>p</name><uuid>u</uuid>${sizes}<source><device path='/dev/loop7'/><format type='auto'/></source><target><path>/mnt/p</path></target></pool>`,
    ],
    [
      "netfs",
      { name: "p", type: "netfs", host: "nfs.example.com", exportPath: "/exports/images", path: "/mnt/p" },
      `<pool type='netfs'><name>p</name><uuid>u</uuid>${sizes}<source><host name='nfs.example.com'/><dir path='/exports/images'/><format type='nfs'/></source><target><path>/mnt/p</path></target></pool>`,
    ],
    [
      "logical",
      { name: "p", type: "logical" },
      `<pool type='logical'><name>p</name><uuid>u</uuid>${sizes}<source><name>p</name><format type='lvm2'/></source><target><path>/dev/p</path></target></pool>`,
    ],
    [
      "disk",
      { name: "p", type: "disk", device: "/dev/sdz" },
      `<pool type='disk'><name>p</name><uuid>u</uuid>${sizes}<source><device path='/dev/sdz'/><format type='unknown'/></source><target><path>/dev</path></target></pool>`,
    ],
  ];
  for (const [type, inputs, definition] of cases) {
    it(`${type}: none against libvirt's own spelling; a stopped pool is drift`, () => {
      const s = spec(inputs);
      assert.deepEqual(poolKind.drift(s, live(definition)), []);
      assert.deepEqual(poolKind.drift(s, live(definition, false)), [{ property: "active", detail: "the pool is stopped on the host" }]);
    });
  }

  it("another device is drift that only a replacement removes, named by its input", () => {
    const s = spec({ name: "p", type: "fs", device: "/dev/loop6", path: "/mnt/p" });
    const host = live(cases[0][2]);
    assert.deepEqual(poolKind.drift(s, host), [{ property: "device", detail: "is /dev/loop7 on the host" }]);
    assert.deepEqual(poolReplacements(s, host), [{ property: "device", declared: "/dev/loop6", host: "/dev/loop7" }]);
    assert.deepEqual(replacementsOf(poolKind, spec(cases[0][1]), s), ["device"]);
  });
});

describe("StoragePool types: volumes in them", () => {
  it("logical and disk pools hold block devices, the others files", () => {
    assert.deepEqual(
      POOL_TYPE_NAMES.filter((t) => volumesOf(t) === "blocks"),
      ["logical", "disk"],
    );
    // A type this resource does not create (a pool read by `get`) is not refused here.
    assert.equal(volumesOf("iscsi") === "blocks", false);
  });

  it("a volume in a pool of block devices is written without an image format", () => {
    assert.match(
      volumeXml({ name: "lv", format: "raw", blocks: true }, 1024n).replace(/>\s+</g, "><"),
      /^<volume><name>lv<\/name><capacity unit="bytes">1024<\/capacity><\/volume>$/,
    );
    assert.match(volumeXml({ name: "f", format: "raw" }, 1024n).replace(/>\s+</g, "><"), /<target><format type="raw"\/><\/target>/);
  });
});
