/** Rule bodies for pools and volumes; named and explained in `rules.ts`. */
import { Permissions } from "../storage/permissions";
import { Pool } from "../storage/pool";
import { Volume } from "../storage/volume";
import { sizeToBytes } from "../size";
import { RuleContext } from "./context";

/** Live: drops the pool uuid when none is declared. */
export function dropPoolUuid(doc: Pool, ctx: RuleContext<Pool>): void {
  if (ctx.role === "live" && ctx.desired.uuid === undefined) delete doc.uuid;
}

/** Both: drops measured capacity, allocation and available. */
export function dropPoolMeasurements(doc: Pool): void {
  delete doc.capacity;
  delete doc.allocation;
  delete doc.available;
}

function trimPermissions(live: Permissions | undefined, want: Permissions | undefined): Permissions | undefined {
  if (!live || !want) return undefined;
  const out: Permissions = { ...live };
  for (const k of ["mode", "owner", "group", "label"] as const) if (want[k] === undefined) delete out[k];
  return out;
}

/**
 * A path as libvirt stores it: repeated and trailing slashes dropped, the
 * root kept (`/srv//images/` is stored as `/srv/images`).
 */
export function asLibvirtStoresPath(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, "/");
  return collapsed.length > 1 ? collapsed.replace(/\/$/, "") : collapsed;
}

/** Both: writes the target path as libvirt stores it. */
export function poolPathAsStored(doc: Pool): void {
  if (doc.target?.path !== undefined) doc.target.path = asLibvirtStoresPath(doc.target.path);
}

/** Live: keeps only the declared permission fields; drops an empty `<source/>`. */
export function dropPoolDefaults(doc: Pool, ctx: RuleContext<Pool>): void {
  if (ctx.role !== "live") return;
  const want = ctx.desired;
  if (doc.target) {
    const perms = trimPermissions(doc.target.permissions, want.target?.permissions);
    if (perms) doc.target.permissions = perms;
    else delete doc.target.permissions;
  }
  // A dir pool is written back with an empty <source/>.
  const s = doc.source;
  if (s && !want.source && Object.keys(s).length === 0) delete doc.source;
}

/** The `<format>` libvirt writes into a pool's source when none is given, by pool type. */
const DEFAULT_POOL_FORMAT: Readonly<Record<string, string>> = { fs: "auto", netfs: "auto", logical: "lvm2", disk: "unknown" };

/** Live: drops a source format that is libvirt's default for the type when none is declared. */
export function dropPoolFormatDefault(doc: Pool, ctx: RuleContext<Pool>): void {
  const s = doc.source;
  if (ctx.role !== "live" || !s || ctx.desired.source?.format !== undefined) return;
  if (s.format !== undefined && s.format === DEFAULT_POOL_FORMAT[doc.type]) delete s.format;
}

/** Live: drops the target libvirt derives for a logical pool when none is declared. */
export function dropDerivedPoolTarget(doc: Pool, ctx: RuleContext<Pool>): void {
  if (ctx.role === "live" && doc.type === "logical" && ctx.desired.target === undefined) delete doc.target;
}

/** Both: drops allocation and physical size. */
export function dropVolumeMeasurements(doc: Volume): void {
  delete doc.allocation;
  delete doc.physical;
}

/** Live: drops key, type, target path, undeclared ownership and timestamps. */
export function dropVolumeDerived(doc: Volume, ctx: RuleContext<Volume>): void {
  if (ctx.role !== "live") return;
  const want = ctx.desired;
  if (want.key === undefined) delete doc.key;
  if (want.type === undefined) delete doc.type;
  for (const which of ["target", "backingStore"] as const) {
    const f = doc[which];
    const w = want[which];
    if (!f) continue;
    if (w?.path === undefined) delete f.path;
    const perms = trimPermissions(f.permissions, w?.permissions);
    if (perms) f.permissions = perms;
    else delete f.permissions;
    if (f.extra && !w?.extra?.children.some((c) => c.name === "timestamps")) {
      f.extra.children = f.extra.children.filter((c) => c.name !== "timestamps");
    }
  }
}

/**
 * libvirt hands qemu-img the capacity in whole KiB, and image formats keep
 * whole 512-byte sectors: either rounding up is the size that was asked for.
 */
const GRAINS = [512n, 1024n];

/** Live: a capacity rounded up to whole KiB or sectors reads as asked. */
export function capacityRounding(doc: Volume, ctx: RuleContext<Volume>): void {
  const want = ctx.desired.capacity;
  if (ctx.role !== "live" || !want || !doc.capacity) return;
  const w = sizeToBytes(want);
  const l = sizeToBytes(doc.capacity);
  if (l !== w && GRAINS.some((g) => l === ((w + g - 1n) / g) * g)) doc.capacity = { ...want };
}
