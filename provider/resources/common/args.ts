import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "./connection";

export type { ConnectionArgs } from "./connection";
export type { SizeArg } from "./sizeInput";

/** The properties every resource takes: `connection`, and `adopt`. */
export interface ConnectedArgs {
  /**
   * The host this object lives on. Fields left out come from the stack's
   * `kvm:` configuration (e.g. `pulumi config set kvm:host hv1`).
   */
  connection?: pulumi.Input<ConnectionArgs>;
  /**
   * Take over an object of this name that already exists on the host (a
   * volume: in its pool) instead of failing: it becomes this resource, as if
   * created, and is brought to the program in place, live where libvirt
   * allows. Nothing of it is deleted; a difference only a replacement could
   * remove fails the create. Matters only when the resource is created;
   * false by default.
   */
  adopt?: pulumi.Input<boolean>;
}
