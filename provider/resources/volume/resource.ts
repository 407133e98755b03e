import type * as pulumi from "@pulumi/pulumi";
import type { ConnectedArgs } from "../common/args";
import type { ArgsOf, OutputsOf } from "../common/fields";
import { isKvmKind, KvmResource, getArguments, GetOptions } from "../common/resource";
import { volumeFields } from "./fields";

/**
 * Where a volume's initial content comes from; set exactly one of the kinds.
 */
export type VolumeSourceArgs =
  | {
      /** Absolute path of a file on the machine that runs Pulumi, streamed into the volume. */
      localPath: pulumi.Input<string>;
      /** Expected SHA-256 (64 hex digits) of the file; a mismatch fails and leaves no volume. */
      sha256?: pulumi.Input<string>;
    }
  | {
      /**
       * An http(s) URL fetched by the machine that runs Pulumi (up to 5 redirects) and streamed
       * into the volume, through the proxy `HTTPS_PROXY` / `HTTP_PROXY` name unless `NO_PROXY`
       * lists the host (lower-case names are read too).
       */
      url: pulumi.Input<string>;
      /** Expected SHA-256 (64 hex digits) of the download; a mismatch fails and leaves no volume. */
      sha256?: pulumi.Input<string>;
      /**
       * Seconds (1–3600, default 60) the server may take to answer, and the download may go
       * without data, before the create fails and leaves no volume. Changing it replaces nothing.
       */
      timeoutSeconds?: pulumi.Input<number>;
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
export interface VolumeArgs extends ArgsOf<typeof volumeFields>, ConnectedArgs {}

// The outputs Pulumi sets on the instance, typed from the field table.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Volume extends OutputsOf<typeof volumeFields> {}

/** A libvirt storage volume (a disk image in a pool). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Volume extends KvmResource {
  /**
   * Whether `obj` is a Volume of this package, made by this copy of it or another one in the
   * same program. (The `isInstance` Pulumi's classes inherit is true of any custom resource.)
   */
  static override isInstance(obj: unknown): obj is Volume {
    return isKvmKind(obj, "Volume");
  }

  /**
   * @param name the Pulumi resource name
   * @param args the volume's inputs
   * @param opts resource options
   */
  constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions) {
    super("Volume", volumeFields, name, { ...args }, opts);
  }

  /**
   * Reads an existing volume without managing it: the stack never changes or deletes it, and
   * `destroy` only forgets it. It is read from its host at every `up`, `preview` and `refresh`,
   * and reports what a volume this stack made reports (`key`, `path`, `format`, `capacityBytes`, …).
   * @param name the Pulumi resource name
   * @param id the volume's key (its path, for file volumes) or its path; `key` reports the key either
   *   way. Not its name: that is unique only within its pool.
   * @param opts the host it lives on (`connection`) and resource options
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: GetOptions): Volume {
    return new Volume(name, ...getArguments<VolumeArgs>(id, opts));
  }
}
