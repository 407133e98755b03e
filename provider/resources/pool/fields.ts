import { In, input, output } from "../common/fields";
import { absolutePath, choice, flag, generatedObjectName, integer, matching } from "../common/fieldTypes";
import { ChapSpec, checkChap, iscsiName, StoragePoolChapArgs } from "./iscsiFields";
import { checkAbsolutePath } from "../common/problems";
import type { VariantUnion } from "../common/variants";

/** Filesystems an `fs` pool mounts (`auto`: whatever the device holds) or, with `build`, makes. */
export const FS_FORMATS = ["auto", "ext2", "ext3", "ext4", "xfs", "vfat"] as const;
/** Protocols of a `netfs` pool. */
export const NETFS_FORMATS = ["nfs", "cifs"] as const;
/** Partition tables of a `disk` pool. */
export const DISK_FORMATS = ["gpt", "dos"] as const;

/**
 * The pool types this resource creates, one row each: the inputs a type
 * requires, the ones it may take, the values its `format` accepts, and
 * whether its volumes are files (any format), block devices (raw only) or a
 * target's LUNs (never created: `volume/apply.ts` refuses a Volume there). Every
 * input named here is declared once in {@link poolFields}; one no type names
 * (`name`, `autostart`, …) belongs to every type. Adding a type is a row here
 * and its part in `model.ts` (see ARCHITECTURE.md, "Adding a pool type").
 */
export const POOL_TYPES = {
  /** A directory on the host. */
  dir: { required: ["path"], optional: [], volumes: "files" },
  /** A block device holding a filesystem, mounted at `path`. */
  fs: { required: ["path", "device"], optional: ["format", "build"], values: { format: FS_FORMATS }, volumes: "files" },
  /** An NFS export or a CIFS share, mounted at `path`. */
  netfs: { required: ["path", "host", "exportPath"], optional: ["format"], values: { format: NETFS_FORMATS }, volumes: "files" },
  /** An LVM volume group: an existing one, or one `build` makes from `devices`. */
  logical: { required: [], optional: ["volumeGroup", "devices", "build"], volumes: "blocks" },
  /** A whole disk whose partitions are the volumes. */
  disk: { required: ["device"], optional: ["format", "build"], values: { format: DISK_FORMATS }, volumes: "blocks" },
  /** An iSCSI target's LUNs, reached by libvirt's own initiator (no kernel iSCSI, no directory); LUNs are never created. */
  "iscsi-direct": { required: ["host", "target", "initiator"], optional: ["port", "chap"], volumes: "luns" },
} as const;

/**
 * What the volumes of a pool of `type` (as the host reports it) are, by its row: `files` in a
 * directory (the pool's own or a mount point), `blocks` (logical volumes, partitions: raw
 * only), or a target's `luns` (never created); undefined for a type this resource does not make.
 */
export function volumesOf(type: string): (typeof POOL_TYPES)[PoolType]["volumes"] | undefined {
  return Object.hasOwn(POOL_TYPES, type) ? POOL_TYPES[type as PoolType].volumes : undefined;
}

/** A pool type this resource creates. */
export type PoolType = keyof typeof POOL_TYPES;

/** The pool types, in table order. */
export const POOL_TYPE_NAMES = Object.keys(POOL_TYPES) as PoolType[];

/** StoragePool's inputs as a union on `type` (see `common/variants.ts`); `dir` when `type` is unset. */
export const poolUnion: VariantUnion = {
  discriminant: "type",
  fallback: "dir",
  variants: POOL_TYPES,
  describe: (type) => `a pool of type ${type}`,
};

/** An LVM volume group name, as `vgcreate` accepts it. */
const VG_NAME = /^(?!-)(?!\.{1,2}$)[A-Za-z0-9+_.-]{1,127}$/;

/**
 * An absolute path; in stored state also "", which a pool without a directory (iscsi-direct)
 * reports as its path, read back as unset.
 */
function poolPath() {
  return input<In<string>, string>((problems, property, value, ctx) => {
    if (!ctx.program && value === "") return undefined;
    return checkAbsolutePath(problems, property, value) ? value : undefined;
  });
}

/** A list of absolute device paths, at least one, each once. */
function devicePaths() {
  return input<In<In<string>[]>, string[]>((problems, property, value) => {
    if (!Array.isArray(value) || value.length === 0) return void problems.add(property, "must be a non-empty list of device paths");
    let ok = true;
    value.forEach((v, i) => (ok = checkAbsolutePath(problems, `${property}[${i}]`, v) && ok));
    if (ok && new Set(value).size !== value.length) return void problems.add(property, "must name each device once");
    return ok ? (value as string[]) : undefined;
  });
}

