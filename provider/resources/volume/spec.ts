import type { ValuesOf } from "../common/fields";
import type { Problems } from "../common/problems";
import type { SpecBase } from "../common/kindDefinition";
import type { volumeFields } from "./fields";

/** Validated volume inputs; `capacityBytes` is optional with a source, where it is a minimum. */
export interface VolumeSpec extends SpecBase, ValuesOf<typeof volumeFields> {
  /** The `sha256` output kept in state, carried over by in-place updates. */
  storedSha256?: string;
}

/** The spec from the fields' values: a capacity or a source, and the stored checksum carried over. */
export function volumeSpecOf(
  values: ValuesOf<typeof volumeFields>,
  problems: Problems,
  inputs: Readonly<Record<string, unknown>>,
): Omit<VolumeSpec, "connection"> | undefined {
  if (values.capacityBytes === undefined && values.source === undefined) return void problems.add("capacity", "is required");
  return { ...values, storedSha256: typeof inputs.sha256 === "string" ? inputs.sha256 : undefined };
}
