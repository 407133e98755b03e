/**
 * Sorting differences by what removes them: a call on the running domain,
 * a new persistent definition, or a restart (which makes the running domain
 * take the definition).
 */
import { Domain, sizeToBytes } from "../../xml";
import { compareVm, VmDifference, VmNaming } from "./compare";
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

/**
 * True when a running guest can take this difference without a restart:
 * hotpluggable devices, more vCPUs up to the maximum it booted with (fewer
 * need the guest to give CPUs back, which it may refuse), the description.
 */
export function appliesLive(d: VmDifference, running: Domain): boolean {
  switch (d.change.kind) {
    case "description":
      return true;
    case "vcpus":
      return d.change.to > d.change.from && d.change.to <= (running.vcpu?.count ?? 0);
    case "attach":
    case "detach":
      return d.change.hotpluggable;
    case "update":
      return true;
    case "memory":
    case "definition":
      return false;
  }
}

/** Whether the balloon target can move to `bytes` on the running domain (it cannot exceed the boot-time memory). */
export function memoryFitsLive(bytes: bigint, running: Domain): boolean {
  return running.memory !== undefined && bytes <= sizeToBytes(running.memory);
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

/** Whether the running domain differs from the program in a way only a restart (or a live call still to make) fixes. */
export function pendingRestartOf(plan: VmPlan): boolean {
  return plan.restart.length > 0 || plan.live.length > 0;
}

/** How the differences of this spec's VM are named. */
export function namingOf(spec: VmSpec): VmNaming {
  return {
    overrides: spec.xmlOverrides !== undefined,
    seedTarget: spec.cloudInit ? spec.disks[spec.disks.length - 1]?.target : undefined,
  };
}
