import { Size, SizeUnit, sizeToBytes, tryParseSize, tryParseSizeUnit } from "../../xml";
import { Problems } from "./problems";

/**
 * A size: bytes as a number, a string with a unit ("20GiB", "512MiB"; whole
 * numbers only, "1.5 GB" is refused), or `{ value, unit }`.
 */
export type SizeArg =
  | number
  | string
  | {
      /** A whole number of `unit`s. */
      value: number;
      /** A unit as libvirt spells it: `b` or `bytes`, `KiB` … `EiB` (or `k` … `E`) by 1024, `KB` … `EB` by 1000. */
      unit: string;
    };

/**
 * The largest size libvirt accepts, 2^63 - 1 bytes: it parses a domain's
 * memory into bytes bounded by LLONG_MAX (`virMemoryMaxValue`), and a file
 * volume's size is an `off_t`. Anything larger would be cut or refused.
 */
export const MAX_SIZE_BYTES = 2n ** 63n - 1n;

/**
 * Parses a size input into bytes, recording a problem naming `property` when
 * it is not a positive whole number with a known unit, or is larger than
 * {@link MAX_SIZE_BYTES}.
 */
export function checkSize(problems: Problems, property: string, value: unknown, required = true): bigint | undefined {
  if (value === undefined || value === null) {
    if (required) problems.add(property, "is required");
    return undefined;
  }
  const size = toSize(value);
  if (!size) {
    problems.add(property, 'must be a whole number of bytes, a string such as "10GiB" or "512MiB", or { value, unit }');
    return undefined;
  }
  // The conversion throws on a negative value: it is a problem on the property instead.
  const bytes = BigInt(size.value) < 0n ? 0n : sizeToBytes(size);
  if (bytes <= 0n) {
    problems.add(property, "must be greater than zero");
    return undefined;
  }
  if (bytes > MAX_SIZE_BYTES) {
    problems.add(property, `must be at most ${MAX_SIZE_BYTES} bytes (2^63 - 1, the largest size libvirt accepts)`);
    return undefined;
  }
  return bytes;
}

function toSize(value: unknown): Size | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) ? { value, unit: "bytes" } : undefined;
  if (typeof value === "string") {
    const size = tryParseSize(value.replace(/\s+/g, ""));
    return size && Number.isSafeInteger(Number(size.value)) ? size : undefined;
  }
  if (typeof value === "object" && value !== null) {
    const { value: v, unit } = value as { value?: unknown; unit?: unknown };
    const parsed: SizeUnit | undefined = typeof unit === "string" ? tryParseSizeUnit(unit) : undefined;
    if (typeof v === "number" && Number.isSafeInteger(v) && parsed) return { value: v, unit: parsed };
  }
  return undefined;
}
