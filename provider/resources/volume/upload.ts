import { createHash } from "node:crypto";
import type { LibvirtConnection, PoolRef, VolumeRef } from "../../libvirt";
import { progress } from "../common/progress";
import { createTransactionally } from "../common/transaction";
import { atLeast, VolumeShape, volumeXml } from "./model";
import type { OpenedSource } from "./openSource";
import { formatMismatch } from "./sources";

/** What an upload sent. */
export interface UploadResult {
  /** SHA-256 of every byte sent, lower-case hex. */
  sha256: string;
  /** Bytes sent. */
  bytes: bigint;
  /** Wall time in milliseconds. */
  ms: number;
}

/**
 * Passes chunks through while hashing them and printing a progress line at
 * every tenth of the known size (or every 64 MiB when the size is unknown),
 * so a long upload shows it is moving.
 */
export async function* hashing(
  chunks: AsyncIterable<Uint8Array>,
  size: bigint | undefined,
  who: { kind: string; name: string },
  result: UploadResult,
): AsyncGenerator<Uint8Array> {
  const hash = createHash("sha256");
  const started = Date.now();
  const step = size !== undefined && size > 0n ? size / 10n || 1n : 64n * 1024n * 1024n;
  let nextMark = step;
  for await (const chunk of chunks) {
    hash.update(chunk);
    result.bytes += BigInt(chunk.length);
    if (result.bytes >= nextMark) {
      const pct = size ? ` (${(result.bytes * 100n) / size}%)` : "";
      progress(who.kind, who.name, `uploaded ${mib(result.bytes)} MiB${pct}`);
      while (nextMark <= result.bytes) nextMark += step;
    }
    yield chunk;
  }
  result.sha256 = hash.digest("hex");
  result.ms = Date.now() - started;
}

function mib(bytes: bigint): string {
  return (Number(bytes) / (1024 * 1024)).toFixed(1);
}

/** A one-line summary with the rate, for the user's console. */
export function describeUpload(r: UploadResult): string {
  const rate = r.ms > 0 ? (Number(r.bytes) / (1024 * 1024) / (r.ms / 1000)).toFixed(1) : "∞";
  return `uploaded ${mib(r.bytes)} MiB in ${(r.ms / 1000).toFixed(1)} s (${rate} MiB/s), sha256 ${r.sha256}`;
}

/** The created volume, and the checksum of what was uploaded into it. */
export interface UploadedVolume {
  ref: VolumeRef;
  sha256: string;
}

/** The uploaded bytes are not what was announced or declared. */
class UploadRefusedError extends Error {
  /** @param message what differs */
  constructor(message: string) {
    super(message);
    this.name = "UploadRefusedError";
  }
}

/** Bytes to stream into a new volume, and what they must be. */
export interface Upload {
  /** The opened bytes (a file, a URL's body, or an image made in memory). */
  opened: OpenedSource;
  /** Where they come from, for messages (e.g. `source.localPath /images/a.qcow2`). */
  where: string;
  /** The SHA-256 they must have; a mismatch fails the create and leaves no volume. */
  sha256?: string;
}

/**
 * Streams bytes into an existing volume from its start, hashing them on the
 * way; fails when fewer bytes came than announced or the hash differs. The
 * one path every upload takes (Volume sources, cloud-init seeds).
 */
export async function uploadInto(
  conn: LibvirtConnection,
  ref: VolumeRef,
  upload: Upload,
  who: { kind: string; name: string },
): Promise<string> {
  const { opened, where } = upload;
  progress(who.kind, who.name, `uploading ${opened.size !== undefined ? `${opened.size} bytes ` : ""}from ${where}`);
  const result: UploadResult = { sha256: "", bytes: 0n, ms: 0 };
  const stream = await conn.volumes.upload(ref, 0n, opened.size ?? 0n);
  await stream.pump(hashing(opened.chunks, opened.size, who, result));
  progress(who.kind, who.name, describeUpload(result));
  if (opened.size !== undefined && result.bytes !== opened.size)
    throw new UploadRefusedError(`${where}: ended after ${result.bytes} of the ${opened.size} bytes announced`);
  if (upload.sha256 !== undefined && upload.sha256 !== result.sha256)
    throw new UploadRefusedError(`source.sha256: expected ${upload.sha256} but the uploaded data has ${result.sha256} (${where})`);
  return result.sha256;
}

/**
 * Creates a volume and streams bytes into it, transactionally: whatever
 * fails after the volume exists (a checksum mismatch included), the volume
 * is deleted before the error is thrown, so a failed create leaves nothing
 * behind; only when that delete fails too is it reported as a partial create.
 */
export async function createByUpload(
  conn: LibvirtConnection,
  pool: PoolRef,
  v: VolumeShape & { kind: string },
  upload: Upload,
  id: string,
): Promise<UploadedVolume> {
  const { opened, where } = upload;
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
  try {
    return await createTransactionally("volume", v.name, id, async () => {
      const ref = await conn.volumes.create(pool, xml);
      return {
        run: async () => {
          const sha256 = await uploadInto(conn, ref, upload, v);
          // A qcow2 image carries its own virtual size; grow it to the declared one.
          if (v.capacityBytes !== undefined && (await conn.volumes.info(ref)).capacity < v.capacityBytes)
            await conn.volumes.resize(ref, v.capacityBytes);
          return { ref, sha256 };
        },
        undo: () => conn.volumes.delete(ref),
        undoesFailure: () => true,
      };
    });
  } catch (err) {
    // Said only once the delete went through (a failed delete is a partial create instead).
    if (err instanceof UploadRefusedError) throw new UploadRefusedError(`${err.message}; the volume was deleted`);
    throw err;
  } finally {
    opened.close();
  }
}
