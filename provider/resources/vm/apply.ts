/**
 * Creating, updating and removing a VM. An update brings an existing VM to
 * its spec in place: live calls for what a running guest can take, a new
 * persistent definition for the rest, and a restart when the update policy
 * allows it (the remedy table, `remedies.ts`, says which difference takes
 * which).
 */
import { DomainRef, DomainUndefineFlags, LibvirtConnection } from "../../libvirt";
import { isNotFoundError, LibvirtError } from "../../rpc";
import { defineThenStart } from "../common/defineThenStart";
import { requireVolumes, resolveDisks } from "./disks";
import { buildDomainXml, Domain, withKeptVolumesOf } from "../../xml";
import type { LiveObject } from "../common/kindDefinition";
import { progress } from "../common/progress";
import { keptUefiOs, uefiOsFor } from "./firmware";
import { domainModelOf, machineOf } from "./model";
import type { VmDifference } from "./compare";
import { appliesLive, liveCallsOf, namingOf, pendingRestartOf, planVm, VmPlan } from "./plan";
import { bootVm, stopVm } from "./power";
import { readDefinitions, readVm, VmLive } from "./read";
import { tpmUndefineFlags } from "./tpm";
import { keepingHandAdded } from "./handAdded";
import { applyLive, liveFlags } from "./remedies";
import { withdrawnParts } from "./withdrawn";
import { deleteKeptVolumes, Kept, keptVolumesOn } from "../volume/keep";
import type { VmSpec } from "./spec";

const KIND = "VirtualMachine";
/** Undefine removes UEFI variables and a managed save image too: both belong to the VM (its TPM state: `tpm.ts`). */
export const UNDEFINE_FLAGS = DomainUndefineFlags.Nvram | DomainUndefineFlags.ManagedSave;

/** Defines a VM under `uuid`, sets autostart, boots it when it should run; undone on refusal. */
export async function createVm(conn: LibvirtConnection, spec: VmSpec, uuid: string): Promise<LiveObject<VmLive>> {
  // Everything that can fail without a write comes first: nothing to undo then.
  const disks = requireVolumes(await resolveDisks(conn, spec.disks));
  const uefi = spec.firmware === "uefi" ? await uefiOsFor(conn, spec, machineOf(spec)) : undefined;
  const calls = {
    define: (xml: string) => conn.domains.define(xml),
    isActive: (ref: DomainRef) => conn.domains.isActive(ref),
    destroy: (ref: DomainRef) => conn.domains.destroy(ref),
    undefine: (ref: DomainRef) => conn.domains.undefine(ref, UNDEFINE_FLAGS | tpmUndefineFlags(spec.tpm, true)),
  };
  return defineThenStart(calls, {
    kind: KIND,
    what: "virtual machine",
    name: spec.name,
    uuid,
    xml: buildDomainXml(domainModelOf(spec, disks, uuid, uefi)),
    bringUp: async (ref) => {
      if (spec.autostart) await conn.domains.setAutostart(ref, true);
      if (spec.running) await bootVm(conn, ref, spec);
    },
    readBack: (ref) => readVm(conn, ref, spec),
  });
}

/**
 * Stops a VM (gracefully first) and undefines it with its NVRAM and TPM state, then deletes the
 * volumes kept for it (`volume/keep.ts`); one removed meanwhile is done.
 */
export async function removeVm(conn: LibvirtConnection, ref: DomainRef, spec: VmSpec): Promise<void> {
  let kept: Kept = { volumes: [], pools: [] };
  try {
    kept = await keptVolumesOn(conn, ref);
    await stopVm(conn, ref, spec.name, spec.shutdownTimeoutSeconds);
    progress(KIND, spec.name, "undefining");
    await conn.domains.undefine(ref, UNDEFINE_FLAGS | tpmUndefineFlags(spec.tpm));
  } catch (err) {
    // Removed by someone else meanwhile: what delete wanted.
    if (!isNotFoundError(err)) throw err;
  }
  await deleteKeptVolumes(conn, kept, ref.uuid, { kind: KIND, name: spec.name });
}

/**
 * Applies what the running guest can take (the plan's live calls, then
 * `extra`); a refusal is reported, and the change left to a restart.
 * @returns the differences the running guest refused
 */
async function applyLiveCalls(
  conn: LibvirtConnection,
  spec: VmSpec,
  live: VmLive,
  plan: VmPlan,
  desired: Domain,
  extra: readonly VmDifference[] = [],
): Promise<VmDifference[]> {
  if (!live.running) return [];
  const inDefinition = plan.config.map((d) => d.change);
  const refused: VmDifference[] = [];
  for (const d of [...liveCallsOf(plan, live.running), ...extra]) {
    try {
      await applyLive({ conn, ref: live.ref, desired, flags: liveFlags(d.change, inDefinition, live.config) }, d.change, d.property);
      progress(KIND, spec.name, `${d.property}: applied live (${d.detail})`);
    } catch (err) {
      if (!(err instanceof LibvirtError)) throw err;
      refused.push(d);
      progress(
        KIND,
        spec.name,
        `${d.property}: the running VM refused the live change (${err.message}); it takes effect at the next start`,
      );
    }
  }
  return refused;
}

/** Brings the VM to the spec in place (the kind's `update`); `olds` is the spec of the previous run. */
export async function updateVm(conn: LibvirtConnection, id: string, olds: VmSpec, spec: VmSpec, live: VmLive): Promise<LiveObject<VmLive>> {
  const ref = live.ref;
  const uefi = keptUefiOs(live.config);
  const desired = domainModelOf(spec, requireVolumes(live.disks), id, uefi);
  // Settings the program no longer declares: invisible to the comparison with the host, found by comparing the programs.
  const overrides = olds.xmlOverrides !== undefined || spec.xmlOverrides !== undefined;
  const previous = domainModelOf(olds, live.disks, id, uefi);
  const withdrawnAll = withdrawnParts(previous, desired, overrides);
  // A withdrawn pin the running guest can drop is undone live with the other live changes; the rest takes a new definition.
  const running = live.running;
  const undoneLive = running ? withdrawnAll.filter((d) => d.change.kind === "pin" && appliesLive(d, running)) : [];
  const refused = await applyLiveCalls(conn, spec, live, planVm(desired, live.config, live.running, namingOf(spec)), desired, undoneLive);
  const withdrawn = withdrawnAll.filter((d) => !undoneLive.includes(d) || refused.includes(d));

  let now = await readDefinitions(conn, ref);
  let plan = planVm(desired, now.config, now.running, namingOf(spec));
  if (plan.config.length > 0 || withdrawn.length > 0) {
    const what = [...plan.config, ...withdrawn].map((d) => d.property);
    progress(KIND, spec.name, `writing the new definition (${[...new Set(what)].join(", ")})`);
    // The volumes kept for the domain (`volume/keep.ts`) stay recorded in the new definition.
    await conn.domains.define(buildDomainXml(withKeptVolumesOf(keepingHandAdded(desired, now.config, previous), now.config)));
    now = await readDefinitions(conn, ref);
    plan = planVm(desired, now.config, now.running, namingOf(spec));
    if (now.running) plan.restart.push(...withdrawn);
  }

  if (now.running && spec.running && pendingRestartOf(plan, true)) {
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
  const after = await readVm(conn, ref, spec);
  return { ...after, state: { ...after.state, liveCallsMade: true } };
}
