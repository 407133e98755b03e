import * as pulumi from "@pulumi/pulumi";
import type { ConnectedArgs } from "../common/args";
import { withSecretConnection } from "../common/resourceOptions";
import { dynamicProvider } from "../dynamicProvider";

/** Inputs of a {@link CloudInitDisk}. */
export interface CloudInitDiskArgs extends ConnectedArgs {
  /** Name of the storage pool that holds the seed volume. Changing it replaces the disk. */
  pool: pulumi.Input<string>;
  /** Volume name, unique in its pool. Changing it replaces the disk. */
  name: pulumi.Input<string>;
  /** cloud-init user-data (e.g. a `#cloud-config` document). Stored as a secret. */
  userData: pulumi.Input<string>;
  /** cloud-init meta-data (e.g. `instance-id: …` and `local-hostname: …`). */
  metaData: pulumi.Input<string>;
  /** cloud-init network-config, when the guest should not use its defaults. Stored as a secret. */
  networkConfig?: pulumi.Input<string>;
}

/**
 * A cloud-init NoCloud seed: an ISO 9660 image labelled `cidata` holding
 * `user-data`, `meta-data` and optionally `network-config`, written into a
 * raw volume. Attach it to a VM as a CD-ROM or disk by `key`. Content
 * changes rewrite the volume in place and change `sha256`.
 */
export class CloudInitDisk extends pulumi.dynamic.Resource {
  /** The volume's file on the host. */
  declare readonly path: pulumi.Output<string>;
  /** libvirt's unique key of the volume (its path, for file volumes). */
  declare readonly key: pulumi.Output<string>;
  /** SHA-256 of the image on the host, lowercase hex. */
  declare readonly sha256: pulumi.Output<string>;
  /** Size of the image in bytes. */
  declare readonly sizeBytes: pulumi.Output<number>;

  /**
   * @param name the Pulumi resource name
   * @param args the seed's inputs
   * @param opts resource options
   */
  constructor(name: string, args: CloudInitDiskArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("CloudInitDisk"),
      name,
      { ...args, path: undefined, key: undefined, sha256: undefined, sizeBytes: undefined },
      withSecretConnection(opts, "userData", "networkConfig"),
      "pulumi-kvm",
      "CloudInitDisk",
    );
  }
}
