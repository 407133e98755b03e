/**
 * Sizes as the user's console shows them: one decimal, in the largest binary
 * unit that keeps the number at least 1 (MiB at least, so small transfers and
 * rates read like the rest: "4.0 MiB", "20.0 GiB", "1.5 TiB").
 */

const MIB = 1024n * 1024n;
const UNITS = [
  { name: "TiB", bytes: MIB * MIB },
  { name: "GiB", bytes: MIB * 1024n },
] as const;

/** `bytes` with a unit chosen by its size: `"16.0 MiB"`, `"20.0 GiB"`. */
export function sizeText(bytes: bigint): string {
  const unit = UNITS.find((u) => bytes >= u.bytes) ?? { name: "MiB", bytes: MIB };
  return `${(Number(bytes) / Number(unit.bytes)).toFixed(1)} ${unit.name}`;
}
