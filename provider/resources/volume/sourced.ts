import type { LibvirtConnection, PoolRef, VolumeRef } from "../../libvirt";
import { buildVolumeXml, parseVolumeXml } from "../../xml";
import { unlessGone } from "../common/gone";
import { messageOf, PartialCreateError } from "../common/errors";
import { progress } from "../common/progress";
import type { UploadSource, VolumeSource } from "./sources";
import { formatMismatch } from "./sources";
import { describeUpload, hashing, openSource, UploadResult } from "./upload";

/** What a sourced create needs to know about the volume. */
export interface SourcedVolume {
  name: string;
  format: "qcow2" | "raw";
  /** Declared capacity; a minimum when the source is larger. */
  capacityBytes?: bigint;
  source: VolumeSource;
}

/** The created volume, and the checksum of what was uploaded into it. */
export interface SourcedResult {
  ref: VolumeRef;
  sha256?: string;
}

/** Finds a volume by key, then by path (they differ for non-file pools). */
export async function findVolume(conn: LibvirtConnection, keyOrPath: string, property: string): Promise<VolumeRef> {
  const ref = (await unlessGone(conn.volumes.lookupByKey(keyOrPath))) ?? (await unlessGone(conn.volumes.lookupByPath(keyOrPath)));
  if (!ref) throw new Error(`${property}: no volume with key or path ${keyOrPath} on the host`);
  return ref;
}

function volumeXml(v: SourcedVolume, capacity: bigint, backing?: { path: string; format?: string }): string {
  return buildVolumeXml({
    name: v.name,
    capacity: { value: capacity, unit: "bytes" },
    target: { format: v.format },
    ...(backing ? { backingStore: backing } : {}),
  });
}

function atLeast(declared: bigint | undefined, floor: bigint): bigint {
  return declared !== undefined && declared > floor ? declared : floor;
}

/**
 * Checks a copy or overlay source against the host (the base exists, the
 * capacity is large enough) and returns the single write that creates the
 * volume, so the caller can run it transactionally.
 */
export async function prepareCopy(
  conn: LibvirtConnection,
  pool: PoolRef,
  v: SourcedVolume & { source: Extract<VolumeSource, { kind: "backingVolume" | "cloneOf" }> },
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

/**
 * Creates a volume and streams a file or URL into it. Whatever fails after
 * the volume exists, the volume is deleted before the error is thrown, so a
 * failed create (a checksum mismatch included) leaves nothing behind; only
 * when that delete fails too is it reported as a partial create.
 */
export async function createByUpload(
  conn: LibvirtConnection,
  pool: PoolRef,
  v: SourcedVolume & { source: UploadSource },
  id: string,
): Promise<SourcedResult> {
  const s = v.source;
  const opened = await openSource(s);
  const where = s.kind === "localPath" ? `source.localPath ${s.localPath}` : `source.url ${s.url}`;
  const mismatch = formatMismatch(v.format, opened.head);
  if (mismatch) {
    opened.close();
    throw new Error(`format ${mismatch} (${where})`);
  }
  if (opened.size === undefined && v.capacityBytes === undefined) {
    opened.close();
    throw new Error(`capacity: required because ${where} does not tell its size`);
  }
  // A qcow2 image of known size goes into a raw file of exactly that size, so
  // the file holds the image byte for byte (a qcow2 file libvirt made first
  // may be longer and keep a tail); libvirt probes the format after the upload.
  const exact = v.format === "qcow2" && opened.size !== undefined;
  const xml = exact ? volumeXml({ ...v, format: "raw" }, opened.size ?? 0n) : volumeXml(v, atLeast(v.capacityBytes, opened.size ?? 0n));
  let ref: VolumeRef;
  try {
    ref = await conn.volumes.create(pool, xml);
  } catch (err) {
    opened.close();
    throw err;
  }
  try {
    progress("Volume", v.name, `uploading ${opened.size !== undefined ? `${opened.size} bytes ` : ""}from ${where}`);
    const result: UploadResult = { sha256: "", bytes: 0n, ms: 0 };
    const stream = await conn.volumes.upload(ref, 0n, opened.size ?? 0n);
    await stream.pump(hashing(opened.chunks, opened.size, v.name, result));
    progress("Volume", v.name, describeUpload(result));
    if (opened.size !== undefined && result.bytes !== opened.size)
      throw new Error(`${where}: ended after ${result.bytes} of the ${opened.size} bytes announced; the volume was deleted`);
    if (s.sha256 !== undefined && s.sha256 !== result.sha256)
      throw new Error(`source.sha256: expected ${s.sha256} but the uploaded data has ${result.sha256} (${where}); the volume was deleted`);
    // A qcow2 image carries its own virtual size; grow it to the declared one.
    if (v.capacityBytes !== undefined && (await conn.volumes.info(ref)).capacity < v.capacityBytes)
      await conn.volumes.resize(ref, v.capacityBytes);
    return { ref, sha256: result.sha256 };
  } catch (err) {
    opened.close();
    try {
      await conn.volumes.delete(ref);
    } catch (undoErr) {
      throw new PartialCreateError(`volume ${v.name}: ${messageOf(err)}; deleting the volume failed too: ${messageOf(undoErr)}`, id);
    }
    throw err;
  }
}
