import type { LibvirtConnection, PoolRef, VolumeRef } from "../../libvirt";
import { parseVolumeXml } from "../../xml";
import { unlessGone } from "../common/gone";
import { progress } from "../common/progress";
import { atLeast, VolumeShape, volumeXml } from "./model";
import type { VolumeSource } from "./sources";

/** Finds a volume by key, then by path (they differ for non-file pools). */
export async function findVolume(conn: LibvirtConnection, keyOrPath: string, property: string): Promise<VolumeRef> {
  const ref = (await unlessGone(conn.volumes.lookupByKey(keyOrPath))) ?? (await unlessGone(conn.volumes.lookupByPath(keyOrPath)));
  if (!ref) throw new Error(`${property}: no volume with key or path ${keyOrPath} on the host`);
  return ref;
}

/**
 * Checks a copy or overlay source against the host (the base exists, the
 * capacity is large enough) and returns the single write that creates the
 * volume, so the caller can run it transactionally.
 */
export async function prepareCopy(
  conn: LibvirtConnection,
  pool: PoolRef,
  v: VolumeShape & { source: Extract<VolumeSource, { kind: "backingVolume" | "cloneOf" }> },
): Promise<() => Promise<VolumeRef>> {
  const s = v.source;
  switch (s.kind) {
    case "backingVolume": {
      const base = await findVolume(conn, s.backingVolume, "source.backingVolume");
      const [baseXml, baseInfo, basePath] = await Promise.all([
        conn.volumes.xmlDesc(base),
        conn.volumes.info(base),
        conn.volumes.path(base),
      ]);
      if (v.capacityBytes !== undefined && v.capacityBytes < baseInfo.capacity)
        throw new Error(`capacity: ${v.capacityBytes} bytes is smaller than the backing volume's ${baseInfo.capacity} bytes`);
      const format = parseVolumeXml(baseXml).target?.format;
      progress("Volume", v.name, `creating a qcow2 overlay on ${basePath}${format ? ` (${format})` : ""}`);
      const xml = volumeXml(v, atLeast(v.capacityBytes, baseInfo.capacity), { path: basePath, ...(format ? { format } : {}) });
      return () => conn.volumes.create(pool, xml);
    }
    case "cloneOf": {
      const from = await findVolume(conn, s.cloneOf, "source.cloneOf");
      const info = await conn.volumes.info(from);
      const xml = volumeXml(v, atLeast(v.capacityBytes, info.capacity));
      return () => {
        progress("Volume", v.name, `copying ${s.cloneOf}`);
        return conn.volumes.createFrom(pool, xml, from);
      };
    }
  }
}
