import type * as pulumi from "@pulumi/pulumi";
import type { ConnectedArgs } from "../common/args";
import type { ArgsOf, OutputsOf } from "../common/fields";
import { isKvmKind, KvmResource, getArguments, GetOptions } from "../common/resource";
import { cloudInitDiskFields } from "./fields";

/** Inputs of a {@link CloudInitDisk}. */
export interface CloudInitDiskArgs extends ArgsOf<typeof cloudInitDiskFields>, ConnectedArgs {}

// The outputs Pulumi sets on the instance, typed from the field table.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface CloudInitDisk extends OutputsOf<typeof cloudInitDiskFields> {}

/**
 * A cloud-init NoCloud seed: an ISO 9660 image labelled `cidata` holding
 * `user-data`, `meta-data` and optionally `network-config`, written into a
 * raw volume. Attach it to a VM as a CD-ROM or disk by `key`. Content
 * changes rewrite the volume in place and change `sha256`.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class CloudInitDisk extends KvmResource {
  /**
   * Whether `obj` is a CloudInitDisk of this package, made by this copy of it or another one in the
   * same program. (The `isInstance` Pulumi's classes inherit is true of any custom resource.)
   */
  static override isInstance(obj: unknown): obj is CloudInitDisk {
    return isKvmKind(obj, "CloudInitDisk");
  }

  /**
   * @param name the Pulumi resource name
   * @param args the seed's inputs
   * @param opts resource options
   */
  constructor(name: string, args: CloudInitDiskArgs, opts?: pulumi.CustomResourceOptions) {
    super("CloudInitDisk", cloudInitDiskFields, name, { ...args }, opts);
  }

  /**
   * Reads an existing seed without managing it: the stack never changes or deletes it, and
   * `destroy` only forgets it. It is read from its host at every `up`, `preview` and `refresh`,
   * and reports what a seed this stack made reports (`key`, `path`, `sha256` of the whole volume, `sizeBytes`).
   * @param name the Pulumi resource name
   * @param id the seed volume's key (its path, for file volumes) or its path; `key` reports the key either
   *   way. Not its name: that is unique only within its pool.
   * @param opts the host it lives on (`connection`) and resource options
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: GetOptions): CloudInitDisk {
    return new CloudInitDisk(name, ...getArguments<CloudInitDiskArgs>(id, opts));
  }
}
