/**
 * What the serialized provider loads at call time (see `dynamicProvider.ts`):
 * the stack's connection defaults, set by `configure`, and one handler per
 * resource kind. Every stored state loads this file by its path
 * (`pulumi-kvm/dist/provider/resources/runtime`): it stays here, and that
 * path (with and without `.js`) stays in package.json's `exports`.
 */
import { adapt, KindProvider } from "./common/adapter";
import { connectionDefaultsFromConfig, ConnectionSpec } from "./common/connection";
import type { FieldTable } from "./common/fields";
import type { KindDefinition, SpecBase } from "./common/kindDefinition";
import { KINDS, ResourceKind } from "./kinds";

/** Any kind of the registry, as the adapter drives it. */
type AnyKind = KindDefinition<FieldTable, SpecBase, unknown, unknown>;

let defaults: ConnectionSpec = {};

/**
 * Takes the stack's `kvm:*` configuration as connection defaults.
 * Synchronous on purpose: the provider host may start other calls before
 * it awaits this one, and they must already see the defaults.
 */
export function configure(req: { config: { get(key: string): unknown } }): Promise<void> {
  defaults = connectionDefaultsFromConfig((key) => {
    try {
      return req.config.get(`kvm:${key}`);
    } catch {
      return undefined; // no configuration was sent at all
    }
  });
  return Promise.resolve();
}

const handlers = new Map<ResourceKind, KindProvider>();

/** The provider methods of one resource kind. */
export function handler(kind: ResourceKind): KindProvider {
  let h = handlers.get(kind);
  if (!h) {
    const def: AnyKind = KINDS[kind];
    h = adapt(def, () => defaults);
    handlers.set(kind, h);
  }
  return h;
}
