/**
 * A volume's bytes streamed from one host to another through the provider
 * (libvirt's volume download on the source, upload on the destination), for a
 * stopped VM's offline move: the hosts need no route to each other.
 */
import { createHash } from "node:crypto";
import type { LibvirtConnection, VolumeRef } from "../../libvirt";
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

/** SHA-256 of the first `length` bytes of a volume, as its host serves them. */
async function sha256Of(conn: LibvirtConnection, ref: VolumeRef, length: bigint): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of await conn.volumes.download(ref, 0n, length)) hash.update(chunk as Uint8Array);
  return hash.digest("hex");
}

/**
 * Streams the whole of `source` (on `from`) into `dest` (on `to`) from its start
 * (`size`: about how many bytes, for the progress lines), then reads back as
 * many bytes from `dest` and compares their SHA-256 with the source's: the
 * check covers the destination's write, not only the transfer.
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
  const upload = await to.volumes.upload(dest, 0n, 0n);
  // The upload's own pass-through: its hash, and a progress line every tenth of `size`.
  await upload.pump(hashing((await from.volumes.download(source, 0n, 0n)) as AsyncIterable<Uint8Array>, size, who, sent));
  const { sha256 } = sent;
  const landed = await sha256Of(to, dest, sent.bytes);
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
