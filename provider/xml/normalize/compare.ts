/**
 * `normalize…` and `compare…` for each document kind: apply the rule table,
 * then compare by property path with "preserve user intent".
 */
import { Domain } from "../domain/types";
import { Network } from "../network/types";
import { Pool } from "../storage/pool";
import { Volume } from "../storage/volume";
import { DocKind, DocTypes } from "./context";
import { Difference, diffValue } from "./diff";
import { rulesFor } from "./rules";
import { domainView, networkView, poolView, volumeView } from "./views";

const VIEWS: { [K in DocKind]: (doc: DocTypes[K]) => Record<string, unknown> } = {
  domain: domainView,
  network: networkView,
  pool: poolView,
  volume: volumeView,
};

function normalize<K extends DocKind>(kind: K, doc: DocTypes[K], desired: DocTypes[K], role: "live" | "desired"): DocTypes[K] {
  const copy = structuredClone(doc);
  for (const rule of rulesFor(kind)) rule.apply(copy, { role, desired });
  return copy;
}

function compare<K extends DocKind>(kind: K, desired: DocTypes[K], live: DocTypes[K]): Difference[] {
  const d = normalize(kind, desired, desired, "desired");
  const l = normalize(kind, live, desired, "live");
  const out: Difference[] = [];
  diffValue("", VIEWS[kind](d), VIEWS[kind](l), out);
  return out;
}

/**
 * The live domain with everything libvirt added or rewrote (and the user did
 * not declare in `desired`) removed or canonicalized. Inputs are not modified.
 */
export function normalizeDomain(live: Domain, desired: Domain): Domain {
  return normalize("domain", live, desired, "live");
}

/**
 * What the live domain does not mean of the desired one; empty when they
 * agree. Fields `desired` leaves unset are not compared; modelled devices
 * the live domain has beyond the desired ones are reported, unmodelled ones
 * (added by hand) are not.
 */
export function compareDomain(desired: Domain, live: Domain): Difference[] {
  return compare("domain", desired, live);
}

/** The live network, normalized against the desired one (see {@link normalizeDomain}). */
export function normalizeNetwork(live: Network, desired: Network): Network {
  return normalize("network", live, desired, "live");
}

/** Differences between a desired and a live network (see {@link compareDomain}). */
export function compareNetwork(desired: Network, live: Network): Difference[] {
  return compare("network", desired, live);
}

/** The live pool, normalized against the desired one (see {@link normalizeDomain}). */
export function normalizePool(live: Pool, desired: Pool): Pool {
  return normalize("pool", live, desired, "live");
}

/** Differences between a desired and a live pool (see {@link compareDomain}). */
export function comparePool(desired: Pool, live: Pool): Difference[] {
  return compare("pool", desired, live);
}

/** The live volume, normalized against the desired one (see {@link normalizeDomain}). */
export function normalizeVolume(live: Volume, desired: Volume): Volume {
  return normalize("volume", live, desired, "live");
}

/** Differences between a desired and a live volume (see {@link compareDomain}). */
export function compareVolume(desired: Volume, live: Volume): Difference[] {
  return compare("volume", desired, live);
}
