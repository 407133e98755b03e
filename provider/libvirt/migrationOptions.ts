import { MigrateFlags, MigrateParam } from "./enums/migration";
import type { MigrationProgress } from "./migrationProgress";
import { FlagSet } from "./wire/codec";
import { TypedParam, TypedParamType } from "./wire/typedParams";

/** How {@link migrateLive} moves a running domain. */
export interface LiveMigrationOptions {
  /**
   * The definition the destination starts (`destination_xml`): the same guest
   * (same devices, same UUID and name), with host-side details of the
   * destination, such as other disk paths. Default: the source's definition.
   */
  destinationXml?: string;
  /**
   * The persistent definition the destination keeps (`persistent_xml`).
   * Default: `destinationXml` when given (else libvirt would keep the source's
   * persistent definition, with the source's paths), otherwise the source's.
   */
  persistentXml?: string;
  /** Define the domain persistently on the destination (`PERSIST_DEST`); default true. */
  persist?: boolean;
  /** Undefine the domain on the source once it runs on the destination (`UNDEFINE_SOURCE`); default true. */
  undefineSource?: boolean;
  /**
   * The destination's address as the source's hypervisor reaches it (the
   * stream goes host to host, not through this client); the migration URI
   * becomes `tcp://address[:port]`. Default: the destination's hostname, as the
   * destination's libvirt resolves it.
   */
  address?: string;
  /** The destination's port for the stream (needs `address`); default: free one of libvirt's range (49152–49215, `migration_port_min`/`_max` of qemu.conf). */
  port?: number;
  /** The address the destination's hypervisor listens on (`listen_address`); default: libvirt's (`migration_address` of qemu.conf). */
  listenAddress?: string;
  /**
   * Targets (`vda`, …) of the disks whose contents are copied to the
   * destination during the migration (`NON_SHARED_DISK`, `migrate_disks`; QEMU's
   * NBD storage copy). The destination's images should already exist, as large,
   * at the paths the destination XML names (libvirt creates a missing one only
   * when its folder is a storage pool of the destination; otherwise prepare
   * fails). Disks not listed must be on storage both hosts share.
   */
  copyDisks?: readonly string[];
  /** The destination's port for the disk copy (`disks_port`); default: libvirt's choice from its range. */
  disksPort?: number;
  /** The most MiB per second the stream may use (`bandwidth`); default: unlimited. */
  bandwidthMiBps?: number;
  /** Milliseconds the whole migration may take; past it the job is aborted and the domain stays on the source. Default: none. */
  timeoutMs?: number;
  /** Aborts the migration (the domain stays on the source) when signalled before the destination took over. */
  signal?: AbortSignal;
  /** Called with the job's progress while the stream runs; its exceptions are ignored. */
  onProgress?: (progress: MigrationProgress) => void;
  /** Milliseconds between progress reads (and checks of the timeout); default 1000. */
  progressIntervalMs?: number;
  /**
   * Milliseconds the source may take, past the timeout or the abort signal, to end the job; then
   * the migration is given up on (the destination cancelled) without waiting for the source's
   * answer. Default {@link DEFAULT_ABORT_GRACE_MS}.
   */
  abortGraceMs?: number;
}

/** The default of {@link LiveMigrationOptions.progressIntervalMs}. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 1000;
/** The default of {@link LiveMigrationOptions.abortGraceMs}: a job in progress takes an abort within a second or two. */
export const DEFAULT_ABORT_GRACE_MS = 15_000;

const isPort = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 65535;
const isPositiveInteger = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

