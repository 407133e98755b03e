import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { buildIso, IsoFile } from "./iso9660";

/** The volume label cloud-init's NoCloud source looks for. */
export const SEED_LABEL = "cidata";

/** The documents of a NoCloud seed. */
export interface SeedContent {
  userData: string;
  metaData: string;
  networkConfig?: string;
}

/** A built seed image and its digest. */
export interface SeedImage {
  bytes: Buffer;
  /** SHA-256 of `bytes`, lowercase hex. */
  sha256: string;
}

/** Builds the NoCloud seed image: `user-data`, `meta-data` and, when given, `network-config`. */
export function buildSeed(content: SeedContent): SeedImage {
  const files: IsoFile[] = [
    { name: "user-data", data: Buffer.from(content.userData, "utf8") },
    { name: "meta-data", data: Buffer.from(content.metaData, "utf8") },
  ];
  if (content.networkConfig !== undefined) files.push({ name: "network-config", data: Buffer.from(content.networkConfig, "utf8") });
  const bytes = buildIso(SEED_LABEL, files);
  return { bytes, sha256: sha256Of(bytes) };
}

/** SHA-256 of bytes, lowercase hex. */
export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** SHA-256 of everything a stream yields, lowercase hex. */
export async function sha256OfStream(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Uint8Array);
  return hash.digest("hex");
}
