/**
 * THE remedy table for VM changes: for each kind of difference between the
 * program and libvirt's readings of a VM, which reading it is looked for in
 * (the persistent definition, the running domain, or both), whether a
 * running guest can take it without a restart, and the live call that
 * applies it, with its impact flags.
 *
 * What no live call applies takes the restart path: the difference is
 * written into a new persistent definition, and a running domain that still
 * differs is restarted as `updatePolicy` says (or reported as a pending
 * restart). `compare.ts`, `plan.ts` and `update.ts` ask this table; none of
 * them decides live-or-restart on its own.
 */
import { BlockIoTuneParam, DomainMetadataType, DomainModificationImpact, DomainRef, LibvirtConnection } from "../../libvirt";
import { buildDevice, buildXml, Device, DiskIotune, Domain, parseCpuset, sizeToBytes } from "../../xml";
import type { VmChange, VmChangeKind } from "./compare";

/** One of libvirt's readings of a VM. */
export type Reading = "persistent" | "running";

/** What a live call acts on. */
export interface LiveTarget {
  conn: LibvirtConnection;
  ref: DomainRef;
  /** The program's domain, for what a change does not carry (the description text). */
  desired: Domain;
  /** `DomainModificationImpact` flags, as {@link liveFlags} gives them. */
  flags: number;
}

/** How a running guest takes one kind of change. */
export interface LiveRemedy<K extends VmChangeKind> {
  /** Whether the running guest can take this change without a restart. */
  fits(change: VmChange<K>, running: Domain): boolean;
  /**
   * Whether the persistent definition has this difference too (`sameKind`:
   * its differences of this kind): then one call with LIVE|CONFIG removes both.
   */
  alsoInDefinition(change: VmChange<K>, sameKind: readonly VmChange[], config: Domain): boolean;
  /** The call that applies it. */
  apply(target: LiveTarget, change: VmChange<K>): Promise<void>;
}

/** One row of the table: how one kind of difference is brought in line. */
export interface Remedy<K extends VmChangeKind> {
  /** The readings the difference is looked for in. */
  compared: readonly Reading[];
  /** Why the row says what it says. */
  why: string;
  /** The live call, for a guest that can take it; absent: only the restart path removes it. */
  live?: LiveRemedy<K>;
}

/** A row for every kind of change. */
export type RemedyTable = { readonly [K in VmChangeKind]: Remedy<K> };

const BOTH: readonly Reading[] = ["persistent", "running"];

/** Any difference of the kind is the same one in both readings. */
const anyOfKind = (_change: VmChange, sameKind: readonly VmChange[]): boolean => sameKind.length > 0;

/** A device difference is the same one for the same device (disk target, MAC, display type). */
const sameDevice = (change: { key: string }, sameKind: readonly VmChange[]): boolean =>
  sameKind.some((x) => "key" in x && x.key === change.key);

/**
 * The device as a detach names it: libvirt finds disks by target and
 * interfaces by MAC; the running domain's alias, bus address and host device
 * are left out, since the persistent definition (CONFIG) has none of them.
 */
function detachXml(device: Device): string {
  if (device.kind === "disk")
    return buildXml(buildDevice({ kind: "disk", device: device.device, source: { type: "file" }, target: { dev: device.target.dev } }));
  if (device.kind === "interface") return buildXml(buildDevice({ ...device, alias: undefined, address: undefined, target: undefined }));
  return buildXml(buildDevice(device));
}

/** The host CPUs a pin lets its vCPU run on: its list, or every online CPU (which undoes a pin). */
async function pinnedCpus(conn: LibvirtConnection, cpuset: string | undefined): Promise<number[]> {
  if (cpuset === undefined) return conn.onlineCpus();
  const parsed = parseCpuset(cpuset);
  // The list was checked with the inputs: a failure here is a bug, not a user's mistake.
  if (!("cpus" in parsed)) throw new Error(`vcpuPinning: ${parsed.problem}`);
  return parsed.cpus;
}

/** Every limit of `<iotune>` as the block I/O tune call names it; 0 for one not declared, which removes it. */
function blockIoTuneLimits(t: DiskIotune | undefined): Record<BlockIoTuneParam, number> {
  return {
    [BlockIoTuneParam.TotalBytesSec]: t?.totalBytesSec ?? 0,
    [BlockIoTuneParam.ReadBytesSec]: t?.readBytesSec ?? 0,
    [BlockIoTuneParam.WriteBytesSec]: t?.writeBytesSec ?? 0,
    [BlockIoTuneParam.TotalIopsSec]: t?.totalIopsSec ?? 0,
    [BlockIoTuneParam.ReadIopsSec]: t?.readIopsSec ?? 0,
    [BlockIoTuneParam.WriteIopsSec]: t?.writeIopsSec ?? 0,
  };
}

