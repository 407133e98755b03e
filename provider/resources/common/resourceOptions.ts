import type * as pulumi from "@pulumi/pulumi";

/**
 * Resource options every resource of this package gets: the `connection`
 * output is secret, since it may hold key text or a password.
 */
export function withSecretConnection(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: ["connection", ...(opts?.additionalSecretOutputs ?? [])] };
}
