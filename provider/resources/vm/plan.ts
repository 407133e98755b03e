/**
 * Sorting differences by what removes them: a call on the running domain,
 * a new persistent definition, or a restart (which makes the running domain
 * take the definition). Which is which is the remedy table's answer
 * (`remedies.ts`); this file only sorts by it.
 */
import { Domain } from "../../xml";
import { compareVm, VmDifference, VmNaming } from "./compare";
import { comparedIn, fitsLive } from "./remedies";
import type { VmSpec } from "./spec";

/** The differences of one VM, sorted by remedy. */
export interface VmPlan {
  /** Program vs the persistent definition: live calls with CONFIG, then a redefinition for the rest. */
  config: VmDifference[];
  /** Program vs the running domain, fixable while it runs. */
  live: VmDifference[];
  /** Program vs the running domain, fixable only by a restart. */
  restart: VmDifference[];
}

/** True when a running guest can take this difference without a restart (the remedy table's `live.fits`). */
export function appliesLive(d: VmDifference, running: Domain): boolean {
  return fitsLive(d.change, running);
}

/**
 * The differences a live call removes on the running domain, in the order
 * they are applied: first those compared on the definition only (the
 * balloon target), which the running domain cannot show, then `plan.live`.
 */
export function liveCallsOf(plan: VmPlan, running: Domain): VmDifference[] {
  const definitionOnly = plan.config.filter((d) => !comparedIn(d.change.kind, "running") && appliesLive(d, running));
  return [...definitionOnly, ...plan.live];
}

/**
 * Compares the program's domain with the persistent definition and, when
 * the domain runs, with the running domain.
 */
export function planVm(desired: Domain, config: Domain, running: Domain | undefined, naming: VmNaming = {}): VmPlan {
  const plan: VmPlan = { config: compareVm(desired, config, { running: false, ...naming }), live: [], restart: [] };
  if (running) {
    for (const d of compareVm(desired, running, { running: true, ...naming })) (appliesLive(d, running) ? plan.live : plan.restart).push(d);
  }
  return plan;
}

/**
 * Whether a difference of the running domain waits for a restart: one no
 * live call removes. A live difference waits for one only once the live calls
 * were made (`liveCallsMade`): it is then one the running VM refused. Before
 * them (a preview after a NIC was detached by hand) the next update applies
 * it live, and nothing waits for a restart.
 */
export function pendingRestartOf(plan: VmPlan, liveCallsMade = false): boolean {
  return plan.restart.length > 0 || (liveCallsMade && plan.live.length > 0);
}

/** How the differences of this spec's VM are named. */
export function namingOf(spec: VmSpec): VmNaming {
  return {
    overrides: spec.xmlOverrides !== undefined,
    seedTarget: spec.cloudInit ? spec.disks[spec.disks.length - 1]?.target : undefined,
  };
}
