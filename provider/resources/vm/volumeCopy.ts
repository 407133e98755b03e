/**
 * A volume's bytes streamed from one host to another through the provider
 * (libvirt's volume download on the source, upload on the destination), for a
 * stopped VM's offline move: the hosts need no route to each other.
 */
import { createHash } from "node:crypto";
import type { LibvirtConnection, VolumeRef } from "../../libvirt";
import { buildVolumeXml, parsePoolXml, parseVolumeXml } from "../../xml";
import { progress } from "../common/progress";
import { sizeText } from "../common/sizeText";
import { hashing, UploadResult } from "../volume/upload";

/** What a copy sent, and its proof. */
export interface VolumeCopyResult {
  /** Bytes streamed. */
  bytes: bigint;
  /** SHA-256 of the bytes read from the source, which the destination's read-back matched. */
  sha256: string;
  /** Wall time in milliseconds (copy and check). */
  ms: number;
}

/**
 * Pool types whose volumes are files, keyed by their path: one recreated under
 * its name keeps its key, which the destination's `Volume` resource stores.
 */
const FILE_POOL_TYPES = new Set(["dir", "fs", "netfs"]);

/** Where a copy writes, and whether the destination then holds exactly the bytes sent. */
interface CopyTarget {
  ref: VolumeRef;
  /** True: the destination is as long as what was sent, so its whole read-back is compared. */
  exact: boolean;
}

/**
 * The destination made ready for the copy. An upload writes from the start of
 * the destination's file and never shortens it, so a file longer than the
 * source (a qcow2 volume created on the new host with content of its own)
 * would keep its tail after the source's bytes. A file volume is therefore
 * recreated empty under its name, in the source's format and capacity,
 * keeping its owner and mode: the upload then leaves it exactly the source's
 * length. A block volume (an LV, a partition) is as long as its capacity
 * whatever is written: only the bytes sent can be compared there.
 * @throws when the recreated volume got another key (the `Volume` on the new host would lose it)
 */
async function emptiedForCopy(from: LibvirtConnection, source: VolumeRef, to: LibvirtConnection, dest: VolumeRef): Promise<CopyTarget> {
  const pool = await to.pools.lookupByName(dest.pool);
  if (!FILE_POOL_TYPES.has(parsePoolXml(await to.pools.xmlDesc(pool)).type)) return { ref: dest, exact: false };
  const [srcXml, oldXml] = await Promise.all([from.volumes.xmlDesc(source), to.volumes.xmlDesc(dest)]);
  const src = parseVolumeXml(srcXml);
  // Owner and mode kept; no security label: the host's driver labels the new file as it labels any.
  const kept = parseVolumeXml(oldXml).target?.permissions;
  const xml = buildVolumeXml({
    name: dest.name,
    capacity: src.capacity,
    allocation: { value: 0, unit: "bytes" },
    target: { format: src.target?.format, ...(kept ? { permissions: { mode: kept.mode, owner: kept.owner, group: kept.group } } : {}) },
  });
  await to.volumes.delete(dest);
  const ref = await to.volumes.create(pool, xml);
  if (ref.key !== dest.key) {
    throw new Error(`volume ${dest.name} on ${to.rpc.description} has key ${ref.key} once recreated for the copy, was ${dest.key}`);
  }
  return { ref, exact: true };
}

/** SHA-256 of the first `length` bytes of a volume (0: all of it), as its host serves them. */
async function sha256Of(conn: LibvirtConnection, ref: VolumeRef, length: bigint): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of await conn.volumes.download(ref, 0n, length)) hash.update(chunk as Uint8Array);
  return hash.digest("hex");
}

/**
 * Streams the whole of `source` (on `from`) into `dest` (on `to`), made empty
 * first where it is a file (`size`: about how many bytes, for the progress
 * lines), then reads `dest` back (all of a file; as many bytes as were sent
 * of a block volume) and compares its SHA-256 with the source's: the check
 * covers the destination's write and length, not only the transfer.
 * @throws when the destination's bytes differ (the caller removes what it made)
 */
export async function copyVolume(
  from: LibvirtConnection,
  source: VolumeRef,
  to: LibvirtConnection,
  dest: VolumeRef,
  who: { kind: string; name: string; disk: string },
  size: bigint,
): Promise<VolumeCopyResult> {
  const started = Date.now();
  const sent: UploadResult = { sha256: "", bytes: 0n, ms: 0 };
  const target = await emptiedForCopy(from, source, to, dest);
  const upload = await to.volumes.upload(target.ref, 0n, 0n);
  // The upload's own pass-through: its hash, and a progress line every tenth of `size`.
  await upload.pump(hashing((await from.volumes.download(source, 0n, 0n)) as AsyncIterable<Uint8Array>, size, who, sent));
  const { sha256 } = sent;
  const landed = await sha256Of(to, target.ref, target.exact ? 0n : sent.bytes);
  if (landed !== sha256) {
    throw new Error(
      `disk ${who.disk}: ${to.rpc.description} holds sha256 ${landed} after the copy, ${from.rpc.description} sent ${sha256} (${sent.bytes} bytes)`,
    );
  }
  const ms = Date.now() - started;
  progress(
    who.kind,
    who.name,
    `disk ${who.disk}: copied ${sizeText(sent.bytes)} in ${(ms / 1000).toFixed(1)} s, sha256 ${sha256} on both hosts`,
  );
  return { bytes: sent.bytes, sha256, ms };
}
