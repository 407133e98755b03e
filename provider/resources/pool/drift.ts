import { comparePool } from "../../xml";
import type { Drift } from "../common/kindDefinition";
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
