import { comparePool } from "../../xml";
import type { Drift, ReplacingDifference } from "../common/kindDefinition";
import { poolModelOf } from "./model";
import type { PoolLive } from "./read";
import type { PoolSpec } from "./spec";

/** What differs between the program and the pool on the host. */
export function poolDrift(spec: PoolSpec, live: PoolLive): Drift[] {
  // The definition as `create` writes it, against the host's, through the rule table (which knows libvirt's path spelling).
  const host = live.definition;
  // `target` or `target.path` (a host without a target reports the whole element missing) is the `path` input.
  const out: Drift[] = comparePool(poolModelOf(spec), host).map((d) =>
    d.path.startsWith("target")
      ? { property: "path", detail: `is ${host.target?.path ?? "unset"} on the host` }
      : { property: d.path, detail: `is ${d.live ?? "unset"} on the host` },
  );
  if (!live.active) out.push({ property: "active", detail: "the pool is stopped on the host" });
  if (live.autostart !== spec.autostart) out.push({ property: "autostart", detail: `is ${live.autostart} on the host` });
  return out;
}

/** What only replacing the pool could change: its type and its directory (compared as libvirt spells paths). */
export function poolReplacements(spec: PoolSpec, live: PoolLive): ReplacingDifference[] {
  const host = live.definition;
  const out: ReplacingDifference[] = [];
  if (host.type !== spec.type) out.push({ property: "type", declared: spec.type, host: host.type });
  if (poolDrift(spec, live).some((d) => d.property === "path"))
    out.push({ property: "path", declared: spec.path, host: host.target?.path ?? "none" });
  return out;
}