/** The problems of a set of options, each naming the option and the rule; empty when they are usable. */
export function migrationOptionProblems(o: LiveMigrationOptions): string[] {
  const problems: string[] = [];
  if (o.address !== undefined && !/^[A-Za-z0-9.:_-]+$/.test(o.address))
    problems.push(`address must be a host name or an IP address (letters, digits, '.', ':', '_', '-'), got ${JSON.stringify(o.address)}`);
  if (o.port !== undefined && !isPort(o.port)) problems.push(`port must be an integer from 1 to 65535, got ${o.port}`);
  if (o.port !== undefined && o.address === undefined) problems.push("port needs address: the migration URI names both");
  if (o.listenAddress !== undefined && o.listenAddress.length === 0) problems.push("listenAddress must not be empty");
  if (o.disksPort !== undefined && !isPort(o.disksPort)) problems.push(`disksPort must be an integer from 1 to 65535, got ${o.disksPort}`);
  if (o.disksPort !== undefined && (o.copyDisks ?? []).length === 0) problems.push("disksPort needs copyDisks: no disk is copied");
  for (const d of o.copyDisks ?? [])
    if (!/^[A-Za-z0-9_-]+$/.test(d)) problems.push(`copyDisks must hold disk targets such as "vda", got ${JSON.stringify(d)}`);
  if (new Set(o.copyDisks ?? []).size !== (o.copyDisks ?? []).length) problems.push("copyDisks must not name a disk twice");
  if (o.bandwidthMiBps !== undefined && !isPositiveInteger(o.bandwidthMiBps))
    problems.push(`bandwidthMiBps must be a positive integer, got ${o.bandwidthMiBps}`);
  if (o.timeoutMs !== undefined && !isPositiveInteger(o.timeoutMs))
    problems.push(`timeoutMs must be a positive integer, got ${o.timeoutMs}`);
  if (o.progressIntervalMs !== undefined && !isPositiveInteger(o.progressIntervalMs))
    problems.push(`progressIntervalMs must be a positive integer, got ${o.progressIntervalMs}`);
  if (o.abortGraceMs !== undefined && !isPositiveInteger(o.abortGraceMs))
    problems.push(`abortGraceMs must be a positive integer, got ${o.abortGraceMs}`);
  return problems;
}

/** The migration URI the options name, if any: `tcp://address[:port]`, an IPv6 address in brackets. */
export function migrationUri(o: LiveMigrationOptions): string | undefined {
  if (o.address === undefined) return undefined;
  const host = o.address.includes(":") ? `[${o.address}]` : o.address;
  return o.port === undefined ? `tcp://${host}` : `tcp://${host}:${o.port}`;
}

/** The flags the options ask for (before change protection and the source's pause state are added). */
export function migrationFlags(o: LiveMigrationOptions): FlagSet<MigrateFlags> {
  let flags: number = MigrateFlags.Live;
  if (o.persist ?? true) flags |= MigrateFlags.PersistDest;
  if (o.undefineSource ?? true) flags |= MigrateFlags.UndefineSource;
  if ((o.copyDisks ?? []).length > 0) flags |= MigrateFlags.NonSharedDisk;
  return flags;
}

const stringParam = (field: MigrateParam, value: string): TypedParam => ({ field, type: TypedParamType.String, value });

/** The typed parameters the options ask for, in the order libvirt documents them. */
export function migrationParams(o: LiveMigrationOptions): TypedParam[] {
  const params: TypedParam[] = [];
  const uri = migrationUri(o);
  if (uri !== undefined) params.push(stringParam(MigrateParam.Uri, uri));
  if (o.destinationXml !== undefined) params.push(stringParam(MigrateParam.DestXml, o.destinationXml));
  const persistentXml = o.persistentXml ?? ((o.persist ?? true) ? o.destinationXml : undefined);
  if (persistentXml !== undefined) params.push(stringParam(MigrateParam.PersistXml, persistentXml));
  if (o.bandwidthMiBps !== undefined)
    params.push({ field: MigrateParam.Bandwidth, type: TypedParamType.Ullong, value: BigInt(o.bandwidthMiBps) });
  if (o.listenAddress !== undefined) params.push(stringParam(MigrateParam.ListenAddress, o.listenAddress));
  // A "multiple" parameter: one entry per disk, all with the same name.
  for (const disk of o.copyDisks ?? []) params.push(stringParam(MigrateParam.MigrateDisks, disk));
  if (o.disksPort !== undefined) params.push({ field: MigrateParam.DisksPort, type: TypedParamType.Int, value: o.disksPort });
  return params;
}

/** `params` with the string parameter `field` set to `value` (replacing an earlier one). */
export function withStringParam(params: readonly TypedParam[], field: MigrateParam, value: string): TypedParam[] {
  return [...params.filter((p) => p.field !== field), stringParam(field, value)];
}

/** Whether `params` hold the parameter `field`. */
export function hasParam(params: readonly TypedParam[], field: MigrateParam): boolean {
  return params.some((p) => p.field === field);
}