/** Every input and output of a {@link StoragePool}, declared once; which inputs a type takes is {@link POOL_TYPES}. */
export const poolFields = {
  /** Pool name, unique on the host; the resource's name plus a random suffix when unset. Changing it replaces the pool. */
  name: generatedObjectName("pool").replaces().output("echo"),
  /**
   * Pool type: `"dir"` (the default), `"fs"`, `"netfs"`, `"logical"` or `"disk"`; the inputs
   * each takes are in the README's pool type table. Changing it replaces the pool.
   */
  // As an output, the type the host reports (a pool read by `get` may be of any type).
  type: choice(POOL_TYPE_NAMES).default("dir").replaces().output<"reported", string>("reported"),
  /**
   * dir: the directory that holds the volumes, created when missing; fs, netfs: the mount
   * point, created when missing. As an output, also where a logical or disk pool's volumes
   * appear (`/dev/<volume group>`, `/dev`). Changing it replaces the pool.
   */
  path: poolPath().replaces().output("reported"),
  /** fs: the block device holding the filesystem; disk: the whole disk. Changing it replaces the pool. */
  device: absolutePath().replaces(),
  /** logical: the physical volumes of the volume group (what `build` makes it from). Changing it replaces the pool. */
  devices: devicePaths().replaces(),
  /**
   * fs: the filesystem (`"auto"` by default: whatever the device holds; `build` needs a named one);
   * netfs: `"nfs"` (the default) or `"cifs"`; disk: the partition table, `"gpt"` or `"dos"`
   * (unset: whatever the disk holds). Changing it replaces the pool.
   */
  format: choice([...FS_FORMATS, ...NETFS_FORMATS, ...DISK_FORMATS]).replaces(),
  /** netfs: the file server's host name or address; iscsi-direct: the portal's. Changing it replaces the pool. */
  host: matching(/^[A-Za-z0-9]([A-Za-z0-9.:-]{0,252}[A-Za-z0-9])?$/, "must be a host name or an IP address").replaces(),
  /** netfs: the exported directory (nfs: an absolute path) or the share's name (cifs). Changing it replaces the pool. */
  exportPath: matching(/^[^\x00-\x1f\x7f]{1,1024}$/, "must be 1-1024 characters without control characters").replaces(),
  /** logical: the volume group's name, the pool's name when unset. Changing it replaces the pool. */
  volumeGroup: matching(VG_NAME, "must be an LVM volume group name: 1-127 of A-Z a-z 0-9 + _ . -, not starting with -").replaces(),
  /**
   * fs, logical, disk: let libvirt prepare the device when the pool is created — fs: make the
   * `format` filesystem, never over one the device already holds; logical: make the volume group
   * from `devices`; disk: write a `format` partition table, never over an existing one.
   * false by default: the device is used as it is.
   */
  build: flag(),
  /** iscsi-direct: the portal's TCP port, 3260 when unset. Changing it replaces the pool. */
  port: integer(1, 65535).replaces(),
  /** iscsi-direct: the target's IQN (`iqn.2004-10.com.example:storage`); its LUNs are the pool's volumes. Changing it replaces the pool. */
  target: iscsiName().replaces(),
  /** iscsi-direct: the IQN the host logs in as (the target's ACLs name it). Changing it replaces the pool. */
  initiator: iscsiName().replaces(),
  /**
   * iscsi-direct: the CHAP account the target asks for; secret. The password is kept in a
   * private libvirt secret the pool owns: a new password is set in place; adding, removing
   * or renaming the account replaces the pool.
   */
  chap: input<In<StoragePoolChapArgs>, ChapSpec>(checkChap)
    .secret()
    .replaces((chap) => chap?.username),
  /** Start the pool with the host; true by default. */
  autostart: flag().default(true),
  /** On delete, also delete the volumes the pool still holds; false by default (the delete is refused instead). */
  forceDestroy: flag().default(false),
  /** libvirt's UUID of the pool. */
  uuid: output<string>(),
  /** Whether the pool is running. */
  active: output<boolean>(),
  /** Total size of the pool's storage, in bytes. */
  capacityBytes: output<number>(),
  /** Free space for new volumes, in bytes. */
  availableBytes: output<number>(),
};
