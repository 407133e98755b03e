import type { LibvirtConnection, VolumeRef } from "../../libvirt";
import { parseVolumeXml } from "../../xml";
import type { LiveObject } from "../common/kindDefinition";

/** What the host reports about a volume. */
export interface VolumeLive {
  ref: VolumeRef;
  path: string;
  format?: string;
  capacity: bigint;
  allocation: bigint;
  /** SHA-256 of the data uploaded by this create. */
  sha256?: string;
}

/** Finds a volume by key (libvirt's not-found when there is none). */
export function lookupVolume(conn: LibvirtConnection, key: string): Promise<VolumeRef> {
  return conn.volumes.lookupByKey(key);
}

/** Reads everything the volume kind decides on, in one round of pipelined calls. */
export async function readVolume(conn: LibvirtConnection, ref: VolumeRef): Promise<LiveObject<VolumeLive>> {
  const [xml, info, path] = await Promise.all([conn.volumes.xmlDesc(ref), conn.volumes.info(ref), conn.volumes.path(ref)]);
  const doc = parseVolumeXml(xml);
  return { id: ref.key, state: { ref, path, format: doc.target?.format, capacity: info.capacity, allocation: info.allocation } };
}
