import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "./kinds";

/**
 * The provider object Pulumi serializes into every resource's state.
 *
 * It holds nothing but the kind's name: each method loads the installed
 * package by name when it runs. So the stored text stays a few hundred
 * bytes, never captures a live connection or a credential, and `destroy` or
 * `refresh` of an old stack run with today's code rather than the code that
 * was current when the resource was created.
 */
export function dynamicProvider(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  // One object per kind: Pulumi serializes a provider object once, however many resources share it.
  let provider = providers.get(kind);
  if (!provider) {
    provider = providerOf(kind);
    providers.set(kind, provider);
  }
  return provider;
}

const providers = new Map<ResourceKind, pulumi.dynamic.ResourceProvider>();

/**
 * What `require` returns for the runtime's path: the compiled `runtime.ts`. A type only, so it
 * leaves the compiled methods as they were and adds nothing to what Pulumi captures.
 */
type Runtime = typeof import("./runtime");

/** The provider object itself: it captures the kind's name and nothing else. */
function providerOf(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  return {
    configure: async (req) => (require("pulumi-kvm/dist/provider/resources/runtime") as Runtime).configure(req),
    check: async (olds, news) => (require("pulumi-kvm/dist/provider/resources/runtime") as Runtime).handler(kind).check(olds, news),
    diff: async (id, olds, news) => (require("pulumi-kvm/dist/provider/resources/runtime") as Runtime).handler(kind).diff(id, olds, news),
    create: async (inputs) => (require("pulumi-kvm/dist/provider/resources/runtime") as Runtime).handler(kind).create(inputs),
    read: async (id, props) => (require("pulumi-kvm/dist/provider/resources/runtime") as Runtime).handler(kind).read(id, props),
    update: async (id, olds, news) =>
      (require("pulumi-kvm/dist/provider/resources/runtime") as Runtime).handler(kind).update(id, olds, news),
    delete: async (id, props) => (require("pulumi-kvm/dist/provider/resources/runtime") as Runtime).handler(kind).delete(id, props),
  };
}
