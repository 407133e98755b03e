import type { Pool, PoolSource, PoolTarget } from "../../xml";
import { chapSecretUsage } from "./chapSecret";
import type { PoolType } from "./fields";
import { ISCSI_DEFAULT_PORT } from "./iscsiFields";
import type { PoolSpec } from "./spec";

/** A type's part of the definition: its `<source>` and `<target>`. */
type TypePart = (spec: PoolSpec) => { source?: PoolSource; target?: PoolTarget };

/**
 * What each pool type writes. Only a type's own inputs are read: stored state
 * also holds `path` as the host reported it for types that do not take it.
 */
const TYPE_PARTS: Record<PoolType, TypePart> = {
  dir: (spec) => ({ target: { path: spec.path } }),
  fs: (spec) => ({
    source: { devices: [{ path: spec.device ?? "" }], format: spec.format ?? "auto" },
    target: { path: spec.path },
  }),
  netfs: (spec) => ({
    source: { hosts: [{ name: spec.host ?? "" }], dir: spec.exportPath, format: spec.format ?? "nfs" },
    target: { path: spec.path },
  }),
  // libvirt derives the target (/dev/<volume group>) and the format (lvm2).
  logical: (spec) => ({
    source: { ...(spec.devices ? { devices: spec.devices.map((path) => ({ path })) } : {}), name: spec.volumeGroup ?? spec.name },
  }),
  // Partitions appear under /dev, which libvirt requires as the target.
  disk: (spec) => ({
    source: { devices: [{ path: spec.device ?? "" }], ...(spec.format ? { format: spec.format } : {}) },
    target: { path: "/dev" },
  }),
  // No target: the LUNs are reached by libvirt's initiator, never through a host path.
  "iscsi-direct": (spec) => ({
    source: {
      hosts: [{ name: spec.host ?? "", port: spec.port ?? ISCSI_DEFAULT_PORT }],
      devices: [{ path: spec.target ?? "" }],
      initiator: { iqn: spec.initiator ?? "" },
      ...(spec.chap ? { auth: { type: "chap", username: spec.chap.username, secret: { usage: chapSecretUsage(spec.name) } } } : {}),
    },
  }),
};

/** The libvirt pool definition a spec means; `uuid` when it is written. */
export function poolModelOf(spec: PoolSpec, uuid?: string): Pool {
  return { type: spec.type, name: spec.name, ...(uuid ? { uuid } : {}), ...TYPE_PARTS[spec.type](spec) };
}
