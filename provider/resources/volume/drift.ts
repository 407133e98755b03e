import { compareVolume, Volume } from "../../xml";
import { RefusedChangeError } from "../common/errors";
import type { Drift } from "../common/kindDefinition";
import type { VolumeLive } from "./read";
import type { VolumeSpec } from "./spec";

/** Refuses a capacity below the volume's: shrinking would cut off the data at its end. */
export function assertNoShrink(spec: VolumeSpec, live: VolumeLive): void {
  // With a source the capacity is a minimum: the content may make the volume larger.
  if (spec.source === undefined && spec.capacityBytes !== undefined && spec.capacityBytes < live.capacity) {
    throw new RefusedChangeError(
      `volume ${spec.name}: capacity cannot shrink from ${live.capacity} to ${spec.capacityBytes} bytes: ` +
        `shrinking would cut off the data at its end; create a new, smaller volume instead`,
    );
  }
}

/** What differs between the program and the volume on the host. */
export function volumeDrift(spec: VolumeSpec, live: VolumeLive): Drift[] {
  assertNoShrink(spec, live);
  // With a source the capacity is a minimum: a volume the content made larger is as declared.
  const minimumMet = spec.source !== undefined && spec.capacityBytes !== undefined && live.capacity >= spec.capacityBytes;
  const capacity = spec.capacityBytes === undefined || minimumMet ? undefined : { value: spec.capacityBytes, unit: "bytes" as const };
  const declared: Volume = { name: spec.name, capacity, target: { format: spec.format } };
  const host: Volume = {
    name: spec.name,
    capacity: { value: live.capacity, unit: "bytes" },
    target: live.format === undefined ? undefined : { format: live.format },
  };
  // Compared through the rule table (which knows how libvirt rounds a capacity), each path named as its input;
  // a format the host does not report (`target` missing) is no drift.
  const lines: Record<string, Drift> = {
    capacity: { property: "capacity", detail: `is ${live.capacity} bytes on the host, ${spec.capacityBytes} declared` },
    "target.format": { property: "format", detail: `is ${live.format} on the host` },
  };
  return compareVolume(declared, host).flatMap((d) => lines[d.path] ?? []);
}
