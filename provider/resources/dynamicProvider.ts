import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "./common/kinds";

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
  return {
    configure: async (req) => require("pulumi-kvm/dist/provider/resources/runtime").configure(req),
    check: async (olds, news) => require("pulumi-kvm/dist/provider/resources/runtime").handler(kind).check(olds, news),
    diff: async (id, olds, news) => require("pulumi-kvm/dist/provider/resources/runtime").handler(kind).diff(id, olds, news),
    create: async (inputs) => require("pulumi-kvm/dist/provider/resources/runtime").handler(kind).create(inputs),
    read: async (id, props) => require("pulumi-kvm/dist/provider/resources/runtime").handler(kind).read(id, props),
    update: async (id, olds, news) => require("pulumi-kvm/dist/provider/resources/runtime").handler(kind).update(id, olds, news),
    delete: async (id, props) => require("pulumi-kvm/dist/provider/resources/runtime").handler(kind).delete(id, props),
  };
}
