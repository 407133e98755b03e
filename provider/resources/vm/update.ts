/**
 * Bringing an existing VM to its spec in place: live calls for what a
 * running guest can take, a new persistent definition for the rest, and a
 * restart when the update policy allows it (the remedy table, `remedies.ts`,
 * says which difference takes which).
 */
import { LibvirtConnection } from "../../libvirt";
import { LibvirtError } from "../../rpc";
import { buildDomainXml, Domain } from "../../xml";
import type { Drift, LiveObject } from "../common/kindDefinition";
import { progress } from "../common/progress";
import type { VmDifference } from "./compare";
import { keptUefiOs } from "./firmware";
import { domainModelOf } from "./model";
import { liveCallsOf, namingOf, pendingRestartOf, planVm, VmPlan } from "./plan";
import { bootVm, stopVm } from "./power";
import { readDefinitions, readVm, VmLive } from "./read";
import { keepingHandAdded } from "./handAdded";
import { applyLive, liveFlags } from "./remedies";
import { withdrawnParts } from "./withdrawn";
import type { VmSpec } from "./spec";

const KIND = "VirtualMachine";

/**
 * The drift a preview shows: definition, running domain, power state,
 * autostart. A difference found in both the definition and the running VM
 * is one line naming both places.
 */
export function driftOf(spec: VmSpec, id: string, live: VmLive): Drift[] {
  const plan = planVm(domainModelOf(spec, live.disks, id, keptUefiOs(live.config)), live.config, live.running, namingOf(spec));
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
  if (spec.running && !live.running) out.push({ property: "running", detail: "the VM is not running on the host" });
  if (!spec.running && live.running) out.push({ property: "running", detail: "the VM is running on the host" });
  if (live.autostart !== spec.autostart) out.push({ property: "autostart", detail: `is ${live.autostart} on the host` });
  return out;
}

/** Applies what the running guest can take; a refusal is reported, and the change left to a restart. */
async function applyLiveCalls(conn: LibvirtConnection, spec: VmSpec, live: VmLive, plan: VmPlan, desired: Domain): Promise<void> {
  if (!live.running) return;
  const inDefinition = plan.config.map((d) => d.change);
  for (const d of liveCallsOf(plan, live.running)) {
    try {
      await applyLive({ conn, ref: live.ref, desired, flags: liveFlags(d.change, inDefinition, live.config) }, d.change, d.property);
      progress(KIND, spec.name, `${d.property}: applied live (${d.detail})`);
    } catch (err) {
      if (!(err instanceof LibvirtError)) throw err;
      progress(
        KIND,
        spec.name,
        `${d.property}: the running VM refused the live change (${err.message}); it takes effect at the next start`,
      );
    }
  }
}

/** Brings the VM to the spec in place (the kind's `update`); `olds` is the spec of the previous run. */
export async function updateVm(conn: LibvirtConnection, id: string, olds: VmSpec, spec: VmSpec, live: VmLive): Promise<LiveObject<VmLive>> {
  const ref = live.ref;
  const uefi = keptUefiOs(live.config);
  const desired = domainModelOf(spec, live.disks, id, uefi);
  await applyLiveCalls(conn, spec, live, planVm(desired, live.config, live.running, namingOf(spec)), desired);

  let now = await readDefinitions(conn, ref);
  let plan = planVm(desired, now.config, now.running, namingOf(spec));
  // Settings the program no longer declares: invisible to the comparison with the host, found by comparing the programs.
  const overrides = olds.xmlOverrides !== undefined || spec.xmlOverrides !== undefined;
  const previous = domainModelOf(olds, live.disks, id, uefi);
  const withdrawn = withdrawnParts(previous, desired, overrides);
  if (plan.config.length > 0 || withdrawn.length > 0) {
    const what = [...plan.config, ...withdrawn].map((d) => d.property);
    progress(KIND, spec.name, `writing the new definition (${[...new Set(what)].join(", ")})`);
    await conn.domains.define(buildDomainXml(keepingHandAdded(desired, now.config, previous)));
    now = await readDefinitions(conn, ref);
    plan = planVm(desired, now.config, now.running, namingOf(spec));
    if (now.running) plan.restart.push(...withdrawn);
  }

  if (now.running && spec.running && pendingRestartOf(plan)) {
    const what = [...new Set([...plan.restart, ...plan.live].map((d) => d.property))].join(", ");
    if (spec.updatePolicy === "restart") {
      progress(KIND, spec.name, `restarting to apply ${what}`);
      await stopVm(conn, ref, spec.name, spec.shutdownTimeoutSeconds);
      await bootVm(conn, ref, spec);
    } else {
      progress(KIND, spec.name, `pending restart: the running VM takes ${what} at its next start (updatePolicy is "manual")`);
    }
  } else if (spec.running && !now.running) {
    await bootVm(conn, ref, spec);
  } else if (!spec.running && now.running) {
    await stopVm(conn, ref, spec.name, spec.shutdownTimeoutSeconds);
  }
  if (live.autostart !== spec.autostart) {
    progress(KIND, spec.name, `autostart ${spec.autostart ? "on" : "off"}`);
    await conn.domains.setAutostart(ref, spec.autostart);
  }
  return readVm(conn, ref, spec);
}
