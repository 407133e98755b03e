import type { LibvirtConnection, VolumeRef } from "../../libvirt";
import { unlessGone } from "../common/gone";
import type { Drift } from "../common/kindDefinition";
import { parseVolumeXml } from "../../xml";
import type { DiskSpec } from "./specDevices";

/** A disk with its image as the host names it: the file to open and how to read it. */
export interface ResolvedDisk extends Omit<DiskSpec, "format"> {
  /** The image file; absent for an empty cdrom drive and for a network volume. */
  file?: string;
  /**
   * A network volume (an iscsi-direct pool's LUN): it has no file on the host, so the
   * domain names it by pool and volume and libvirt hands QEMU the target to log in to.
   */
  volume?: { pool: string; name: string };
  /** The image format QEMU is told. */
  format: string;
  /** The host has no volume with the disk's `volumeKey` (removed by hand): the read reports it, a write refuses. */
  missing?: true;
}

/**
 * Image formats QEMU opens itself. A pool also reports what it recognises
 * by content (`iso` for a cdrom image, a seed among them), which QEMU reads
 * as raw and refuses by that name.
 */
const QEMU_FORMATS = new Set(["raw", "qcow2", "qcow", "qed", "vmdk", "vdi", "vpc", "vhdx", "luks", "bochs", "cloop", "dmg", "parallels"]);

/** A volume's format as QEMU names it, and whether it lives on the network rather than in a host file. */
async function volumeFormat(conn: LibvirtConnection, ref: VolumeRef): Promise<{ format?: string; network: boolean }> {
  const doc = parseVolumeXml(await conn.volumes.xmlDesc(ref));
  const format = doc.target?.format;
  return { format: format === undefined || QEMU_FORMATS.has(format) ? format : "raw", network: doc.type === "network" };
}

async function resolveOne(conn: LibvirtConnection, disk: DiskSpec): Promise<ResolvedDisk> {
  if (disk.volumeKey !== undefined) {
    const ref = await unlessGone(conn.volumes.lookupByKey(disk.volumeKey));
    if (!ref) return { ...disk, format: disk.format ?? "raw", missing: true };
    const [file, { format, network }] = await Promise.all([conn.volumes.path(ref), volumeFormat(conn, ref)]);
    // A LUN's "path" names the target and LUN, not a file QEMU could open.
    if (network) return { ...disk, volume: { pool: ref.pool, name: ref.name }, format: disk.format ?? format ?? "raw" };
    return { ...disk, file, format: disk.format ?? format ?? "raw" };
  }
  if (disk.path === undefined) return { ...disk, format: disk.format ?? "raw" };
  if (disk.format !== undefined) return { ...disk, file: disk.path, format: disk.format };
  // A pool volume knows its own format; reading a qcow2 image as raw would
  // show the guest the qcow2 header instead of its data.
  const ref = await unlessGone(conn.volumes.lookupByPath(disk.path));
  const format = ref ? (await volumeFormat(conn, ref)).format : undefined;
  return { ...disk, file: disk.path, format: format ?? "raw" };
}

/**
 * Resolves every disk's image on the host (volume keys to paths, formats
 * from their volumes); a volume the host does not have is marked `missing`.
 */
export function resolveDisks(conn: LibvirtConnection, disks: readonly DiskSpec[]): Promise<ResolvedDisk[]> {
  return Promise.all(disks.map((d) => resolveOne(conn, d)));
}

/** What a preview says of each disk whose volume the host does not have. */
export function missingVolumes(disks: readonly ResolvedDisk[]): Drift[] {
  return disks.flatMap((d, i) =>
    d.missing ? [{ property: `disks[${i}].volumeKey`, detail: `the host has no volume with key ${JSON.stringify(d.volumeKey)}` }] : [],
  );
}

/**
 * The disks, for a write: a disk whose volume the host does not have cannot be defined.
 * @throws Error naming the first such disk
 */
export function requireVolumes(disks: ResolvedDisk[]): ResolvedDisk[] {
  const [missing] = missingVolumes(disks);
  if (missing) throw new Error(`${missing.property}: ${missing.detail}`);
  return disks;
}
