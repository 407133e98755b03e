import { DomainJobStat, DomainJobType } from "./enums/migration";
import { TypedParam, TypedParamType } from "./wire/typedParams";

/** How far a running migration is, from the source's job statistics. */
export interface MigrationProgress {
  /** Share of the bytes moved, 0 to 100, when libvirt knows the total. */
  percent?: number;
  /** Bytes to move in all (memory, plus disks when they are copied), as known so far; it can grow while the guest writes. */
  totalBytes: bigint;
  /** Bytes moved. */
  processedBytes: bigint;
  /** Bytes left. */
  remainingBytes: bigint;
  /** Bytes per second, memory and disk copy together. */
  bytesPerSecond: bigint;
  /** Milliseconds since the job began. */
  elapsedMs: number;
}

function ullong(params: readonly TypedParam[], field: DomainJobStat): bigint {
  const p = params.find((x) => x.field === field);
  if (p === undefined) return 0n;
  // libvirt sends these as unsigned long long; any other integer type is taken at its value.
  switch (p.type) {
    case TypedParamType.Ullong:
    case TypedParamType.Llong:
      return p.value;
    case TypedParamType.Int:
    case TypedParamType.Uint:
      return BigInt(p.value);
    default:
      return 0n;
  }
}

/**
 * The progress a job's statistics tell (`virDomainGetJobStats` on the
 * source), or undefined when no job runs (not begun yet, or over).
 */
export function progressOf(stats: { type: DomainJobType; params: readonly TypedParam[] }): MigrationProgress | undefined {
  if (stats.type !== DomainJobType.Bounded && stats.type !== DomainJobType.Unbounded) return undefined;
  const totalBytes = ullong(stats.params, DomainJobStat.DataTotal);
  const processedBytes = ullong(stats.params, DomainJobStat.DataProcessed);
  const progress: MigrationProgress = {
    totalBytes,
    processedBytes,
    remainingBytes: ullong(stats.params, DomainJobStat.DataRemaining),
    bytesPerSecond: ullong(stats.params, DomainJobStat.MemoryBps) + ullong(stats.params, DomainJobStat.DiskBps),
    elapsedMs: Number(ullong(stats.params, DomainJobStat.TimeElapsed)),
  };
  // Hundredths of a percent in integers: the byte counts can exceed a double's exact range.
  if (totalBytes > 0n) progress.percent = Math.min(100, Number((processedBytes * 10000n) / totalBytes) / 100);
  return progress;
}
