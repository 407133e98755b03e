import { DomainListFlags, DomainRef, LibvirtConnection, VolumeRef } from "../../libvirt";
import { Disk, parseDomainXml } from "../../xml";
import { unlessGone } from "../common/gone";

/** A disk of a domain whose image is a given file. */
export interface DiskInUse {
  /** The domain. */
  dom: DomainRef;
  /** The disk's target in that domain (`vdb`). */
  target: string;
}

/** Which domains {@link disksUsing} looks at. */
export interface DisksUsingOptions {
  /**
   * Defined but stopped domains too (their persistent definitions), not only the running ones:
   * what must not lose a volume it will open when started.
   */
  stopped?: boolean;
  /** The volume itself, so that a disk naming it by pool and volume (`<disk type='volume'>`) counts too. */
  volume?: Pick<VolumeRef, "pool" | "name">;
}

/** Whether a disk's source is the image `path` (or the volume `volume`). */
function uses(d: Disk, path: string, volume: DisksUsingOptions["volume"]): boolean {
  const s = d.source;
  if (s.type === "file") return s.file === path;
  if (s.type === "block") return s.dev === path;
  if (s.type === "volume") return volume !== undefined && s.pool === volume.pool && s.volume === volume.name;
  return false;
}

/** The disks of a host's domains, read once: several images can then be asked about without reading them again. */
export interface DomainDisks {
  /** The disks whose image is `path` (or, given `volume`, that name it by pool and volume). */
  using(path: string, volume?: DisksUsingOptions["volume"]): DiskInUse[];
}

/** Reads the running domains' documents (with `stopped`, the stopped domains' too) for {@link DomainDisks}. */
export async function readDomainDisks(conn: LibvirtConnection, stopped = false): Promise<DomainDisks> {
  const domains = await conn.domains.listAll(stopped ? DomainListFlags.Active | DomainListFlags.Inactive : DomainListFlags.Active);
  // A domain undefined meanwhile uses nothing.
  const docs = await Promise.all(domains.map(async (dom) => ({ dom, xml: await unlessGone(conn.domains.xmlDesc(dom)) })));
  const disks = docs.flatMap(({ dom, xml }) =>
    xml === undefined ? [] : parseDomainXml(xml).devices.flatMap((d) => (d.kind === "disk" ? [{ dom, disk: d }] : [])),
  );
  return {
    using: (path, volume) =>
      disks.filter(({ disk }) => uses(disk, path, volume)).map(({ dom, disk }) => ({ dom, target: disk.target.dev })),
  };
}

/**
 * The running domains' disks whose image is `path` (and, with `stopped`, the stopped domains'
 * too). QEMU holds such an image open and locked, so it can only be resized through the domain
 * (which also tells the guest its new size), and must not be deleted under it.
 */
export async function disksUsing(conn: LibvirtConnection, path: string, options: DisksUsingOptions = {}): Promise<DiskInUse[]> {
  return (await readDomainDisks(conn, options.stopped)).using(path, options.volume);
}
