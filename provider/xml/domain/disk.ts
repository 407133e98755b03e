/**
 * `<disk>`: file, block and storage-volume backed disks and CD-ROMs.
 * Other disk types (network, dir, nvme, …) keep their source unmodelled.
 */
import { XmlExtra, XmlNode, element, withExtra } from "../node";
import { ElementReader, compact, putExtra } from "../reader";
import { DeviceCommon, commonNodes, readCommon } from "./common";

/** Where the disk's data comes from; `type` is the disk's `type` attribute. */
export type DiskSource =
  | { type: "file"; file?: string; extra?: XmlExtra }
  | { type: "block"; dev?: string; extra?: XmlExtra }
  | { type: "volume"; pool?: string; volume?: string; mode?: "host" | "direct"; extra?: XmlExtra }
  /** Any other disk type; the `<source>` element is kept whole in `extra`. */
  | { type: "other"; diskType: string; extra?: XmlExtra };

/** Guest-visible bus of a disk. */
export type DiskBus = "virtio" | "scsi" | "ide" | "sata" | "usb" | "fdc" | "sd" | "xen";

/**
 * The limits of `<iotune>` this model names, by libvirt's element names in
 * camelCase (`total_iops_sec` → `totalIopsSec`); each a per-second count,
 * absent meaning no limit (libvirt writes no element for 0). A total and its
 * read/write pair are exclusive: libvirt refuses both.
 */
export const IOTUNE_LIMITS = ["totalBytesSec", "readBytesSec", "writeBytesSec", "totalIopsSec", "readIopsSec", "writeIopsSec"] as const;

/** One limit of {@link IOTUNE_LIMITS}. */
export type IotuneLimit = (typeof IOTUNE_LIMITS)[number];

/** `<iotune>`: the disk's I/O limits; its other children (`*_max`, `group_name`, …) stay in `extra`. */
export type DiskIotune = { [K in IotuneLimit]?: number } & { extra?: XmlExtra };

/** An iotune limit's element name: `totalIopsSec` → `total_iops_sec`. */
export function iotuneElementName(limit: IotuneLimit): string {
  return limit.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A `<disk>` device. */
export interface Disk extends DeviceCommon {
  kind: "disk";
  source: DiskSource;
  /** `disk` when absent. */
  device?: "disk" | "cdrom" | "floppy" | "lun";
  /** `<driver name='qemu' type='qcow2' …/>`. */
  driver?: { name?: string; type?: string; cache?: string; io?: string; discard?: string; extra?: XmlExtra };
  /** Guest device name (`vda`, `sdb`) – the disk's identity – and its bus. */
  target: { dev: string; bus?: DiskBus; extra?: XmlExtra };
  /** `<iotune>`: I/O limits. */
  iotune?: DiskIotune;
  readonly?: boolean;
  shareable?: boolean;
  serial?: string;
  /** Per-device boot order (`<boot order='1'/>`). */
  bootOrder?: number;
}

const BUSES: readonly DiskBus[] = ["virtio", "scsi", "ide", "sata", "usb", "fdc", "sd", "xen"];

function readSource(type: string, r: ElementReader): DiskSource {
  const src = r.sub("source");
  const withRest = <T extends object>(s: T): T & { extra?: XmlExtra } => (src ? putExtra(compact(s), src) : compact(s));
  switch (type) {
    case "file":
      return withRest({ type, file: src?.attr("file") });
    case "block":
      return withRest({ type, dev: src?.attr("dev") });
    case "volume":
      return withRest({
        type,
        pool: src?.attr("pool"),
        volume: src?.attr("volume"),
        mode: src?.enumAttr("mode", ["host", "direct"] as const),
      });
    default:
      return withRest({ type: "other", diskType: type });
  }
}

function readIotune(r: ElementReader): DiskIotune {
  const tune: DiskIotune = {};
  for (const limit of IOTUNE_LIMITS) {
    const value = r.childInt(iotuneElementName(limit));
    if (value !== undefined) tune[limit] = value;
  }
  return putExtra(tune, r);
}

function iotuneNode(t: DiskIotune): XmlNode {
  const limits = IOTUNE_LIMITS.map((l) => (t[l] === undefined ? undefined : element(iotuneElementName(l), {}, [], String(t[l]))));
  return withExtra(element("iotune", {}, limits), t.extra);
}

/** Reads a `<disk>` element. */
export function parseDisk(node: XmlNode): Disk {
  const r = new ElementReader(node);
  const type = r.attr("type") ?? "file";
  const disk: Disk = {
    kind: "disk",
    source: readSource(type, r),
    device: r.enumAttr("device", ["disk", "cdrom", "floppy", "lun"] as const),
    target: { dev: "" },
  };
  const drv = r.sub("driver");
  if (drv) {
    disk.driver = putExtra(
      compact({
        name: drv.attr("name"),
        type: drv.attr("type"),
        cache: drv.attr("cache"),
        io: drv.attr("io"),
        discard: drv.attr("discard"),
      }),
      drv,
    );
  }
  const tgt = r.sub("target");
  if (tgt) disk.target = putExtra(compact({ dev: tgt.attr("dev") ?? "", bus: tgt.enumAttr("bus", BUSES) }), tgt);
  const tune = r.sub("iotune");
  if (tune) disk.iotune = readIotune(tune);
  const flag = (name: string) =>
    r.childrenWhere(name, (n) => n.children.length === 0 && Object.keys(n.attrs).length === 0).length > 0 || undefined;
  disk.readonly = flag("readonly");
  disk.shareable = flag("shareable");
  disk.serial = r.childText("serial");
  const [boot] = r.childrenWhere("boot", (n) => Object.keys(n.attrs).join() === "order" && n.children.length === 0);
  if (boot) disk.bootOrder = Number(boot.attrs.order);
  readCommon(r, disk);
  return putExtra(compact(disk), r);
}

function sourceNode(s: DiskSource): XmlNode | undefined {
  const attrs =
    s.type === "file"
      ? { file: s.file }
      : s.type === "block"
        ? { dev: s.dev }
        : s.type === "volume"
          ? { pool: s.pool, volume: s.volume, mode: s.mode }
          : {};
  const node = withExtra(element("source", attrs), s.extra);
  // A CD-ROM without media has no <source> at all.
  return Object.keys(node.attrs).length > 0 || node.children.length > 0 ? node : undefined;
}

/** Builds a `<disk>` element. */
export function buildDisk(d: Disk): XmlNode {
  const type = d.source.type === "other" ? d.source.diskType : d.source.type;
  const driver = d.driver
    ? withExtra(
        element("driver", { name: d.driver.name, type: d.driver.type, cache: d.driver.cache, io: d.driver.io, discard: d.driver.discard }),
        d.driver.extra,
      )
    : undefined;
  const node = element("disk", { type, device: d.device }, [
    driver,
    sourceNode(d.source),
    withExtra(element("target", { dev: d.target.dev, bus: d.target.bus }), d.target.extra),
    d.iotune ? iotuneNode(d.iotune) : undefined,
    d.bootOrder !== undefined ? element("boot", { order: d.bootOrder }) : undefined,
    d.readonly ? element("readonly") : undefined,
    d.shareable ? element("shareable") : undefined,
    d.serial !== undefined ? element("serial", {}, [], d.serial) : undefined,
    ...commonNodes(d),
  ]);
  return withExtra(node, d.extra);
}
