/**
 * What moves with a VM to another host: the disks on the old host's own storage
 * (copied), and the definition's disks pointed at the new host's volumes.
 */
import type { LibvirtConnection, VolumeRef } from "../../libvirt";
import { Domain, parsePoolXml, parseVolumeXml, sizeToBytes } from "../../xml";
import { unlessGone } from "../common/gone";
import type { ResolvedDisk } from "./disks";
import type { DiskSpec } from "./specDevices";

/** Pool types whose volumes live on the host's own storage: another host cannot see them, so they are copied. */
const LOCAL_POOL_TYPES = new Set(["dir", "fs", "logical", "disk"]);

/** A disk whose image is on the old host's own storage. */
export interface LocalDisk {
  /** Its guest device name. */
  target: string;
  /** Its volume on the old host. */
  volume: VolumeRef;
  /** About how many bytes a copy streams (a raw image's size, another format's file length). */
  bytes: bigint;
}

/**
 * About how many bytes a copy of `volume` streams: its file's length (libvirt's `physical`,
 * where a qcow2 image's `allocation` may be reported as its capacity), else its allocation;
 * a raw image's capacity.
 */
async function streamedBytes(from: LibvirtConnection, volume: VolumeRef): Promise<bigint> {
  const doc = parseVolumeXml(await from.volumes.xmlDesc(volume));
  const capacity = doc.capacity && sizeToBytes(doc.capacity);
  if (doc.target?.format === "raw" && capacity !== undefined) return capacity;
  if (doc.physical) return sizeToBytes(doc.physical);
  const info = await from.volumes.info(volume);
  return doc.target?.format === "raw" ? info.capacity : info.allocation;
}

/**
 * The disks whose images are volumes of a pool on the old host's own storage, so a move
 * copies them. Read-only disks and cdroms are not (the new host needs its own copy, as it
 * needs a `path` disk's file); a LUN or a network pool's volume is shared by nature.
 */
export async function localDisksOf(from: LibvirtConnection, disks: readonly DiskSpec[]): Promise<LocalDisk[]> {
  const found: LocalDisk[] = [];
  for (const d of disks) {
    if (d.volumeKey === undefined || d.readonly || d.device === "cdrom") continue;
    const volume = await unlessGone(from.volumes.lookupByKey(d.volumeKey));
    if (volume === undefined) continue;
    const pool = parsePoolXml(await from.pools.xmlDesc(await from.pools.lookupByName(volume.pool)));
    if (!LOCAL_POOL_TYPES.has(pool.type)) continue;
    found.push({ target: d.target, volume, bytes: await streamedBytes(from, volume) });
  }
  return found;
}

/**
 * `dom` with each disk the spec declares pointing where the destination has it (matched by
 * target), in the format it has there; the rest of each disk (its address, alias, driver
 * options) stays as the running guest has it.
 */
export function withDisksOf(dom: Domain, disks: readonly ResolvedDisk[]): Domain {
  const byTarget = new Map(disks.map((d) => [d.target, d]));
  const devices = dom.devices.map((dev) => {
    if (dev.kind !== "disk") return dev;
    const d = byTarget.get(dev.target.dev);
    if (d === undefined) return dev;
    const source = d.volume
      ? { type: "volume" as const, pool: d.volume.pool, volume: d.volume.name }
      : d.file !== undefined
        ? { type: "file" as const, file: d.file }
        : { type: "file" as const };
    // The old host's backing chain names its files: the new host reads its own image's.
    const extra = dev.extra && { ...dev.extra, children: dev.extra.children.filter((c) => c.name !== "backingStore") };
    return { ...dev, source, driver: { ...dev.driver, type: d.format }, ...(extra ? { extra } : {}) };
  });
  return { ...dom, devices };
}
