/**
 * What the serialized provider loads at call time (see `dynamicProvider.ts`):
 * the stack's connection defaults, set by `configure`, and one handler per
 * resource kind.
 */
import type * as pulumi from "@pulumi/pulumi";
import { adapt } from "./common/adapter";
import { CONNECTION_CONFIG_KEYS, ConnectionSpec } from "./common/connection";
import type { ResourceKind } from "./common/kinds";
import { networkKind } from "./network/kind";
import { poolKind } from "./pool/kind";
import { volumeKind } from "./volume/kind";
import { vmKind } from "./vm/kind";
import { cloudInitDiskKind } from "./cloudInit/kind";

let defaults: ConnectionSpec = {};

/**
 * Takes the stack's `kvm:*` configuration as connection defaults.
 * Synchronous on purpose: the provider host may start other calls before
 * it awaits this one, and they must already see the defaults.
 */
export function configure(req: { config: { get(key: string): unknown } }): Promise<void> {
  const next: Record<string, unknown> = {};
  for (const key of CONNECTION_CONFIG_KEYS) {
    let value: unknown;
    try {
      value = req.config.get(`kvm:${key}`);
    } catch {
      value = undefined; // no configuration was sent at all
    }
    if (value === undefined || value === "") continue;
    next[key] = key === "port" ? Number(value) : key === "agent" && (value === "true" || value === "false") ? value === "true" : value;
  }
  defaults = next as ConnectionSpec;
  return Promise.resolve();
}

const handlers = new Map<ResourceKind, pulumi.dynamic.ResourceProvider>();

/** The provider methods of one resource kind. */
export function handler(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  let h = handlers.get(kind);
  if (!h) {
    const source = () => defaults;
    switch (kind) {
      case "Network":
        h = adapt(networkKind, source);
        break;
      case "StoragePool":
        h = adapt(poolKind, source);
        break;
      case "Volume":
        h = adapt(volumeKind, source);
        break;
      case "VirtualMachine":
        h = adapt(vmKind, source);
        break;
      case "CloudInitDisk":
        h = adapt(cloudInitDiskKind, source);
        break;
    }
    handlers.set(kind, h);
  }
  return h;
}
