import { DomainListFlags, DomainRef, LibvirtConnection } from "../../libvirt";
import { parseDomainXml } from "../../xml";

/** A disk of a running domain whose image is a given file. */
export interface DiskInUse {
  /** The domain. */
  dom: DomainRef;
  /** The disk's target in that domain (`vdb`). */
  target: string;
}

/**
 * The running domains' disks whose image is `path`. QEMU holds such an image
 * open and locked, so it can only be resized through the domain (which also
 * tells the guest its new size).
 */
export async function disksUsing(conn: LibvirtConnection, path: string): Promise<DiskInUse[]> {
  const running = await conn.domains.listAll(DomainListFlags.Active);
  const docs = await Promise.all(running.map(async (dom) => ({ dom, doc: parseDomainXml(await conn.domains.xmlDesc(dom)) })));
  return docs.flatMap(({ dom, doc }) =>
    doc.devices.flatMap((d) =>
      d.kind === "disk" && ((d.source.type === "file" && d.source.file === path) || (d.source.type === "block" && d.source.dev === path))
        ? [{ dom, target: d.target.dev }]
        : [],
    ),
  );
}
