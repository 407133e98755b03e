/**
 * A disk's tuning inputs (`cache`, `io`, `discard`, and the `iops` and
 * `bytesPerSecond` limits): their checks, with the rules libvirt and QEMU
 * hold them to, so a bad combination fails in `check`, naming the property,
 * instead of at the VM's next start. `specDevices.ts` calls it for each disk.
 */
import { checkEnum, checkInteger, checkKnownFields, isObject, Problems } from "../common/problems";

/** How QEMU uses the host's page cache for the image (libvirt's `<driver cache>`). */
export const DISK_CACHE_MODES = ["none", "writethrough", "writeback", "directsync", "unsafe"] as const;
/** How QEMU submits I/O to the host (libvirt's `<driver io>`). */
export const DISK_IO_MODES = ["native", "threads", "io_uring"] as const;
/** Whether the guest's discard (TRIM/UNMAP) requests reach the image (libvirt's `<driver discard>`). */
export const DISK_DISCARD_MODES = ["unmap", "ignore"] as const;
/** The cache modes that open the image with O_DIRECT, which `io: "native"` needs (QEMU: "aio=native requires cache.direct=on"). */
const DIRECT_CACHE_MODES: readonly string[] = ["none", "directsync"];
/**
 * The highest limit: QEMU refuses throttling values above 1e15
 * (THROTTLE_VALUE_MAX), and libvirt checks the same bound
 * (QEMU_BLOCK_IOTUNE_MAX); it is also well within a JavaScript number.
 */
export const MAX_IO_LIMIT = 1e15;

/** A per-second limit: a `total`, or `read` and/or `write` (libvirt's `<iotune>` cannot mix them). */
export interface IoLimitSpec {
  total?: number;
  read?: number;
  write?: number;
}

/** A disk's validated tuning; what is unset leaves the hypervisor's default (no limit). */
export interface DiskTuningSpec {
  cache?: (typeof DISK_CACHE_MODES)[number];
  io?: (typeof DISK_IO_MODES)[number];
  discard?: (typeof DISK_DISCARD_MODES)[number];
  /** I/O operations per second. */
  iops?: IoLimitSpec;
  /** Bytes per second. */
  bytesPerSecond?: IoLimitSpec;
}

/** The tuning keys a disk entry may have, besides its own. */
export const DISK_TUNING_FIELDS = ["cache", "io", "discard", "iops", "bytesPerSecond"] as const;

const LIMIT_KEYS = ["total", "read", "write"] as const;

/** One limit object; `unit` names what it counts in messages. */
function checkLimit(problems: Problems, property: string, value: unknown, unit: string): IoLimitSpec | undefined {
  const example = `{ total: 500 } or { read: 1000, write: 200 }`;
  if (!isObject(value)) return void problems.add(property, `must be an object such as ${example} (${unit})`);
  checkKnownFields(problems, property, value, LIMIT_KEYS);
  const limit: IoLimitSpec = {};
  let ok = true;
  for (const key of LIMIT_KEYS) {
    const n = value[key];
    if (n === undefined) continue;
    if (checkInteger(problems, `${property}.${key}`, n, 1, MAX_IO_LIMIT)) limit[key] = n;
    else ok = false;
  }
  if (value.total !== undefined && (value.read !== undefined || value.write !== undefined)) {
    problems.add(property, "takes total, or read and write, not both (libvirt's <iotune> cannot mix a total limit with read/write limits)");
    return undefined;
  }
  if (ok && Object.keys(limit).length === 0)
    return void problems.add(property, `needs total, read or write (${unit}); leave ${property.split(".").pop()} out for no limit`);
  return ok ? limit : undefined;
}

/**
 * Checks one disk entry's tuning keys.
 * @param at the disk's property, e.g. `disks[1]`
 * @param empty the disk is a cdrom drive without media: no limit applies to it
 * @returns the tuning, or undefined when a problem was recorded
 */
export function checkDiskTuning(
  problems: Problems,
  at: string,
  d: Readonly<Record<string, unknown>>,
  empty: boolean,
): DiskTuningSpec | undefined {
  const { cache, io, discard, iops, bytesPerSecond } = d;
  let ok = true;
  const tuning: DiskTuningSpec = {};
  if (cache !== undefined) {
    if (checkEnum(problems, `${at}.cache`, cache, DISK_CACHE_MODES)) tuning.cache = cache;
    else ok = false;
  }
  if (io !== undefined) {
    if (checkEnum(problems, `${at}.io`, io, DISK_IO_MODES)) tuning.io = io;
    else ok = false;
  }
  if (discard !== undefined) {
    if (checkEnum(problems, `${at}.discard`, discard, DISK_DISCARD_MODES)) tuning.discard = discard;
    else ok = false;
  }
  if (tuning.io === "native" && !DIRECT_CACHE_MODES.includes(tuning.cache ?? "")) {
    problems.add(`${at}.io`, `"native" needs cache "none" or "directsync" (QEMU's native AIO needs the image opened with O_DIRECT)`);
    ok = false;
  }
  for (const [key, unit] of [
    ["iops", "I/O operations per second"],
    ["bytesPerSecond", "bytes per second"],
  ] as const) {
    const value = key === "iops" ? iops : bytesPerSecond;
    if (value === undefined) continue;
    if (empty) {
      problems.add(`${at}.${key}`, "cannot limit an empty cdrom drive (give it a path or volumeKey)");
      ok = false;
      continue;
    }
    const limit = checkLimit(problems, `${at}.${key}`, value, unit);
    if (limit) tuning[key] = limit;
    else ok = false;
  }
  return ok ? tuning : undefined;
}
