import { buildVolumeXml } from "../../xml";

/** What a new volume's definition says: its name, format and declared capacity. */
export interface VolumeShape {
  name: string;
  format: "qcow2" | "raw";
  /** Declared capacity; a minimum when a source is larger. */
  capacityBytes?: bigint;
  /** The pool's volumes are block devices (logical, disk): the definition names no format. */
  blocks?: boolean;
}

/** The volume definition to create: `capacity` bytes, and the backing file of an overlay. */
export function volumeXml(v: VolumeShape, capacity: bigint, backing?: { path: string; format?: string }): string {
  return buildVolumeXml({
    name: v.name,
    capacity: { value: capacity, unit: "bytes" },
    // A logical volume or a partition is the device itself; libvirt takes no image format for it.
    ...(v.blocks ? {} : { target: { format: v.format } }),
    ...(backing ? { backingStore: backing } : {}),
  });
}

/** The declared capacity, or `floor` when that is larger (a source's size is the least a volume holds). */
export function atLeast(declared: bigint | undefined, floor: bigint): bigint {
  return declared !== undefined && declared > floor ? declared : floor;
}
