import type { LibvirtConnection, VolumeRef } from "../../libvirt";
import { parseVolumeXml } from "../../xml";
import type { LiveObject } from "../common/kindDefinition";
import { sha256OfStream } from "./model";

/** What the host holds: the volume and a digest of its bytes. */
export interface CloudInitDiskLive {
  ref: VolumeRef;
  path: string;
  capacity: bigint;
  /** SHA-256 of the whole volume, lowercase hex. */
  sha256: string;
}

/** Reads the volume back whole: a seed is a few sectors, so hashing it is cheaper than trusting state. */
export async function readSeed(conn: LibvirtConnection, ref: VolumeRef): Promise<LiveObject<CloudInitDiskLive>> {
  const [info, path] = await Promise.all([conn.volumes.info(ref), conn.volumes.path(ref)]);
  const sha256 = await sha256OfStream(await conn.volumes.download(ref, 0n, info.capacity));
  return { id: ref.key, state: { ref, path, capacity: info.capacity, sha256 } };
}

/** The format the host reports for a volume; undefined when it reports none. */
export async function readVolumeFormat(conn: LibvirtConnection, ref: VolumeRef): Promise<string | undefined> {
  return parseVolumeXml(await conn.volumes.xmlDesc(ref)).target?.format;
}
