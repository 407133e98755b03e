import type { Pool } from "../../xml";
import type { PoolSpec } from "./spec";

/** The libvirt pool definition a spec means; `uuid` when it is written. */
export function poolModelOf(spec: PoolSpec, uuid?: string): Pool {
  return { type: spec.type, name: spec.name, ...(uuid ? { uuid } : {}), target: { path: spec.path } };
}
