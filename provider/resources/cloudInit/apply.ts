import type { LibvirtConnection } from "../../libvirt";
import { ignoringGone } from "../common/gone";
import type { LiveObject } from "../common/kindDefinition";
import { progress } from "../common/progress";
import { placeVolume } from "../volume/apply";
import { openBytes } from "../volume/openSource";
import { createByUpload, Upload, uploadInto } from "../volume/upload";
import { buildSeed, SeedImage } from "./model";
import { CloudInitDiskLive, readSeed } from "./read";
import type { CloudInitDiskSpec } from "./spec";

const KIND = "CloudInitDisk";

/** The seed image as an upload: made in memory, checked against its own digest on the way. */
function seedUpload(image: SeedImage): Upload {
  return { opened: openBytes(image.bytes), where: "the seed image", sha256: image.sha256 };
}

/** A new raw volume holding the seed image, on the same upload path as a Volume's source. */
async function createSeedVolume(
  conn: LibvirtConnection,
  spec: CloudInitDiskSpec,
  image: SeedImage,
): Promise<LiveObject<CloudInitDiskLive>> {
  const { pool, id } = await placeVolume(conn, spec.pool, spec.name);
  const { ref } = await createByUpload(conn, pool, { kind: KIND, name: spec.name, format: "raw" }, seedUpload(image), id);
  return readSeed(conn, ref);
}

/** Writes the seed image into a new volume; a failed create leaves nothing behind. */
export function createSeed(conn: LibvirtConnection, spec: CloudInitDiskSpec): Promise<LiveObject<CloudInitDiskLive>> {
  const image = buildSeed(spec);
  progress(KIND, spec.name, `creating a ${image.bytes.length}-byte seed image in pool ${spec.pool}`);
  return createSeedVolume(conn, spec, image);
}

/** Rewrites the seed when its content changed: in place, or as a new volume at the same key when its size changed. */
export async function updateSeed(
  conn: LibvirtConnection,
  spec: CloudInitDiskSpec,
  live: CloudInitDiskLive,
): Promise<LiveObject<CloudInitDiskLive>> {
  const image = buildSeed(spec);
  const size = BigInt(image.bytes.length);
  if (live.sha256 === image.sha256 && live.capacity === size) return readSeed(conn, live.ref);
  if (live.capacity !== size) {
    // A resize goes through qemu-img (libvirt sees an ISO image, not raw), which cannot take the lock a
    // running VM holds on its seed. A new file at the same path needs no lock; the VM reads it at its
    // next start, which a new seed calls for anyway.
    progress(KIND, spec.name, `writing a new ${size}-byte volume in place of the ${live.capacity}-byte one`);
    await ignoringGone(conn.volumes.delete(live.ref));
    return createSeedVolume(conn, spec, image);
  }
  progress(KIND, spec.name, `writing the seed image (sha256 ${image.sha256})`);
  await uploadInto(conn, live.ref, seedUpload(image), { kind: KIND, name: spec.name });
  return readSeed(conn, live.ref);
}
