import assert from "node:assert/strict";
import type { LibvirtConnection } from "../../../provider/libvirt";
import { ErrorCode, LibvirtError } from "../../../provider/rpc";
import { sharedConnectionPool } from "../../../provider/libvirt";
import { handler } from "../../../provider/resources/runtime";
import { vmHostMove } from "../../../provider/resources/vm/hostMove";
import { liveBlockersOf } from "../../../provider/resources/vm/hostMoveRules";
import { conn } from "./badVmInputs";
import { FIXTURE, fixtureSpec } from "./fixtureSpec";

const hostB = { ...conn, host: "hv2.example" };
const running = { name: "web1", domainType: "qemu", connection: conn };
const share = { source: "/srv/share", tag: "share" };
const GiB = 1024n ** 3n;

/**
 * Host A holds the VM (running or not) with its disks on a dir pool (`root` 16 GiB raw, `data`
 * 4 GiB qcow2 allocation); host B has the volumes whose keys `onB` lists.
 */
function hosts(active: boolean, onB: readonly string[]): { a: LibvirtConnection; b: LibvirtConnection } {
  const gone = () => Promise.reject(new LibvirtError(ErrorCode.NoStorageVol, 0, "no storage vol"));
  const a = {
    rpc: { description: "A" },
    domains: {
      lookupByUuid: async (uuid: string) => ({ name: FIXTURE.name, uuid, id: 1 }),
      isActive: async () => active,
      // A definition without UEFI variables or a TPM, whose offline move is not refused.
      xmlDesc: async () => "<domain type='qemu'><name>vm</name><os><type arch='x86_64'>hvm</type></os><devices/></domain>",
    },
    volumes: {
      lookupByKey: async (key: string) => ({ pool: "pa", name: key, key }),
      info: async (v: { key: string }) => ({ type: 0, capacity: v.key === "root" ? 16n * GiB : 8n * GiB, allocation: 4n * GiB }),
      // No physical size reported: the allocation counts.
      xmlDesc: async () => "<volume><name>v</name></volume>",
    },
    pools: {
      lookupByName: async (name: string) => ({ name, uuid: Buffer.alloc(16) }),
      xmlDesc: async () => "<pool type='dir'><name>pa</name><target><path>/a</path></target></pool>",
    },
  };
  const b = {
    rpc: { description: "B" },
    volumes: { lookupByKey: (key: string) => (onB.includes(key) ? Promise.resolve({ pool: "pb", name: key, key }) : gone()) },
  };
  return { a: a as unknown as LibvirtConnection, b: b as unknown as LibvirtConnection };
}

/** The fixture's disks (root raw, a cdrom, data qcow2) with keys as given. */
const spec = (root: string | undefined, data: string, change: Record<string, unknown> = {}) =>
  fixtureSpec(FIXTURE, {
    disks: [
      root === undefined ? { path: "/srv/b/root.raw", format: "raw" } : { volumeKey: root, format: "raw" },
      { device: "cdrom" },
      { volumeKey: data, bus: "scsi", format: "qcow2" },
    ],
    ...change,
  });

