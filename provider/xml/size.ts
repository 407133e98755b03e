/**
 * Sizes as libvirt writes them: a value that keeps its unit, compared as bytes.
 *
 * libvirt's scaled integers: `b`/`bytes`; `KB` `MB` `GB` `TB` `PB` `EB` are
 * powers of 1000; `KiB` … `EiB` and the single letters `k` `M` `G` `T` `P` `E`
 * are powers of 1024 (the letters are case-insensitive aliases in libvirt).
 */
import { XmlError, XmlExtra } from "./node";

/** A unit libvirt accepts in a `unit` attribute. */
export type SizeUnit =
  | "b"
  | "bytes"
  | "KB"
  | "MB"
  | "GB"
  | "TB"
  | "PB"
  | "EB"
  | "k"
  | "M"
  | "G"
  | "T"
  | "P"
  | "E"
  | "KiB"
  | "MiB"
  | "GiB"
  | "TiB"
  | "PiB"
  | "EiB";

/** A size with its unit, as written; use {@link sizeToBytes} to compare. */
export interface Size {
  /** Whole number of units; a bigint when beyond 2^53. */
  value: number | bigint;
  /** The unit the value is expressed in. */
  unit: SizeUnit;
}

/** A size element (`<memory unit='KiB'>…`, `<capacity>`) with its own remainder. */
export type SizeElement = Size & { extra?: XmlExtra };

const PREFIXES = ["k", "m", "g", "t", "p", "e"] as const;
const LETTER: Record<(typeof PREFIXES)[number], SizeUnit> = { k: "k", m: "M", g: "G", t: "T", p: "P", e: "E" };
const BINARY = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;
const DECIMAL = ["KB", "MB", "GB", "TB", "PB", "EB"] as const;

/** Bytes in one unit. */
export function unitFactor(unit: SizeUnit): bigint {
  if (unit === "b" || unit === "bytes") return 1n;
  const letter = unit.charAt(0).toLowerCase();
  const power = BigInt(PREFIXES.findIndex((p) => p === letter) + 1);
  const decimal = unit.length === 2 && unit[1] === "B";
  return decimal ? 1000n ** power : 1024n ** power;
}

/** The canonical spelling of a unit, or undefined when libvirt would refuse it. */
export function tryParseSizeUnit(text: string): SizeUnit | undefined {
  const t = text.trim();
  const lower = t.toLowerCase();
  if (lower === "b" || lower === "bytes") return lower;
  const prefix = PREFIXES.find((p) => p === lower.charAt(0));
  if (prefix === undefined) return undefined;
  const i = PREFIXES.indexOf(prefix);
  const rest = lower.slice(1);
  if (rest === "") return LETTER[prefix];
  if (rest === "ib") return BINARY[i];
  if (rest === "b") return DECIMAL[i];
  return undefined;
}

/**
 * The canonical spelling of a unit.
 * @throws XmlError for a unit libvirt does not know.
 */
export function parseSizeUnit(text: string): SizeUnit {
  const u = tryParseSizeUnit(text);
  if (!u) throw new XmlError(`unknown size unit ${JSON.stringify(text)}`);
  return u;
}

/** Parses "2GiB", "512 MiB", "4096" (bytes unless `defaultUnit`), or undefined. */
export function tryParseSize(text: string, defaultUnit: SizeUnit = "bytes"): Size | undefined {
  const [, digits, unitText] = /^\s*(\d+)\s*([A-Za-z]*)\s*$/.exec(text) ?? [];
  if (digits === undefined || unitText === undefined) return undefined;
  const unit = unitText === "" ? defaultUnit : tryParseSizeUnit(unitText);
  if (!unit) return undefined;
  const big = BigInt(digits);
  return { value: big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big, unit };
}

/**
 * Parses "2GiB", "512 MiB", "4096".
 * @throws XmlError when the text is not a whole number with a known unit.
 */
export function parseSize(text: string, defaultUnit: SizeUnit = "bytes"): Size {
  const s = tryParseSize(text, defaultUnit);
  if (!s) throw new XmlError(`not a size: ${JSON.stringify(text)}`);
  return s;
}

/**
 * The size in bytes.
 * @throws XmlError when the value is negative or not a whole number.
 */
export function sizeToBytes(size: Size): bigint {
  const v = size.value;
  if (typeof v === "number" && (!Number.isSafeInteger(v) || v < 0)) {
    throw new XmlError(`size value must be a non-negative whole number, got ${v}`);
  }
  if (typeof v === "bigint" && v < 0n) throw new XmlError(`size value must be non-negative, got ${v}`);
  return BigInt(v) * unitFactor(size.unit);
}

/** True when both sizes are the same number of bytes. */
export function sameSize(a: Size, b: Size): boolean {
  return sizeToBytes(a) === sizeToBytes(b);
}

/** The same size expressed in bytes. */
export function sizeInBytes(size: Size): Size {
  const b = sizeToBytes(size);
  return { value: b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b, unit: "bytes" };
}

/** "98304 KiB" – for messages. */
export function formatSize(size: Size): string {
  return `${size.value} ${size.unit}`;
}
