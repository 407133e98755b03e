import { randomUUID } from "node:crypto";
import type { NetworkRef } from "../../libvirt";
import type { KindDefinition } from "../common/kindDefinition";
import { createNetwork, removeNetwork, updateNetwork } from "./apply";
import { networkDrift, networkReplacements } from "./drift";
import { networkFields } from "./fields";
import { findNetwork, networkByUuidOrName, lookupNetwork, NetworkLive, readNetwork } from "./read";
import { NetworkSpec, networkSpecOf } from "./spec";

export type { NetworkLive } from "./read";

/** The Network kind: a libvirt virtual network, defined and started. */
export const networkKind: KindDefinition<typeof networkFields, NetworkSpec, NetworkLive, NetworkRef> = {
  kind: "Network",
  fields: networkFields,
  toSpec: networkSpecOf,
  lookup: lookupNetwork,
  findExisting: (conn, spec) => findNetwork(conn, spec.name),
  describeExisting: (spec) => `a network named ${JSON.stringify(spec.name)}`,
  replacingDifferences: (_conn, spec, live) => Promise.resolve(networkReplacements(spec, live.state)),
  read: (conn, ref) => readNetwork(conn, ref),
  drift: networkDrift,
  create: (conn, spec, id) => createNetwork(conn, spec, id ?? randomUUID()),
  update: (conn, id, _olds, spec, live) => updateNetwork(conn, id, spec, live),
  remove: (conn, ref) => removeNetwork(conn, ref),

  outputs(spec, live) {
    return { uuid: live.id, bridge: live.state.bridge ?? spec.bridge ?? "", active: live.state.active, mode: spec.mode };
  },

  existing: {
    by: "UUID or name",
    find: networkByUuidOrName,
    async read(conn, ref) {
      const { id, state } = await readNetwork(conn, ref);
      // The forward mode as the host has it, which may be one this resource does not create (`hostdev`, …).
      return {
        id,
        state: { name: ref.name, uuid: id, bridge: state.bridge ?? "", active: state.active, mode: state.definition.forward.mode },
      };
    },
  },
};
