import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "./connection";

export type { ConnectionArgs } from "./connection";
export type { SizeArg } from "./sizeInput";

/** The `connection` property every resource takes. */
export interface ConnectedArgs {
  /**
   * The host this object lives on. Fields left out come from the stack's
   * `kvm:` configuration (e.g. `pulumi config set kvm:host hv1`).
   */
  connection?: pulumi.Input<ConnectionArgs>;
}
