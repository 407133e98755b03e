import type * as pulumi from "@pulumi/pulumi";
import type { ConnectedArgs } from "../common/args";
import type { ArgsOf, OutputsOf } from "../common/fields";
import { isKvmKind, KvmResource, getArguments, GetOptions } from "../common/resource";
import { poolFields } from "./fields";

/** Inputs of a {@link StoragePool}. */
export interface StoragePoolArgs extends ArgsOf<typeof poolFields>, ConnectedArgs {}

// The outputs Pulumi sets on the instance, typed from the field table.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface StoragePool extends OutputsOf<typeof poolFields> {}

/** A libvirt storage pool. */
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
