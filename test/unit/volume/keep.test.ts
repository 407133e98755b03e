import { strict as assert } from "assert";
import {
  DomainListFlags,
  DomainMetadataType,
  DomainModificationImpact,
  DomainRef,
  LibvirtConnection,
  VolumeRef,
} from "../../../provider/libvirt";
import { LibvirtError } from "../../../provider/rpc";
import {
  deleteKeptVolumes,
  keepPool,
  keptVolumesOn,
  recordKept,
  removeUnlessInUse,
  volumesInUse,
} from "../../../provider/resources/volume/keep";
import { KEPT_VOLUMES_NAMESPACE, KEPT_VOLUMES_PREFIX, keptVolumesXml } from "../../../provider/xml";

/** A domain of the fake host: its disks' sources (a path, or pool/volume), whether it runs, what it keeps. */
interface FakeDomain {
  ref: DomainRef;
  active: boolean;
  files: string[];
  volumes?: { pool: string; name: string }[];
  kept: string[];
  pools?: string[];
}

/** libvirt's "no such domain" (42): a not-found error as the RPC layer raises it. */
const notFound = (what: string) => new LibvirtError(42, 0, `${what} not found`);

/** One host: volumes by key (the key is the path), domains, and what was done. */
function host(domains: FakeDomain[], volumeKeys: string[]) {
  const volumes = new Map(volumeKeys.map((k) => [k, { pool: "p", name: k.split("/").pop() ?? k, key: k }]));
  const calls = { deleted: [] as string[], metadata: [] as { dom: string; flags: number; value: string | undefined }[] };
  const find = (ref: DomainRef) => {
    const d = domains.find((x) => x.ref.uuid === ref.uuid);
    if (!d) throw notFound("domain");
    return d;
  };
  const xmlOf = (d: FakeDomain) =>
    `<domain type="qemu"><name>${d.ref.name}</name><memory unit="KiB">65536</memory><os><type>hvm</type></os>` +
    (d.kept.length
      ? `<metadata><kept:volumes xmlns:kept="${KEPT_VOLUMES_NAMESPACE}">${d.kept.map((k) => `<kept:volume key="${k}"/>`).join("")}${(d.pools ?? []).map((n) => `<kept:pool name="${n}"/>`).join("")}</kept:volumes></metadata>`
      : "") +
    `<devices>${d.files.map((f, i) => `<disk type="file" device="disk"><source file="${f}"/><target dev="vd${"abcdef"[i]}"/></disk>`).join("")}` +
    `${(d.volumes ?? []).map((v) => `<disk type="volume" device="disk"><source pool="${v.pool}" volume="${v.name}"/><target dev="sd${v.name}"/></disk>`).join("")}</devices></domain>`;
  const pools = { defined: true, active: true, steps: [] as string[] };
  const poolRef = { name: "p", uuid: Buffer.alloc(16) };
  const conn = {
    rpc: { description: "A" },
    pools: {
      lookupByName: async (name: string) => {
        if (name !== "p" || !pools.defined) throw notFound("pool");
        return poolRef;
      },
      isActive: async () => pools.active,
      refresh: async () => undefined,
      xmlDesc: async () => "<pool type='dir'><name>p</name><target><path>/a</path></target></pool>",
      destroy: async () => {
        pools.active = false;
        pools.steps.push("destroy");
      },
      delete: async () => void pools.steps.push("delete"),
      undefine: async () => {
        pools.defined = false;
        pools.steps.push("undefine");
      },
    },
    volumes: {
      lookupByKey: async (key: string) => {
        const v = volumes.get(key);
        if (!v) throw notFound("volume");
        return v;
      },
      path: async (v: VolumeRef) => {
        if (!volumes.has(v.key)) throw notFound("volume");
        return v.key;
      },
      delete: async (v: VolumeRef) => {
        if (!volumes.delete(v.key)) throw notFound("volume");
        calls.deleted.push(v.key);
      },
      listAll: async () => [...volumes.values()],
    },
    domains: {
      listAll: async (flags: number) =>
        domains.filter((d) => (d.active ? flags & DomainListFlags.Active : flags & DomainListFlags.Inactive)).map((d) => d.ref),
      isActive: async (ref: DomainRef) => find(ref).active,
      xmlDesc: async (ref: DomainRef) => xmlOf(find(ref)),
      setMetadata: async (
        ref: DomainRef,
        type: DomainMetadataType,
        value: string | undefined,
        flags: number,
        key?: string,
        uri?: string,
      ) => {
        assert.equal(type, DomainMetadataType.Element);
        assert.equal(key, KEPT_VOLUMES_PREFIX);
        assert.equal(uri, KEPT_VOLUMES_NAMESPACE);
        // Another call's answer arrives meanwhile: a lost update would show.
        await new Promise((r) => setTimeout(r, 5));
        const d = find(ref);
        calls.metadata.push({ dom: d.ref.name, flags, value });
        d.kept = value === undefined ? [] : [...value.matchAll(/key="([^"]*)"/g)].map((m) => m[1] ?? "");
        d.pools = value === undefined ? [] : [...value.matchAll(/name="([^"]*)"/g)].map((m) => m[1] ?? "");
      },
    },
  };
  return { conn: conn as unknown as LibvirtConnection, calls, volumes, pools };
}

