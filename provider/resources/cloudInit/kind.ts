import { LibvirtConnection, VolumeRef } from "../../libvirt";
import { buildVolumeXml, parsePoolXml } from "../../xml";
import { createTransactionally } from "../common/transaction";
import { ignoringGone, unlessGone } from "../common/gone";
import type { ConnectionSpec } from "../common/connection";
import type { Drift, KindDefinition, LiveObject, SpecBase } from "../common/kindDefinition";
import { checkName, Problems } from "../common/problems";
import { progress } from "../common/progress";
import { buildSeed, SeedContent, SeedImage, sha256OfStream } from "./seed";

/** Validated CloudInitDisk inputs. */
export interface CloudInitDiskSpec extends SpecBase, SeedContent {
  pool: string;
  name: string;
}

/** What the host holds: the volume and a digest of its bytes. */
export interface CloudInitDiskLive {
  ref: VolumeRef;
  path: string;
  capacity: bigint;
  /** SHA-256 of the whole volume, lowercase hex. */
  sha256: string;
}

function lookup(conn: LibvirtConnection, key: string): Promise<VolumeRef | undefined> {
  return unlessGone(conn.volumes.lookupByKey(key));
}

/** Reads the volume back whole: a seed is a few sectors, so hashing it is cheaper than trusting state. */
async function readSeed(conn: LibvirtConnection, ref: VolumeRef): Promise<LiveObject<CloudInitDiskLive>> {
  const [info, path] = await Promise.all([conn.volumes.info(ref), conn.volumes.path(ref)]);
  const sha256 = await sha256OfStream(await conn.volumes.download(ref, 0n, info.capacity));
  return { id: ref.key, state: { ref, path, capacity: info.capacity, sha256 } };
}

async function upload(conn: LibvirtConnection, ref: VolumeRef, image: SeedImage): Promise<void> {
  const stream = await conn.volumes.upload(ref, 0n, BigInt(image.bytes.length));
  try {
    await stream.write(image.bytes);
  } catch (err) {
    await stream.abort();
    throw err;
  }
  await stream.finish();
}

function checkText(problems: Problems, property: string, value: unknown, required: boolean): void {
  if (value === undefined || value === null) {
    if (required) problems.add(property, "is required");
  } else if (typeof value !== "string") problems.add(property, "must be a string");
}

/** A raw volume exactly the seed image's size. */
function seedVolumeXml(name: string, bytes: bigint): string {
  return buildVolumeXml({ name, capacity: { value: bytes, unit: "bytes" }, target: { format: "raw" } });
}

/** The CloudInitDisk kind: a NoCloud seed image in a raw volume. */
export const cloudInitDiskKind: KindDefinition<CloudInitDiskSpec, CloudInitDiskLive> = {
  kind: "CloudInitDisk",

  parse(inputs, connection: ConnectionSpec) {
    const problems = new Problems();
    checkName(problems, "pool", inputs.pool);
    checkName(problems, "name", inputs.name);
    checkText(problems, "userData", inputs.userData, true);
    checkText(problems, "metaData", inputs.metaData, true);
    checkText(problems, "networkConfig", inputs.networkConfig, false);
    if (problems.all.length > 0) return { problems: [...problems.all] };
    const spec: CloudInitDiskSpec = {
      connection,
      pool: inputs.pool as string,
      name: inputs.name as string,
      userData: inputs.userData as string,
      metaData: inputs.metaData as string,
    };
    if (inputs.networkConfig !== undefined && inputs.networkConfig !== null) spec.networkConfig = inputs.networkConfig as string;
    return { problems: [], spec };
  },

  replaceOn(olds, news) {
    return (["pool", "name"] as const).filter((k) => olds[k] !== news[k]);
  },

  async read(conn, id) {
    const ref = await lookup(conn, id);
    return ref ? readSeed(conn, ref) : undefined;
  },

  drift(spec, live): Drift[] {
    // Only digests and sizes here: the documents may hold secrets.
    const want = buildSeed(spec);
    const out: Drift[] = [];
    if (live.sha256 !== want.sha256) out.push({ property: "sha256", detail: `is ${live.sha256} on the host, ${want.sha256} declared` });
    if (live.capacity !== BigInt(want.bytes.length))
      out.push({ property: "size", detail: `is ${live.capacity} bytes on the host, ${want.bytes.length} declared` });
    return out;
  },

  async create(conn, spec) {
    const image = buildSeed(spec);
    progress("CloudInitDisk", spec.name, `creating a ${image.bytes.length}-byte seed image in pool ${spec.pool}`);
    const pool = await conn.pools.lookupByName(spec.pool);
    // A file volume's key is its path: known before the write (see the Volume kind).
    const poolPath = parsePoolXml(await conn.pools.xmlDesc(pool)).target?.path ?? "";
    return createTransactionally("cloud-init disk", spec.name, `${poolPath}/${spec.name}`, async () => {
      const ref = await conn.volumes.create(pool, seedVolumeXml(spec.name, BigInt(image.bytes.length)));
      return {
        run: async () => {
          await upload(conn, ref, image);
          return readSeed(conn, ref);
        },
        undo: () => conn.volumes.delete(ref),
      };
    });
  },

  async update(conn, _id, _olds, spec, live) {
    const image = buildSeed(spec);
    const size = BigInt(image.bytes.length);
    if (live.sha256 === image.sha256 && live.capacity === size) return readSeed(conn, live.ref);
    if (live.capacity !== size) {
      // A resize goes through qemu-img (libvirt sees an ISO image, not raw), which cannot take the lock a
      // running VM holds on its seed. A new file at the same path needs no lock; the VM reads it at its
      // next start, which a new seed calls for anyway.
      progress("CloudInitDisk", spec.name, `writing a new ${size}-byte volume in place of the ${live.capacity}-byte one`);
      const pool = await conn.pools.lookupByName(spec.pool);
      await ignoringGone(conn.volumes.delete(live.ref));
      const ref = await conn.volumes.create(pool, seedVolumeXml(spec.name, size));
      progress("CloudInitDisk", spec.name, `writing the seed image (sha256 ${image.sha256})`);
      await upload(conn, ref, image);
      return readSeed(conn, ref);
    }
    progress("CloudInitDisk", spec.name, `writing the seed image (sha256 ${image.sha256})`);
    await upload(conn, live.ref, image);
    return readSeed(conn, live.ref);
  },

  async remove(conn, id) {
    const ref = await lookup(conn, id);
    if (!ref) return;
    await ignoringGone(conn.volumes.delete(ref));
  },

  outputNames: ["key", "path", "sha256", "sizeBytes"],

  outputs(_spec, live) {
    return { key: live.id, path: live.state.path, sha256: live.state.sha256, sizeBytes: Number(live.state.capacity) };
  },
};
