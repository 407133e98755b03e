import { closeSync, openSync, readSync } from "node:fs";
import { checkAbsolutePath, checkInteger, checkLocalFile, Problems } from "../common/problems";
import { redactUrl } from "./proxy";

/** Where a volume's initial content comes from. */
export type VolumeSource =
  | { kind: "localPath"; localPath: string; sha256?: string }
  | { kind: "url"; url: string; sha256?: string; timeoutSeconds: number }
  | { kind: "backingVolume"; backingVolume: string }
  | { kind: "cloneOf"; cloneOf: string };

/** A source whose bytes are streamed from the machine that runs Pulumi. */
export type UploadSource = Extract<VolumeSource, { kind: "localPath" | "url" }>;

const KINDS = ["localPath", "url", "backingVolume", "cloneOf"] as const;

/** How long a URL may take to answer, or leave its download without data, when `source.timeoutSeconds` is unset. */
export const DEFAULT_URL_TIMEOUT_SECONDS = 60;
/** The longest `source.timeoutSeconds` accepted: an hour. */
export const MAX_URL_TIMEOUT_SECONDS = 3600;
const SHA256 = /^[0-9a-f]{64}$/i;

/** Where an upload's bytes come from, for messages. */
export function describeSource(source: UploadSource): string {
  return source.kind === "localPath" ? `source.localPath ${source.localPath}` : `source.url ${redactUrl(source.url)}`;
}

/**
 * What of a source decides the volume's content, for the diff: a change of
 * `timeoutSeconds` only changes how a download waits, and must not replace
 * a volume that already holds its data.
 */
export function sourceIdentity(source: VolumeSource | undefined): unknown {
  if (source?.kind !== "url") return source;
  const { timeoutSeconds: _wait, ...content } = source;
  return content;
}

/** The first bytes of every qcow2 image: `QFI\xfb`. */
export const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]);

/** Whether `head` starts like a qcow2 image. */
export function looksLikeQcow2(head: Uint8Array): boolean {
  return head.length >= 4 && Buffer.from(head.subarray(0, 4)).equals(QCOW2_MAGIC);
}

/**
 * Refuses content whose kind does not match the declared format: qcow2 bytes
 * stored as a raw disk (or the reverse) give a guest a disk it cannot read.
 * @param format the declared format; undefined (not text) matches no content
 * @returns the reason, or undefined when they match
 */
export function formatMismatch(format: string | undefined, head: Uint8Array): string | undefined {
  const qcow2 = looksLikeQcow2(head);
  if (format === "qcow2" && !qcow2) return `is "qcow2" but the source is not a qcow2 image (no QFI\\xfb magic); declare format "raw"`;
  if (format === "raw" && qcow2) return `is "raw" but the source is a qcow2 image; declare format "qcow2"`;
  return undefined;
}

/**
 * Validates the `source` input: exactly one kind, each field well formed.
 * @param checkFiles whether to look at a local file (false for stored state:
 *   a file removed since the create must not block deleting the volume)
 * @param format the declared format, checked against a local file's first bytes; undefined when
 *   it is not text (the format field reports that)
 */
export function parseSource(problems: Problems, value: unknown, format: string | undefined, checkFiles: boolean): VolumeSource | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    problems.add("source", `must be an object with exactly one of ${KINDS.join(", ")}`);
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const present = KINDS.filter((k) => raw[k] !== undefined);
  const [kind] = present;
  if (kind === undefined || present.length > 1) {
    problems.add("source", `must set exactly one of ${KINDS.join(", ")} (found ${present.length === 0 ? "none" : present.join(", ")})`);
    return undefined;
  }
  const known = new Set<string>([...KINDS, "sha256", "timeoutSeconds"]);
  for (const k of Object.keys(raw)) if (!known.has(k) && raw[k] !== undefined) problems.add(`source.${k}`, "is not a known source field");
  const sha256 = raw.sha256;
  if (sha256 !== undefined) {
    if (kind !== "localPath" && kind !== "url") problems.add("source.sha256", "only applies to localPath and url sources");
    else if (typeof sha256 !== "string" || !SHA256.test(sha256)) problems.add("source.sha256", "must be 64 hexadecimal digits");
  }
  const digest = typeof sha256 === "string" ? sha256.toLowerCase() : undefined;
  const timeout = raw.timeoutSeconds;
  if (timeout !== undefined && timeout !== null) {
    if (kind !== "url") problems.add("source.timeoutSeconds", "only applies to url sources");
    else checkInteger(problems, "source.timeoutSeconds", timeout, 1, MAX_URL_TIMEOUT_SECONDS);
  }
  const timeoutSeconds = typeof timeout === "number" ? timeout : DEFAULT_URL_TIMEOUT_SECONDS;
  const before = problems.all.length;
  let source: VolumeSource | undefined;
  switch (kind) {
    case "localPath":
      if (checkAbsolutePath(problems, "source.localPath", raw.localPath)) {
        if (checkFiles) checkSourceFile(problems, raw.localPath, format);
        source = { kind, localPath: raw.localPath, sha256: digest };
      }
      break;
    case "url":
      if (checkUrl(problems, raw.url)) source = { kind, url: raw.url, sha256: digest, timeoutSeconds };
      break;
    case "backingVolume":
    case "cloneOf": {
      const ref = raw[kind];
      if (typeof ref !== "string" || ref.trim() === "" || /[\x00-\x1f\x7f]/.test(ref)) {
        problems.add(`source.${kind}`, "must be the key or path of another volume");
      } else source = kind === "cloneOf" ? { kind, cloneOf: ref } : { kind, backingVolume: ref };
      if (kind === "backingVolume" && format !== "qcow2") problems.add("format", 'must be "qcow2" for a backingVolume overlay');
      break;
    }
  }
  return problems.all.length === before ? source : undefined;
}

function checkUrl(problems: Problems, value: unknown): value is string {
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    problems.add("source.url", "must be an http:// or https:// URL");
    return false;
  }
  return true;
}

function checkSourceFile(problems: Problems, path: string, format: string | undefined): void {
  if (!checkLocalFile(problems, "source.localPath", path)) return;
  const mismatch = formatMismatch(format, readHead(path));
  if (mismatch) problems.add("format", `${mismatch} (source.localPath ${path})`);
}

function readHead(path: string): Uint8Array {
  const head = Buffer.alloc(4);
  const fd = openSync(path, "r");
  try {
    const n = readSync(fd, head, 0, 4, 0);
    return head.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
