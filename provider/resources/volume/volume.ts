import * as pulumi from "@pulumi/pulumi";
import type { ConnectedArgs, SizeArg } from "../common/args";
import { withSecretConnection } from "../common/resourceOptions";
import { dynamicProvider } from "../dynamicProvider";

/**
 * Where a volume's initial content comes from; set exactly one of the kinds.
 * Changing the source replaces the volume.
 */
export type VolumeSourceArgs =
  | {
      /** Absolute path of a file on the machine that runs Pulumi, streamed into the volume. */
      localPath: pulumi.Input<string>;
      /** Expected SHA-256 (64 hex digits) of the file; a mismatch fails and leaves no volume. */
      sha256?: pulumi.Input<string>;
    }
  | {
      /** An http(s) URL fetched by the machine that runs Pulumi (up to 5 redirects) and streamed into the volume. */
      url: pulumi.Input<string>;
      /** Expected SHA-256 (64 hex digits) of the download; a mismatch fails and leaves no volume. */
      sha256?: pulumi.Input<string>;
    }
  | {
      /** Key or path of a volume to use as the read-only base of a qcow2 copy-on-write overlay. */
      backingVolume: pulumi.Input<string>;
    }
  | {
      /** Key or path of a volume to copy in full. */
      cloneOf: pulumi.Input<string>;
    };

/** Inputs of a {@link Volume}. */
export interface VolumeArgs extends ConnectedArgs {
  /** Name of the storage pool that holds the volume. Changing it replaces the volume. */
  pool: pulumi.Input<string>;
  /** Volume name, unique in its pool. Changing it replaces the volume. */
  name: pulumi.Input<string>;
  /**
   * Size the guest sees. Grows in place; a smaller value is refused. Optional
   * with a `source`, where it is a minimum: the volume is at least as large as
   * the uploaded data or the backing / cloned volume.
   */
  capacity?: pulumi.Input<SizeArg>;
  /** Disk format, `"qcow2"` by default. Changing it replaces the volume. */
  format?: pulumi.Input<"qcow2" | "raw">;
  /** Initial content. Without it the volume starts empty. */
  source?: pulumi.Input<VolumeSourceArgs>;
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
  /** SHA-256 of the data uploaded from `source.localPath` or `source.url`. */
  declare readonly sha256: pulumi.Output<string | undefined>;

  /**
   * @param name the Pulumi resource name
   * @param args the volume's inputs
   * @param opts resource options
   */
  constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("Volume"),
      name,
      {
        ...args,
        path: undefined,
        key: undefined,
        capacityBytes: undefined,
        allocationBytes: undefined,
        format: args.format,
        sha256: undefined,
      },
      withSecretConnection(opts),
      "pulumi-kvm",
      "Volume",
    );
  }
}
