import type { Drift, ReplacingDifference } from "../common/kindDefinition";
import type { VmDifference } from "./compare";
import { missingVolumes } from "./disks";
import { keptUefiOs } from "./firmware";
import { domainModelOf } from "./model";
import { namingOf, planVm, VmPlan } from "./plan";
import type { VmLive } from "./read";
import type { VmSpec } from "./spec";

const plans = new WeakMap<VmSpec, WeakMap<VmLive, VmPlan>>();

/**
 * What bringing the live VM to the program takes. A diff needs it twice, for the drift and
 * for the `pendingRestart` output, and comparing two domain documents is the costliest
 * part of a VM's diff: it is made once per program and read.
 */
export function programPlan(spec: VmSpec, id: string, live: VmLive): VmPlan {
  let byLive = plans.get(spec);
  if (!byLive) plans.set(spec, (byLive = new WeakMap()));
  let plan = byLive.get(live);
  if (!plan) {
    plan = planVm(domainModelOf(spec, live.disks, id, keptUefiOs(live.config)), live.config, live.running, namingOf(spec));
    byLive.set(live, plan);
  }
  return plan;
}

/**
 * The drift a preview shows: definition, running domain, power state,
 * autostart. A difference found in both the definition and the running VM
 * is one line naming both places.
 */
export function driftOf(spec: VmSpec, id: string, live: VmLive): Drift[] {
  const plan = programPlan(spec, id, live);
  const lines = new Map<string, { property: string; detail: string; where: string[] }>();
  const add = (d: VmDifference, where: string) => {
    const key = `${d.property}\u0000${d.detail}`;
    const line = lines.get(key) ?? { property: d.property, detail: d.detail, where: [] };
    line.where.push(where);
    lines.set(key, line);
  };
  plan.config.forEach((d) => add(d, "in the definition"));
  plan.live.forEach((d) => add(d, "on the running VM: applied live"));
  // With the manual policy a difference only a restart removes is the user's to apply: pendingRestart shows it.
  if (spec.updatePolicy === "restart" && spec.running) plan.restart.forEach((d) => add(d, "on the running VM: it will be restarted"));
  const out: Drift[] = [...lines.values()].map((l) => ({ property: l.property, detail: `${l.detail} (${l.where.join("; ")})` }));
  // A volume removed by hand is reported, never thrown: the rest of the stack still plans (and may create it again).
  out.push(...missingVolumes(live.disks));
  if (spec.running && !live.running) out.push({ property: "running", detail: "the VM is not running on the host" });
  if (!spec.running && live.running) out.push({ property: "running", detail: "the VM is running on the host" });
  if (live.autostart !== spec.autostart) out.push({ property: "autostart", detail: `is ${live.autostart} on the host` });
  return out;
}

/** The firmware a definition boots: UEFI when it asks libvirt for it or names a pflash loader (OVMF), else BIOS. */
function firmwareOf(config: VmLive["config"]): VmSpec["firmware"] {
  return config.os?.firmware === "efi" || config.os?.loader?.type === "pflash" ? "uefi" : "bios";
}

/** What only replacing the VM could change: its hypervisor driver, architecture and firmware. */
export function vmReplacements(spec: VmSpec, live: VmLive): ReplacingDifference[] {
  const out: ReplacingDifference[] = [];
  const compare = (property: string, declared: string, host: string | undefined) => {
    if (host !== undefined && host !== declared) out.push({ property, declared, host });
  };
  compare("domainType", spec.domainType, live.config.type);
  compare("arch", spec.arch, live.config.os?.arch);
  compare("firmware", spec.firmware, firmwareOf(live.config));
  return out;
}
