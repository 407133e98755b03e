import { asLibvirtStoresPath } from "../../xml";
import type { ValuesOf } from "../common/fields";
import type { SpecBase } from "../common/kindDefinition";
import type { Problems } from "../common/problems";
import type { poolFields } from "./fields";

/** Validated pool inputs; which are set is the type's row in `POOL_TYPES` (checked before this). */
export interface PoolSpec extends SpecBase, ValuesOf<typeof poolFields> {}

/** Rules across a type's own inputs, each recorded as a problem naming the input. */
function checkAcross(values: ValuesOf<typeof poolFields>, problems: Problems): void {
  const { type, format, build, exportPath } = values;
  if (type === "fs" && build && (format ?? "auto") === "auto")
    problems.add("format", "must name the filesystem to make (ext4, xfs, …) when build is true, not auto");
  if (type === "disk" && build && format === undefined) problems.add("format", "must name the partition table to write when build is true");
  if (type === "logical" && build && values.devices === undefined)
    problems.add("devices", "is required when build is true: the physical volumes to make the volume group from");
  if (type === "netfs" && exportPath !== undefined) {
    if ((format ?? "nfs") === "nfs" && !exportPath.startsWith("/")) problems.add("exportPath", "must be an absolute path for nfs");
    if (format === "cifs" && exportPath.includes("/")) problems.add("exportPath", "must be a share name without '/' for cifs");
  }
}

/**
 * The spec from the fields' values: paths in libvirt's spelling (the rule table's), so
 * `/srv/images/` is no reason to replace the pool.
 */
export function poolSpecOf(values: ValuesOf<typeof poolFields>, problems: Problems): Omit<PoolSpec, "connection"> | undefined {
  checkAcross(values, problems);
  const path = values.path === undefined ? undefined : asLibvirtStoresPath(values.path);
  return { ...values, ...(path === undefined ? {} : { path }) };
}
