import { compareVolume, Volume } from "../../xml";
import { RefusedChangeError } from "../common/errors";
import type { Drift, ReplacingDifference } from "../common/kindDefinition";
import type { Problems } from "../common/problems";
import type { VolumeLive } from "./read";
import type { VolumeSpec } from "./spec";

/** Why a volume never shrinks, and what to do instead. */
const SHRINK_REFUSED = "shrinking would cut off the data at its end; create a new, smaller volume instead";

/** Whether the declared capacity is below `bytes`: with a source it is a minimum, which a larger volume meets. */
function shrinksFrom(spec: VolumeSpec, bytes: bigint | undefined): boolean {
  return spec.source === undefined && spec.capacityBytes !== undefined && bytes !== undefined && spec.capacityBytes < bytes;
}

/** Refuses a capacity below the volume's: shrinking would cut off the data at its end. */
export function assertNoShrink(spec: VolumeSpec, live: VolumeLive): void {
  if (shrinksFrom(spec, live.capacity)) {
    throw new RefusedChangeError(
      `volume ${spec.name}: capacity cannot shrink from ${live.capacity} to ${spec.capacityBytes} bytes: ${SHRINK_REFUSED}`,
    );
  }
}

/** The kind's `checkChange`: a program that lowers the capacity it declared is refused before any host is touched. */
export function checkVolumeChange(olds: VolumeSpec, news: VolumeSpec, problems: Problems): void {
  if (olds.source === undefined && shrinksFrom(news, olds.capacityBytes))
    problems.add("capacity", `cannot shrink from ${olds.capacityBytes} to ${news.capacityBytes} bytes: ${SHRINK_REFUSED}`);
}

/**
 * What only replacing the volume could change: its format. (A capacity below
 * the host's is refused by the update, as for any volume; a `source` is
 * initial content, which an existing volume already has.)
 */
export function volumeReplacements(spec: VolumeSpec, live: VolumeLive): ReplacingDifference[] {
  return volumeDrift(spec, live).some((d) => d.property === "format")
    ? [{ property: "format", declared: spec.format, host: live.format ?? "unknown" }]
    : [];
}

/**
 * What differs between the program and the volume on the host. A volume
 * grown on the host beyond its declared capacity is drift like any other,
 * reported, never thrown: the update refuses the shrink (`assertNoShrink`).
 */
export function volumeDrift(spec: VolumeSpec, live: VolumeLive): Drift[] {
  // With a source the capacity is a minimum: a volume the content made larger is as declared.
  const minimumMet = spec.source !== undefined && spec.capacityBytes !== undefined && live.capacity >= spec.capacityBytes;
  const capacity = spec.capacityBytes === undefined || minimumMet ? undefined : { value: spec.capacityBytes, unit: "bytes" as const };
  const declared: Volume = { name: spec.name, capacity, target: { format: spec.format } };
  const host: Volume = {
    name: spec.name,
    capacity: { value: live.capacity, unit: "bytes" },
    target: live.format === undefined ? undefined : { format: live.format },
  };
  const capacityLine = `is ${live.capacity} bytes on the host, ${spec.capacityBytes} declared`;
  // Compared through the rule table (which knows how libvirt rounds a capacity), each path named as its input;
  // a format the host does not report (`target` missing) is no drift.
  const lines: Record<string, Drift> = {
    capacity: {
      property: "capacity",
      detail: shrinksFrom(spec, live.capacity)
        ? `${capacityLine}: shrinking is refused (${SHRINK_REFUSED}, or declare at least ${live.capacity} bytes)`
        : capacityLine,
    },
    "target.format": { property: "format", detail: `is ${live.format} on the host` },
  };
  return compareVolume(declared, host).flatMap((d) => lines[d.path] ?? []);
}
