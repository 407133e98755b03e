import { randomUUID } from "node:crypto";
import { DomainUndefineFlags } from "../../libvirt";
import { isNotFoundError } from "../../rpc";
import { buildDomainXml } from "../../xml";
import type { ConnectionSpec } from "../common/connection";
import type { KindDefinition } from "../common/kindDefinition";
import { progress } from "../common/progress";
import { createTransactionally } from "../common/transaction";
import { resolveDisks } from "./disks";
import { keptUefiOs, uefiOsFor } from "./firmware";
import { domainModelOf, machineOf } from "./model";
import { namingOf, pendingRestartOf, planVm } from "./plan";
import { bootVm, stopVm, usableAddresses } from "./power";
import { lookupVm, readVm, stateName, VmLive } from "./read";
import { parseVmSpec, VM_OUTPUTS, VmSpec } from "./spec";
import { driftOf, updateVm } from "./update";

const KIND = "VirtualMachine";
/** Undefine removes UEFI variables and a managed save image too: both belong to the VM. */
const UNDEFINE_FLAGS = DomainUndefineFlags.Nvram | DomainUndefineFlags.ManagedSave;

/** The VirtualMachine kind. */
export const vmKind: KindDefinition<VmSpec, VmLive> = {
  kind: "VirtualMachine",

  parse: (inputs: Record<string, unknown>, connection: ConnectionSpec) => parseVmSpec(inputs, connection),

  replaceOn(olds, news) {
    // Switching firmware would strand a guest installed for the other one, and the NVRAM file belongs to UEFI only.
    return (["name", "domainType", "arch", "firmware"] as const).filter((k) => olds[k] !== news[k]);
  },

  async read(conn, id, spec) {
    const ref = await lookupVm(conn, id);
    return ref ? readVm(conn, ref, spec) : undefined;
  },

  drift: (spec, live) => driftOf(spec, live.ref.uuid, live),

  // A restart done by hand clears a pending restart: the next run stores that.
  reportedOutputs: ["pendingRestart"],

  async create(conn, spec, id) {
    // Everything that can fail without a write comes first: nothing to undo then.
    const disks = await resolveDisks(conn, spec.disks);
    const uuid = id ?? randomUUID();
    const uefi = spec.firmware === "uefi" ? await uefiOsFor(conn, spec, machineOf(spec)) : undefined;
    const xml = buildDomainXml(domainModelOf(spec, disks, uuid, uefi));
    return createTransactionally("virtual machine", spec.name, uuid, async () => {
      progress(KIND, spec.name, "defining");
      const ref = await conn.domains.define(xml);
      return {
        run: async () => {
          if (spec.autostart) await conn.domains.setAutostart(ref, true);
          if (spec.running) await bootVm(conn, ref, spec);
          return readVm(conn, ref, spec);
        },
        undo: async () => {
          progress(KIND, spec.name, "undoing the definition");
          if (await conn.domains.isActive(ref)) await conn.domains.destroy(ref);
          await conn.domains.undefine(ref, UNDEFINE_FLAGS);
        },
      };
    });
  },

  update: (conn, id, olds, spec, live) => updateVm(conn, id, olds, spec, live),

  async remove(conn, id, spec) {
    const ref = await lookupVm(conn, id);
    if (!ref) return;
    try {
      await stopVm(conn, ref, spec.name, spec.shutdownTimeoutSeconds);
      progress(KIND, spec.name, "undefining");
      await conn.domains.undefine(ref, UNDEFINE_FLAGS);
    } catch (err) {
      // Removed by someone else meanwhile: what delete wanted.
      if (!isNotFoundError(err)) throw err;
    }
  },

  outputNames: VM_OUTPUTS,

  outputs(spec, live) {
    const s = live.state;
    const plan = planVm(domainModelOf(spec, s.disks, live.id, keptUefiOs(s.config)), s.config, s.running, namingOf(spec));
    return {
      uuid: live.id,
      state: stateName(s.state),
      ipAddresses: usableAddresses(s.addresses),
      macAddresses: spec.nics.map((n) => n.mac),
      pendingRestart: s.running !== undefined && pendingRestartOf(plan),
    };
  },
};
