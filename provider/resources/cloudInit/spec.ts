import type { ValuesOf } from "../common/fields";
import type { SpecBase } from "../common/kindDefinition";
import type { cloudInitDiskFields } from "./fields";

/** Validated CloudInitDisk inputs. */
export interface CloudInitDiskSpec extends SpecBase, ValuesOf<typeof cloudInitDiskFields> {}

/** The spec from the fields' values. The seed's bytes depend on whether network-config is there at all, so an unset one stays absent. */
export function cloudInitDiskSpecOf({
  networkConfig,
  ...values
}: ValuesOf<typeof cloudInitDiskFields>): Omit<CloudInitDiskSpec, "connection"> {
  return networkConfig === undefined ? values : { ...values, networkConfig };
}
