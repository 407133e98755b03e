import * as pulumi from "@pulumi/pulumi";
import type { ConnectedArgs, SizeArg } from "../common/args";
import { withSecretConnection } from "../common/resourceOptions";
import { dynamicProvider } from "../dynamicProvider";

/** Inputs of a {@link Volume}. */
export interface VolumeArgs extends ConnectedArgs {
  /** Name of the storage pool that holds the volume. Changing it replaces the volume. */
  pool: pulumi.Input<string>;
  /** Volume name, unique in its pool. Changing it replaces the volume. */
  name: pulumi.Input<string>;
  /** Size the guest sees. Grows in place; a smaller value is refused. */
  capacity: pulumi.Input<SizeArg>;
  /** Disk format, `"qcow2"` by default. Changing it replaces the volume. */
  format?: pulumi.Input<"qcow2" | "raw">;
}

/** A libvirt storage volume (a disk image in a pool). */
export class Volume extends pulumi.dynamic.Resource {
  /** The volume's file on the host. */
  declare readonly path: pulumi.Output<string>;
  /** libvirt's unique key of the volume (its path, for file volumes). */
  declare readonly key: pulumi.Output<string>;
  /** Size the guest sees, in bytes. */
  declare readonly capacityBytes: pulumi.Output<number>;
  /** Space taken on the host, in bytes. */
  declare readonly allocationBytes: pulumi.Output<number>;
  /** Disk format. */
  declare readonly format: pulumi.Output<string>;

  /**
   * @param name the Pulumi resource name
   * @param args the volume's inputs
   * @param opts resource options
   */
  constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("Volume"),
      name,
      { ...args, path: undefined, key: undefined, capacityBytes: undefined, allocationBytes: undefined, format: args.format },
      withSecretConnection(opts),
      "pulumi-kvm",
      "Volume",
    );
  }
}