/** The remedy of every kind of VM change. */
export const VM_REMEDIES: RemedyTable = {
  memory: {
    compared: ["persistent"],
    why:
      "The running domain's current memory is what the guest's balloon driver gave back, not the target, so only the definition is compared. " +
      "The balloon moves live up to the memory the guest booted with; a larger target takes the new definition at the next start.",
    live: {
      fits: (change, running) => running.memory !== undefined && change.to <= sizeToBytes(running.memory),
      alsoInDefinition: anyOfKind,
      apply: (t, change) => t.conn.domains.setMemory(t.ref, change.to / 1024n, t.flags),
    },
  },
  vcpus: {
    compared: BOTH,
    why: "More vCPUs come online live, up to the maximum the guest booted with; fewer need the guest to give CPUs back, which it may refuse, so they take a restart.",
    live: {
      fits: (change, running) => change.to > change.from && change.to <= (running.vcpu?.count ?? 0),
      // The definition takes the count only within its own maximum.
      alsoInDefinition: (change, sameKind, config) => sameKind.length > 0 && (config.vcpu?.count ?? 0) >= change.to,
      apply: (t, change) => t.conn.domains.setVcpus(t.ref, change.to, t.flags),
    },
  },
  pin: {
    compared: BOTH,
    why:
      "A vCPU is pinned and unpinned live (virDomainPinVcpuFlags), while it is online; unpinned, it may run on every online host CPU. " +
      "A pin of an offline vCPU takes the new definition at the next start.",
    live: {
      fits: (change, running) => change.vcpu < (running.vcpu?.current ?? running.vcpu?.count ?? 0),
      // Undoing a pin: the definition has it too when it pins the vCPU.
      alsoInDefinition: (change, sameKind, config) =>
        change.cpuset === undefined
          ? (config.cputune?.vcpupins ?? []).some((p) => p.vcpu === change.vcpu)
          : sameKind.some((x) => x.kind === "pin" && x.vcpu === change.vcpu),
      apply: async (t, change) => t.conn.domains.pinVcpu(t.ref, change.vcpu, await pinnedCpus(t.conn, change.cpuset), t.flags),
    },
  },
  description: {
    compared: BOTH,
    why: "The description is metadata: a running domain takes a new one at once.",
    live: {
      fits: () => true,
      alsoInDefinition: anyOfKind,
      apply: (t) => t.conn.domains.setMetadata(t.ref, DomainMetadataType.Description, t.desired.description || undefined, t.flags),
    },
  },
  attach: {
    compared: BOTH,
    why: "NICs, virtio disks and SCSI disks (with a SCSI controller) are hotplugged; other disks take a restart.",
    live: {
      fits: (change) => change.hotpluggable,
      alsoInDefinition: sameDevice,
      apply: (t, change) => t.conn.domains.attachDevice(t.ref, buildXml(buildDevice(change.device)), t.flags),
    },
  },
  detach: {
    compared: BOTH,
    why: "What can be hotplugged can be unplugged; other disks take a restart.",
    live: {
      fits: (change) => change.hotpluggable,
      alsoInDefinition: sameDevice,
      apply: (t, change) => t.conn.domains.detachDevice(t.ref, detachXml(change.device), t.flags),
    },
  },
  update: {
    compared: BOTH,
    why: "A display's new password is set in place: QEMU changes it live.",
    live: {
      fits: () => true,
      alsoInDefinition: sameDevice,
      apply: (t, change) => t.conn.domains.updateDevice(t.ref, buildXml(buildDevice(change.device)), t.flags),
    },
  },
  iotune: {
    compared: BOTH,
    why:
      "A disk's I/O limits are QEMU's throttling of the running drive, which the block I/O tune call changes in place; " +
      "every limit is sent (0 for none), so a removed one is lifted and a total replaces a read/write pair.",
    live: {
      fits: () => true,
      alsoInDefinition: sameDevice,
      apply: (t, change) => t.conn.domains.setBlockIoTune(t.ref, change.target, blockIoTuneLimits(change.iotune), t.flags),
    },
  },
  definition: {
    compared: BOTH,
    why: "Everything else (maxMemory, maxVcpus, the cpu topology, firmware, a changed disk or NIC, a disk's cache, io or discard (libvirt refuses to change them on a running drive), the kernel command line, the cloud-init seed, a TPM added, removed or changed (QEMU has no TPM hotplug), …) only a new definition carries, and a running guest takes it at a restart.",
  },
};

/** The row of a kind, typed to it. */
function rowOf<K extends VmChangeKind>(kind: K): Remedy<K> {
  return VM_REMEDIES[kind];
}

/** Whether differences of this kind are looked for in this reading. */
export function comparedIn(kind: VmChangeKind, reading: Reading): boolean {
  return rowOf(kind).compared.includes(reading);
}

/** Whether the running guest can take the change by a live call. */
export function fitsLive<K extends VmChangeKind>(change: VmChange<K>, running: Domain): boolean {
  return rowOf<K>(change.kind).live?.fits(change, running) ?? false;
}

/**
 * The impact flags of the live call for `change`: LIVE, plus CONFIG when the
 * persistent definition has the same difference (among `inDefinition`), so
 * that one call fixes both and no redefinition is needed for it.
 */
export function liveFlags<K extends VmChangeKind>(change: VmChange<K>, inDefinition: readonly VmChange[], config: Domain): number {
  const { Live, Config } = DomainModificationImpact;
  const sameKind = inDefinition.filter((x) => x.kind === change.kind);
  return Live | (rowOf<K>(change.kind).live?.alsoInDefinition(change, sameKind, config) ? Config : 0);
}

/** Applies the change on the running domain by its row's live call. */
export async function applyLive<K extends VmChangeKind>(target: LiveTarget, change: VmChange<K>, property: string): Promise<void> {
  const live = rowOf<K>(change.kind).live;
  if (!live) throw new Error(`${property}: cannot be applied by a live call`);
  return live.apply(target, change);
}
