import { randomUUID } from "node:crypto";
import type { DomainRef } from "../../libvirt";
import type { KindDefinition } from "../common/kindDefinition";
import { createVm, removeVm, updateVm } from "./apply";
import { driftOf, programPlan, vmReplacements } from "./drift";
import { vmFields } from "./fields";
import { vmHostMove } from "./hostMove";
import { checkHostChange } from "./hostMoveRules";
import { pendingRestartOf, planVm } from "./plan";
import { usableAddresses } from "./power";
import { findVm, vmByUuidOrName, lookupVm, readVm, stateName, VmLive } from "./read";
import { VmSpec, vmSpecOf } from "./spec";

/** The VirtualMachine kind: a libvirt domain, kept converged, live where libvirt allows. */
export const vmKind: KindDefinition<typeof vmFields, VmSpec, VmLive, DomainRef> = {
  kind: "VirtualMachine",
  fields: vmFields,
  toSpec: vmSpecOf,
  lookup: lookupVm,
  findExisting: (conn, spec) => findVm(conn, spec.name),
  describeExisting: (spec) => `a virtual machine (domain) named ${JSON.stringify(spec.name)}`,
  replacingDifferences: (_conn, spec, live) => Promise.resolve(vmReplacements(spec, live.state)),
  read: readVm,
  drift: (spec, live) => driftOf(spec, live.ref.uuid, live),
  // A restart done by hand clears a pending restart: the next run stores that.
  reportedOutputs: ["pendingRestart"],
  create: (conn, spec, id) => createVm(conn, spec, id ?? randomUUID()),
  update: updateVm,
  remove: removeVm,
  hostMove: vmHostMove,
  checkChange: checkHostChange,

  outputs(spec, live) {
    const s = live.state;
    const plan = programPlan(spec, live.id, s);
    return {
      uuid: live.id,
      state: stateName(s.state),
      ipAddresses: usableAddresses(s.addresses),
      macAddresses: spec.nics.map((n) => n.mac),
      pendingRestart: s.running !== undefined && pendingRestartOf(plan, s.liveCallsMade),
    };
  },

  existing: {
    by: "UUID or name",
    find: vmByUuidOrName,
    async read(conn, ref) {
      const { id, state: s } = await readVm(conn, ref);
      // Without a program, the persistent definition is what the running domain is held to.
      const plan = planVm(s.config, s.config, s.running);
      return {
        id,
        state: {
          name: ref.name,
          uuid: id,
          state: stateName(s.state),
          ipAddresses: usableAddresses(s.addresses),
          macAddresses: s.config.devices.flatMap((d) => (d.kind === "interface" && d.mac !== undefined ? [d.mac] : [])),
          pendingRestart: s.running !== undefined && pendingRestartOf(plan),
        },
      };
    },
  },
};
