import * as pulumi from "@pulumi/pulumi";
import type { ConnectedArgs } from "../common/args";
import { withSecretConnection } from "../common/resourceOptions";
import { dynamicProvider } from "../dynamicProvider";

/** Inputs of a {@link StoragePool}. */
export interface StoragePoolArgs extends ConnectedArgs {
  /** Pool name, unique on the host. Changing it replaces the pool. */
  name: pulumi.Input<string>;
  /** Pool type; `"dir"` (a directory on the host) is supported. Changing it replaces the pool. */
  type?: pulumi.Input<"dir">;
  /** The directory that holds the pool's volumes; created when missing. Changing it replaces the pool. */
  path: pulumi.Input<string>;
  /** Start the pool with the host; true by default. */
  autostart?: pulumi.Input<boolean>;
  /** On delete, also delete the volumes the pool still holds; false by default (the delete is refused instead). */
  forceDestroy?: pulumi.Input<boolean>;
}

/** A libvirt storage pool. */
export class StoragePool extends pulumi.dynamic.Resource {
  /** Pool name. */
  declare readonly name: pulumi.Output<string>;
  /** The pool's directory on the host. */
  declare readonly path: pulumi.Output<string>;
  /** libvirt's UUID of the pool. */
  declare readonly uuid: pulumi.Output<string>;
  /** Total size of the pool's storage, in bytes. */
  declare readonly capacityBytes: pulumi.Output<number>;
  /** Free space for new volumes, in bytes. */
  declare readonly availableBytes: pulumi.Output<number>;
  /** Whether the pool is running. */
  declare readonly active: pulumi.Output<boolean>;

  /**
   * @param name the Pulumi resource name
   * @param args the pool's inputs
   * @param opts resource options
   */
  constructor(name: string, args: StoragePoolArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("StoragePool"),
      name,
      { ...args, uuid: undefined, capacityBytes: undefined, availableBytes: undefined, active: undefined },
      withSecretConnection(opts),
      "pulumi-kvm",
      "StoragePool",
    );
  }
}
