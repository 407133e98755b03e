import { compareNetwork, Network } from "../../xml";
import type { Drift, ReplacingDifference } from "../common/kindDefinition";
import { sectionEdits } from "./liveSections";
import { networkModelOf } from "./model";
import type { NetworkLive } from "./read";
import type { NetworkSpec } from "./spec";

/**
 * Differences outside the live-updatable sections (which `sectionEdits`
 * handles): these need the network redefined and restarted.
 */
export function definitionDrift(spec: NetworkSpec, live: Network): Drift[] {
  const desired = networkModelOf(spec);
  // Static hosts and DNS hosts are compared entry by entry elsewhere.
  for (const ip of desired.ips ?? []) if (ip.dhcp) delete ip.dhcp.hosts;
  delete desired.dns;
  return compareNetwork(desired, live)
    .filter((d) => !/\.dhcp\.hosts\b/.test(d.path) && !d.path.startsWith("dns.hosts"))
    .map((d) => ({ property: d.path, detail: `${d.kind}: declared ${d.desired ?? "nothing"}, host has ${d.live ?? "nothing"}` }));
}

/** What only replacing the network could change: its mode, and the bridge when the program names one. */
export function networkReplacements(spec: NetworkSpec, live: NetworkLive): ReplacingDifference[] {
  const out: ReplacingDifference[] = [];
  const mode = live.definition.forward.mode;
  if (mode !== spec.mode) out.push({ property: "mode", declared: spec.mode, host: mode });
  if (spec.bridge !== undefined && live.bridge !== spec.bridge)
    out.push({ property: "bridge", declared: spec.bridge, host: live.bridge ?? "none" });
  return out;
}

/** What differs between the program and the network on the host, and how each difference is applied. */
export function networkDrift(spec: NetworkSpec, live: NetworkLive): Drift[] {
  const out = definitionDrift(spec, live.definition);
  if (out.length > 0) out.push({ property: "(network)", detail: "will be redefined and restarted to apply this" });
  for (const e of sectionEdits(spec, live.definition)) out.push({ property: e.property, detail: `${e.describe} (applied live)` });
  if (!live.active) out.push({ property: "active", detail: "the network is stopped on the host" });
  if (live.autostart !== spec.autostart) out.push({ property: "autostart", detail: `is ${live.autostart} on the host` });
  return out;
}
