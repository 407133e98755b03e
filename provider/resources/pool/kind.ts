import { randomUUID } from "node:crypto";
import type { KindDefinition } from "../common/kindDefinition";
import type { PoolRef } from "../../libvirt";
import { createPool, removePool, updatePool } from "./apply";
import { poolDrift, poolReplacements } from "./drift";
import { poolFields, poolUnion } from "./fields";
import { findPool, poolByUuidOrName, lookupPool, PoolLive, readPool } from "./read";
import { PoolSpec, poolSpecOf } from "./spec";

export type { PoolSpec } from "./spec";
export type { PoolLive } from "./read";

/** The StoragePool kind: a pool of one of `POOL_TYPES`, defined, built and started. */
export const poolKind: KindDefinition<typeof poolFields, PoolSpec, PoolLive, PoolRef> = {
  kind: "StoragePool",
  fields: poolFields,
  variants: poolUnion,
  toSpec: poolSpecOf,
  lookup: lookupPool,
  findExisting: (conn, spec) => findPool(conn, spec.name),
  describeExisting: (spec) => `a storage pool named ${JSON.stringify(spec.name)}`,
  replacingDifferences: (_conn, spec, live) => Promise.resolve(poolReplacements(spec, live.state)),
  read: (conn, ref) => readPool(conn, ref),
  drift: poolDrift,
  create: (conn, spec, id) => createPool(conn, spec, id ?? randomUUID()),
  update: (conn, _id, _olds, spec, live) => updatePool(conn, spec, live),
  remove: removePool,

  outputs(spec, live) {
    return {
      uuid: live.id,
      path: live.state.definition.target?.path ?? spec.path ?? "",
      type: spec.type,
      active: live.state.active,
      capacityBytes: Number(live.state.capacity),
      availableBytes: Number(live.state.available),
    };
  },

  existing: {
    by: "UUID or name",
    find: poolByUuidOrName,
    async read(conn, ref) {
      const { id, state } = await readPool(conn, ref);
      return {
        id,
        state: {
          name: ref.name,
          uuid: id,
          // Of any type, which may be one this resource does not create; a pool without a
          // directory (a network block device) has no path.
          type: state.definition.type,
          path: state.definition.target?.path ?? "",
          active: state.active,
          capacityBytes: Number(state.capacity),
          availableBytes: Number(state.available),
        },
      };
    },
  },
};