describe("resources/vm/hostMoveRules: what a move to another host refuses before touching either", () => {
  const vm = () => handler("VirtualMachine");

  it("check refuses a running VM's shares and host-passthrough CPU when its connection moves, naming each and the way out", async () => {
    const olds = { ...running, filesystems: [share, { ...share, tag: "nine", driver: "9p" }], cpuMode: "host-passthrough" };
    const result = await vm().check(olds, { ...olds, connection: hostB });
    const byProperty = new Map(result.failures?.map((f) => [f.property, f.reason]));
    assert.deepEqual([...byProperty.keys()].sort(), ["cpuMode", "filesystems[0]", "filesystems[1]"]);
    assert.match(
      byProperty.get("filesystems[0]") ?? "",
      /^filesystems\[0\] is a virtiofs share, which libvirt does not live-migrate: .*onHostChange: "replace"/,
    );
    assert.match(
      byProperty.get("filesystems[1]") ?? "",
      /^filesystems\[1\] is a 9p share, whose live migration QEMU blocks once the guest mounts it/,
    );
    assert.match(byProperty.get("cpuMode") ?? "", /^cpuMode is "host-passthrough": .*running: false.*onHostChange: "replace"/);
    assert.equal(sharedConnectionPool().size, 0, "check contacted a host");
  });

  it("check lets the same VM stay on its host, be replaced, or move when the program stops it", async () => {
    const olds = { ...running, filesystems: [share], cpuMode: "host-passthrough" };
    const cases = [
      { olds, news: { ...olds, vcpus: 2 } },
      { olds, news: { ...olds, connection: hostB, onHostChange: "replace" } },
      { olds: { ...olds, running: false }, news: { ...olds, running: false, connection: hostB } },
      { olds: {}, news: { ...olds, connection: hostB } },
    ];
    for (const c of cases) assert.deepEqual((await vm().check(c.olds, c.news)).failures, [], JSON.stringify(c));
  });

  it("lists nothing for a VM with neither", () => {
    assert.deepEqual(liveBlockersOf(spec("root", "data")), []);
    assert.deepEqual(
      liveBlockersOf(spec("root", "data", { filesystems: [share] })).map((b) => b.property),
      ["filesystems[0]"],
    );
  });

  it("assess says live or offline, from where to where is the adapter's, and what is copied", async () => {
    const olds = spec("root", "data");
    const news = spec("root-b", "data-b");
    for (const active of [true, false]) {
      const { a, b } = hosts(active, ["root-b", "data-b"]);
      assert.deepEqual(await vmHostMove.assess(a, "u", olds, { conn: b, news }), {
        move: true,
        how: active ? "migrates live" : "moves offline",
        detail: "copying 2 disks, 20.0 GiB",
      });
    }
    // In a preview that waits for the new Volumes, the new host is not asked.
    const { a } = hosts(true, []);
    assert.deepEqual(await vmHostMove.assess(a, "u", olds), { move: true, how: "migrates live", detail: "copying 2 disks, 20.0 GiB" });
  });

  it("assess refuses a disk on the old host's own storage the new host has no volume for, naming the disk and the way out", async () => {
    const olds = spec("root", "data");
    const cases = [
      {
        news: spec("root", "data-b"),
        refused:
          /^disks\[0\]\.volumeKey: disk vda is on storage only A has \(pool "pa"\) and B has no volume with key "root": declare a Volume on the new host/,
      },
      {
        news: spec(undefined, "data-b"),
        refused:
          /^disks\[0\]: disk vda is on storage only A has \(pool "pa"\) and the new spec's vda is no volume to copy it into: declare a Volume/,
      },
      {
        news: fixtureSpec(FIXTURE, { disks: [{ volumeKey: "root-b", format: "raw" }] }),
        refused: /^disk sdb is on storage only A has .* the new spec has no disk sdb to copy it into/,
      },
    ];
    for (const c of cases) {
      const { a, b } = hosts(false, ["root-b", "data-b"]);
      const decision = await vmHostMove.assess(a, "u", olds, { conn: b, news: c.news });
      assert.ok("refused" in decision, JSON.stringify(decision));
      assert.match(decision.refused, c.refused);
    }
  });

  it("assess refuses a running VM's share even when the program stops it (started by hand)", async () => {
    const olds = spec("root", "data", { running: false, filesystems: [share] });
    const { a, b } = hosts(true, ["root-b", "data-b"]);
    const decision = await vmHostMove.assess(a, "u", olds, { conn: b, news: spec("root-b", "data-b") });
    assert.ok("refused" in decision, JSON.stringify(decision));
    assert.match(decision.refused, /^filesystems\[0\] is a virtiofs share, .* \(the VM runs on A\)$/);
    const stopped = hosts(false, ["root-b", "data-b"]);
    assert.equal((await vmHostMove.assess(stopped.a, "u", olds, { conn: stopped.b, news: spec("root-b", "data-b") })).move, true);
  });
});
