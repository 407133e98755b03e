import type * as pulumi from "@pulumi/pulumi";
import type { ConnectedArgs } from "../common/args";
import type { ArgsOf, OutputsOf } from "../common/fields";
import type { VariantMemberArgs } from "../common/variants";
import { isKvmKind, KvmResource, getArguments, GetOptions } from "../common/resource";
import { poolFields, PoolType, POOL_TYPES } from "./fields";

/** The inputs of a pool of type `T`: those every pool takes, and the type's own (its row in `POOL_TYPES`). */
type PoolTypeArgs<T extends PoolType> = VariantMemberArgs<ArgsOf<typeof poolFields>, "type", typeof POOL_TYPES, T, "dir"> & ConnectedArgs;

/** Inputs of a `dir` pool (the type when `type` is unset): a directory on the host. */
export interface DirPoolArgs extends PoolTypeArgs<"dir"> {}
/** Inputs of an `fs` pool: a block device holding a filesystem, mounted at `path`. */
export interface FsPoolArgs extends PoolTypeArgs<"fs"> {}
/** Inputs of a `netfs` pool: an NFS export or a CIFS share, mounted at `path`. */
export interface NetfsPoolArgs extends PoolTypeArgs<"netfs"> {}
/** Inputs of a `logical` pool: an LVM volume group. */
export interface LogicalPoolArgs extends PoolTypeArgs<"logical"> {}
/** Inputs of a `disk` pool: a whole disk whose partitions are the volumes. */
export interface DiskPoolArgs extends PoolTypeArgs<"disk"> {}
/** Inputs of an `iscsi-direct` pool: an iSCSI target's LUNs, reached by libvirt's own initiator. */
export interface IscsiDirectPoolArgs extends PoolTypeArgs<"iscsi-direct"> {}

/**
 * Inputs of a {@link StoragePool}, by its `type` (`dir` when unset), e.g.
 * `{ type: "fs", device: "/dev/sdb1", path: "/srv/images" }`.
 */
export type StoragePoolArgs = DirPoolArgs | FsPoolArgs | NetfsPoolArgs | LogicalPoolArgs | DiskPoolArgs | IscsiDirectPoolArgs;

// The outputs Pulumi sets on the instance, typed from the field table.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface StoragePool extends OutputsOf<typeof poolFields> {}

/** A libvirt storage pool: a directory, a mounted block device or network share, an LVM volume group, a whole disk or an iSCSI target. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class StoragePool extends KvmResource {
  /**
   * Whether `obj` is a StoragePool of this package, made by this copy of it or another one in the
   * same program. (The `isInstance` Pulumi's classes inherit is true of any custom resource.)
   */
  static override isInstance(obj: unknown): obj is StoragePool {
    return isKvmKind(obj, "StoragePool");
  }

  /**
   * @param name the Pulumi resource name
   * @param args the pool's inputs
   * @param opts resource options
   */
  constructor(name: string, args: StoragePoolArgs, opts?: pulumi.CustomResourceOptions) {
    super("StoragePool", poolFields, name, { ...args }, opts);
  }

  /**
   * Reads an existing pool without managing it: the stack never changes or deletes it, and
   * `destroy` only forgets it. It is read from its host at every `up`, `preview` and `refresh`,
   * and reports what a pool this stack made reports (`name`, `path`, `type`, `capacityBytes`, …).
   * @param name the Pulumi resource name
   * @param id the pool's UUID, or its name (unique on the host); `uuid` reports the UUID either way
   * @param opts the host it lives on (`connection`) and resource options
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: GetOptions): StoragePool {
    return new StoragePool(name, ...getArguments<StoragePoolArgs>(id, opts));
  }
}
