import { asLibvirtStoresPath } from "../../xml";
import type { ValuesOf } from "../common/fields";
import type { SpecBase } from "../common/kindDefinition";
import type { poolFields } from "./fields";

/** Validated pool inputs. */
export interface PoolSpec extends SpecBase, ValuesOf<typeof poolFields> {}

/** The spec from the fields' values: the path in libvirt's spelling (the rule table's), so `/srv/images/` is no reason to replace the pool. */
export function poolSpecOf(values: ValuesOf<typeof poolFields>): Omit<PoolSpec, "connection"> {
  return { ...values, path: asLibvirtStoresPath(values.path) };
}
