/**
 * The kind registry: every resource kind this package implements, by the
 * name the serialized provider stores. A new kind is its folder plus one
 * line here.
 */
import { cloudInitDiskKind } from "./cloudInit/kind";
import { networkKind } from "./network/kind";
import { poolKind } from "./pool/kind";
import { vmKind } from "./vm/kind";
import { volumeKind } from "./volume/kind";

/** Kind name → definition. */
export const KINDS = {
  StoragePool: poolKind,
  Volume: volumeKind,
  Network: networkKind,
  VirtualMachine: vmKind,
  CloudInitDisk: cloudInitDiskKind,
} as const;

/** The resource kinds this package implements, as named in the serialized provider. */
export type ResourceKind = keyof typeof KINDS;