const dom = (name: string, active: boolean, files: string[], kept: string[] = []): FakeDomain => ({
  ref: { name, uuid: `uuid-${name}`, id: active ? 1 : -1 },
  active,
  files,
  kept,
});
const who = { kind: "Volume", name: "disk" };

/** What `run` printed on stdout. */
async function printed(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string) => {
    lines.push(String(chunk).trimEnd());
    return true;
  };
  try {
    await run();
  } finally {
    process.stdout.write = write;
  }
  return lines;
}

describe("resources/volume/keep: a volume a domain still uses is kept, and deleted when it leaves", () => {
  it("deletes a volume no domain uses, and one gone already is done", async () => {
    const { conn, calls } = host([dom("other", true, ["/a/other.raw"])], ["/a/x.raw"]);
    await removeUnlessInUse(conn, { pool: "p", name: "x.raw", key: "/a/x.raw" }, who);
    assert.deepEqual(calls.deleted, ["/a/x.raw"]);
    await removeUnlessInUse(conn, { pool: "p", name: "x.raw", key: "/a/x.raw" }, who);
    assert.deepEqual(calls.deleted, ["/a/x.raw"]);
  });

  it("keeps one a running and a stopped domain use, recording it on each (live and config, config), and says so", async () => {
    const running = dom("vm1", true, ["/a/x.raw"], ["/a/earlier.raw"]);
    const stopped = dom("vm2", false, ["/a/x.raw"]);
    const { conn, calls } = host([running, stopped], ["/a/x.raw"]);
    const lines = await printed(() => removeUnlessInUse(conn, { pool: "p", name: "x.raw", key: "/a/x.raw" }, who));
    assert.deepEqual(calls.deleted, []);
    assert.deepEqual(calls.metadata, [
      {
        dom: "vm1",
        flags: DomainModificationImpact.Live | DomainModificationImpact.Config,
        value: keptVolumesXml(["/a/earlier.raw", "/a/x.raw"]),
      },
      { dom: "vm2", flags: DomainModificationImpact.Config, value: keptVolumesXml(["/a/x.raw"]) },
    ]);
    assert.deepEqual(lines, [
      'kvm: Volume "disk": kept on A: VirtualMachine vm1 still uses it; it is deleted when vm1 leaves this host',
      'kvm: Volume "disk": kept on A: VirtualMachine vm2 still uses it; it is deleted when vm2 leaves this host',
    ]);
    // Recorded once, however often it is deleted.
    await printed(() => removeUnlessInUse(conn, { pool: "p", name: "x.raw", key: "/a/x.raw" }, who));
    assert.equal(calls.metadata.length, 2);
  });

  it("counts a disk that names the volume by pool and volume", async () => {
    const d = dom("vm1", false, []);
    d.volumes = [{ pool: "p", name: "x.raw" }];
    const { conn, calls } = host([d], ["/a/x.raw"]);
    await printed(() => removeUnlessInUse(conn, { pool: "p", name: "x.raw", key: "/a/x.raw" }, who));
    assert.deepEqual(calls.deleted, []);
    assert.deepEqual(d.kept, ["/a/x.raw"]);
  });

  it("records two volumes kept for one domain at once, neither overwriting the other", async () => {
    const d = dom("vm1", true, ["/a/x.raw", "/a/y.raw"]);
    const { conn } = host([d], ["/a/x.raw", "/a/y.raw"]);
    await printed(async () => {
      await Promise.all([recordKept(conn, d.ref, { volumes: ["/a/x.raw"] }), recordKept(conn, d.ref, { volumes: ["/a/y.raw"] })]);
    });
    assert.deepEqual(d.kept.sort(), ["/a/x.raw", "/a/y.raw"]);
    assert.deepEqual((await keptVolumesOn(conn, d.ref)).volumes.sort(), ["/a/x.raw", "/a/y.raw"]);
  });

  it("deletes what was kept for a domain that left; skips one gone; one another domain uses stays, recorded on it", async () => {
    const leaving = dom("vm1", true, ["/a/x.raw", "/a/shared.raw"], ["/a/x.raw", "/a/gone.raw", "/a/shared.raw"]);
    const other = dom("vm2", false, ["/a/shared.raw"]);
    const { conn, calls } = host([leaving, other], ["/a/x.raw", "/a/shared.raw"]);
    const lines = await printed(() =>
      deleteKeptVolumes(conn, { volumes: leaving.kept, pools: [] }, leaving.ref.uuid, { kind: "VirtualMachine", name: "vm1" }),
    );
    assert.deepEqual(calls.deleted, ["/a/x.raw"]);
    assert.deepEqual(other.kept, ["/a/shared.raw"]);
    assert.deepEqual(lines, [
      'kvm: VirtualMachine "vm1": deleted volume p/x.raw kept for it on A',
      'kvm: VirtualMachine "vm1": volume p/shared.raw kept on A: vm2 still uses it',
    ]);
  });

  it("prints a failed deletion instead of failing the move or deletion it follows", async () => {
    const { conn } = host([], ["/a/x.raw"]);
    (conn.volumes as unknown as { delete: () => Promise<void> }).delete = () => Promise.reject(new Error("pool is busy"));
    const lines = await printed(() =>
      deleteKeptVolumes(conn, { volumes: ["/a/x.raw"], pools: [] }, "uuid-vm1", { kind: "VirtualMachine", name: "vm1" }),
    );
    assert.deepEqual(lines, ['kvm: VirtualMachine "vm1": could not delete volume /a/x.raw kept for it on A: pool is busy']);
  });

  it("keeps a pool that holds a kept volume, and deletes it after that volume when the domain leaves", async () => {
    const d = dom("vm1", true, ["/a/x.raw"]);
    const { conn, calls, pools } = host([d], ["/a/x.raw"]);
    const used = await volumesInUse(conn, [{ pool: "p", name: "x.raw", key: "/a/x.raw" }]);
    const lines = await printed(() => keepPool(conn, "p", used, { kind: "StoragePool", name: "p" }));
    assert.deepEqual(lines, [
      'kvm: StoragePool "p": kept on A: VirtualMachine vm1 still uses its volume x.raw; it is deleted when vm1 leaves this host',
    ]);
    assert.equal(calls.metadata.at(-1)?.value, keptVolumesXml(["/a/x.raw"], ["p"]));
    const kept = await keptVolumesOn(conn, d.ref);
    assert.deepEqual(kept, { volumes: ["/a/x.raw"], pools: ["p"] });
    assert.deepEqual(pools.steps, []);
    await printed(() => deleteKeptVolumes(conn, kept, d.ref.uuid, { kind: "VirtualMachine", name: "vm1" }));
    assert.deepEqual(calls.deleted, ["/a/x.raw"]);
    assert.deepEqual(pools.steps, ["destroy", "delete", "undefine"]);
  });

  it("leaves a kept pool that still holds another volume", async () => {
    const d = dom("vm1", true, []);
    const { conn, pools } = host([d], ["/a/other.raw"]);
    const lines = await printed(() =>
      deleteKeptVolumes(conn, { volumes: [], pools: ["p"] }, d.ref.uuid, { kind: "VirtualMachine", name: "vm1" }),
    );
    assert.deepEqual(pools.steps, []);
    assert.deepEqual(lines, ['kvm: VirtualMachine "vm1": pool p kept on A: it still holds other.raw']);
  });
});
