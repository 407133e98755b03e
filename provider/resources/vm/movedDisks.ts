/**
 * What moves with a VM to another host: the disks on the old host's own storage
 * (copied), and the definition's disks pointed at the new host's volumes.
 */
import type { LibvirtConnection, VolumeRef } from "../../libvirt";
import { buildDomainXml, Domain, parsePoolXml, parseVolumeXml, sizeToBytes, withoutKeptVolumes } from "../../xml";
import { unlessGone } from "../common/gone";
import { sizeText } from "../common/sizeText";
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
 * About how many bytes a copy of `volume` streams: a raw image's capacity; another format's
 * file length (libvirt's `physical`: its `allocation` of a qcow2 file uploaded whole may be
 * the capacity), else its allocation.
 */
async function streamedBytes(from: LibvirtConnection, volume: VolumeRef, format: string | undefined): Promise<bigint> {
  const [info, doc] = await Promise.all([from.volumes.info(volume), from.volumes.xmlDesc(volume).then(parseVolumeXml)]);
  // A disk that declares no format has the volume's.
  const actual = format ?? doc.target?.format;
  if (actual === "raw" || actual === undefined) return info.capacity;
  return doc.physical ? sizeToBytes(doc.physical) : info.allocation;
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
    found.push({ target: d.target, volume, bytes: await streamedBytes(from, volume, d.format) });
  }
  return found;
}

/** What a move copies, for the preview and the run: `copying 2 disks, 20.0 GiB` or `no disk copied`. */
export function copiesText(disks: readonly LocalDisk[]): string {
  if (disks.length === 0) return "no disk copied";
  const total = disks.reduce((sum, d) => sum + d.bytes, 0n);
  return `copying ${disks.length} disk${disks.length === 1 ? "" : "s"}, ${sizeText(total)}`;
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

/**
 * The definition `dom` as the new host gets it: its disks pointed at that host's ({@link withDisksOf}),
 * without the old host's record of volumes kept for it (`volume/keep.ts`).
 */
export function definitionFor(dom: Domain, disks: readonly ResolvedDisk[]): string {
  return buildDomainXml(withDisksOf(withoutKeptVolumes(dom), disks));
}
