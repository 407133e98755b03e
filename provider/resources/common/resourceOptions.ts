import type * as pulumi from "@pulumi/pulumi";

/**
 * Resource options every resource of this package gets: the `connection`
 * output is secret, since it may hold key text or a password, and so are
 * the kind's own sensitive outputs named in `secretOutputs`.
 */
export function withSecretConnection(
  opts: pulumi.CustomResourceOptions | undefined,
  ...secretOutputs: string[]
): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: ["connection", ...secretOutputs, ...(opts?.additionalSecretOutputs ?? [])] };
}
