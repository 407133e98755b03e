import type { LibvirtConnection, VolumeRef } from "../../libvirt";
import { parseVolumeXml } from "../../xml";
import { unlessGone } from "../common/gone";
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

/**
 * Finds a volume by its name in a pool, whoever made it; undefined only on
 * libvirt's not-found (of the volume, or of the pool: then it holds none).
 */
export async function findVolume(conn: LibvirtConnection, poolName: string, name: string): Promise<VolumeRef | undefined> {
  const pool = await unlessGone(conn.pools.lookupByName(poolName));
  return pool === undefined ? undefined : unlessGone(conn.volumes.lookupByName(pool, name));
}

/** How messages name a volume before it is a resource's. */
export function describeVolume(spec: { pool: string; name: string }): string {
  return `a volume named ${JSON.stringify(spec.name)} in pool ${JSON.stringify(spec.pool)}`;
}

/**
 * Finds the volume (or seed) a `get` names: by key, then by path (they differ in pools that
 * are not directories). A name alone is not enough: it is unique only within its pool.
 */
export async function findVolumeByKeyOrPath(conn: LibvirtConnection, id: string): Promise<VolumeRef> {
  return (await unlessGone(lookupVolume(conn, id))) ?? conn.volumes.lookupByPath(id);
}

/** Reads everything the volume kind decides on, in one round of pipelined calls. */
export async function readVolume(conn: LibvirtConnection, ref: VolumeRef): Promise<LiveObject<VolumeLive>> {
  const [xml, info, path] = await Promise.all([conn.volumes.xmlDesc(ref), conn.volumes.info(ref), conn.volumes.path(ref)]);
  const doc = parseVolumeXml(xml);
  return { id: ref.key, state: { ref, path, format: doc.target?.format, capacity: info.capacity, allocation: info.allocation } };
}
