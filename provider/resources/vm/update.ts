/**
 * Bringing an existing VM to its spec in place: live calls for what a
 * running guest can take, a new persistent definition for the rest, and a
 * restart when the update policy allows it.
 */
import { DomainMetadataType, DomainModificationImpact, DomainRef, LibvirtConnection } from "../../libvirt";
import { LibvirtError } from "../../rpc";
import { buildDomainXml, buildXml, Device, Domain, sizeToBytes } from "../../xml";
import { buildDevice } from "../../xml/domain/devices";
import type { Drift, LiveObject } from "../common/kindDefinition";
import { progress } from "../common/progress";
import type { VmDifference } from "./compare";
import { keptUefiOs } from "./firmware";
import { domainModelOf } from "./model";
import { memoryFitsLive, namingOf, pendingRestartOf, planVm, VmPlan } from "./plan";
import { bootVm, stopVm } from "./power";
import { readDefinitions, readVm, VmLive } from "./read";
import { keepingHandAdded } from "./handAdded";
import { withdrawnParts } from "./withdrawn";
import type { VmSpec } from "./spec";

const KIND = "VirtualMachine";
const { Live, Config } = DomainModificationImpact;

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

/**
 * The device as a detach names it: libvirt finds disks by target and
 * interfaces by MAC; the running domain's alias, bus address and host device
 * are left out, since the persistent definition (CONFIG) has none of them.
 */
function detachXml(device: Device): string {
  if (device.kind === "disk")
    return buildXml(buildDevice({ kind: "disk", device: device.device, source: { type: "file" }, target: { dev: device.target.dev } }));
  if (device.kind === "interface") return buildXml(buildDevice({ ...device, alias: undefined, address: undefined, target: undefined }));
  return buildXml(buildDevice(device));
}

/** Whether the persistent definition has the same difference, so one call with LIVE|CONFIG fixes both. */
function configToo(d: VmDifference, plan: VmPlan, config: Domain): boolean {
  const c = d.change;
  return plan.config.some((x) => {
    if (x.change.kind !== c.kind) return false;
    if ((c.kind === "attach" || c.kind === "detach") && (x.change.kind === "attach" || x.change.kind === "detach"))
      return x.change.key === c.key;
    if (c.kind === "update" && x.change.kind === "update") return x.change.key === c.key;
    if (c.kind === "vcpus") return (config.vcpu?.count ?? 0) >= c.to;
    return true;
  });
}

async function applyOne(conn: LibvirtConnection, ref: DomainRef, d: VmDifference, desired: Domain, flags: number): Promise<void> {
  const c = d.change;
  switch (c.kind) {
    case "description":
      return conn.domains.setMetadata(ref, DomainMetadataType.Description, desired.description || undefined, flags);
    case "vcpus":
      return conn.domains.setVcpus(ref, c.to, flags);
    case "attach":
      return conn.domains.attachDevice(ref, buildXml(buildDevice(c.device)), flags);
    case "detach":
      return conn.domains.detachDevice(ref, detachXml(c.device), flags);
    case "update":
      return conn.domains.updateDevice(ref, buildXml(buildDevice(c.device)), flags);
    case "memory":
    case "definition":
      throw new Error(`${d.property}: cannot be applied by a live call`);
  }
}

/** Applies what the running guest can take; a refusal is reported, and the change left to a restart. */
async function applyLive(conn: LibvirtConnection, spec: VmSpec, live: VmLive, plan: VmPlan, desired: Domain): Promise<void> {
  const running = live.running;
  if (!running) return;
  const memory = plan.config.find((d) => d.change.kind === "memory");
  const target = desired.currentMemory ? sizeToBytes(desired.currentMemory) : undefined;
  const steps: [VmDifference, () => Promise<void>][] = plan.live.map((d) => [
    d,
    () => applyOne(conn, live.ref, d, desired, Live | (configToo(d, plan, live.config) ? Config : 0)),
  ]);
  if (memory && target !== undefined && memoryFitsLive(target, running)) {
    steps.unshift([memory, () => conn.domains.setMemory(live.ref, target / 1024n, Live | Config)]);
  }
  for (const [d, run] of steps) {
    try {
      await run();
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
  await applyLive(conn, spec, live, planVm(desired, live.config, live.running, namingOf(spec)), desired);

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
