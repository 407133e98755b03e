import type * as pulumi from "@pulumi/pulumi";
import type { ConnectedArgs } from "../common/args";
import type { ArgsOf, OutputsOf } from "../common/fields";
import { KvmResource } from "../common/resource";
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
   * @param name the Pulumi resource name
   * @param args the pool's inputs
   * @param opts resource options
   */
  constructor(name: string, args: StoragePoolArgs, opts?: pulumi.CustomResourceOptions) {
    super("StoragePool", poolFields, name, { ...args }, opts);
  }
}
