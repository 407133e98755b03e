import type { Drift, ReplacingDifference } from "../common/kindDefinition";
import { buildSeed } from "./model";
import type { CloudInitDiskLive } from "./read";
import type { CloudInitDiskSpec } from "./spec";

/** What differs between the declared seed and the volume on the host: digests and sizes only, the documents may hold secrets. */
export function cloudInitDiskDrift(spec: CloudInitDiskSpec, live: CloudInitDiskLive): Drift[] {
  const want = buildSeed(spec);
  const out: Drift[] = [];
  if (live.sha256 !== want.sha256) out.push({ property: "sha256", detail: `is ${live.sha256} on the host, ${want.sha256} declared` });
  if (live.capacity !== BigInt(want.bytes.length))
    out.push({ property: "size", detail: `is ${live.capacity} bytes on the host, ${want.bytes.length} declared` });
  return out;
}

/** Formats a seed volume may have: raw, as created, or iso, as a pool names a raw image it recognises as one. */
const SEED_FORMATS = new Set(["raw", "iso"]);

/** What only replacing an existing volume could change before it holds a seed: a format other than raw (writing the image would break it). */
export function seedReplacements(format: string | undefined): ReplacingDifference[] {
  return format === undefined || SEED_FORMATS.has(format) ? [] : [{ property: "format", declared: "raw", host: format }];
}
