/**
 * What differs between the domain a program means and one of libvirt's
 * readings of it (the persistent definition, or the running domain), with
 * each difference named by the input property a user wrote and tagged with
 * its kind of change, whose remedy (and whether it is looked for in this
 * reading at all) the remedy table in `remedies.ts` gives.
 *
 * Scalars and the fixed devices go through the shared comparison (its rule
 * table removes what libvirt adds or shows differently). Disks and network interfaces are paired
 * here by identity, target device and MAC address, because these are what
 * get attached and detached one by one.
 */
import {
  compareDomain,
  Device,
  Difference,
  Disk,
  DiskIotune,
  Domain,
  iotuneElementName,
  IOTUNE_LIMITS,
  keyDevices,
  NetInterface,
  sizeToBytes,
} from "../../xml";
import { METADATA_NAMESPACE } from "./model";
import { comparedIn } from "./remedies";

/** What each kind of change carries beyond its kind. */
export interface VmChangeFields {
  /** The balloon target (`memory`), in bytes. */
  memory: { to: bigint };
  /** The number of online vCPUs. */
  vcpus: { from: number; to: number };
  /** One vCPU's pin: the CPU list it may run on, or every host CPU when `cpuset` is undefined. */
  pin: { vcpu: number; cpuset?: string };
  /** The description text. */
  description: Record<never, never>;
  /** A device to add; `hotpluggable` says whether a running guest can take it. */
  attach: { key: string; device: Device; hotpluggable: boolean };
  /** A device to remove. */
  detach: { key: string; device: Device; hotpluggable: boolean };
  /** A device whose settings a running guest takes in place (a display's password). */
  update: { key: string; device: Device };
  /** A disk's I/O limits (`<iotune>`), by its target; none declared: every limit removed. */
  iotune: { key: string; target: string; iotune: DiskIotune | undefined };
  /** Anything else: a new definition, which a running domain only takes at its next start. */
  definition: Record<never, never>;
}

/** A kind of difference; each has one row in the remedy table (`remedies.ts`). */
export type VmChangeKind = keyof VmChangeFields;

/** How a difference is brought in line: its kind, and what that kind carries. */
export type VmChange<K extends VmChangeKind = VmChangeKind> = { [P in K]: { kind: P } & VmChangeFields[P] }[K];

/** One difference, for messages and for planning. */
export interface VmDifference {
  /** The input property it concerns, e.g. `memory`, `networkInterfaces[1]`. */
  property: string;
  /** What differs, in words. */
  detail: string;
  change: VmChange;
}

/** What naming a difference by input property needs beyond the documents. */
export interface VmNaming {
  /** The program has `xmlOverrides`: differences no input explains come from them. */
  overrides?: boolean;
  /** The guest device name of the cloud-init seed, which is not one of `disks`. */
  seedTarget?: string;
}

/** Shared comparison paths that are exactly one input property. */
const EXACT: Record<string, string> = {
  type: "domainType",
  memory: "maxMemory",
  "vcpu.count": "maxVcpus",
  "cpu.mode": "cpuMode",
  "os.arch": "arch",
  "os.firmware": "firmware",
  "os.machine": "machine",
  "os.kernel": "kernel",
  "os.initrd": "initrd",
  "os.cmdline": "cmdline",
};

/** Other paths, by prefix, in the user's property names (the message keeps the path). */
const PREFIXED: [RegExp, string][] = [
  [/^memory\b/, "maxMemory"],
  [/^vcpu\b/, "maxVcpus"],
  [/^cpu\.topology\b/, "cpu"],
  [/^cpu\b/, "cpuMode"],
  [/^os\.(loader|nvram|<firmware>)/, "firmware"],
  [/^os\b/, "arch"],
  [/^features\b/, "arch"],
  [/^devices\.serials\b/, "serialConsole"],
  [/^devices\.channels\[org\.qemu\.guest_agent\.0\]/, "guestAgent"],
  [/^devices\.graphics\b/, "graphics"],
  [/^devices\.filesystems\b/, "filesystems"],
  [/^devices\.tpms\b/, "tpm"],
  [/memoryBacking/, "filesystems (virtiofs needs shared memory)"],
  [/^devices\.other\[controller:scsi/, "disks (SCSI controller)"],
];

/**
 * The input a path belongs to. What no input produces comes from
 * `xmlOverrides` when the program has some; otherwise it is named by path.
 */
export function propertyOf(path: string, overrides: boolean): string {
  const pin = pinnedVcpuOf(path);
  if (pin !== undefined) return `vcpuPinning[${pin}]`;
  return EXACT[path] ?? PREFIXED.find(([re]) => re.test(path))?.[1] ?? (overrides ? "xmlOverrides" : `(definition) ${path}`);
}

/** The vCPU a comparison path names the pin of (`cputune.vcpupins[1].cpuset`), if it does. */
export function pinnedVcpuOf(path: string): number | undefined {
  const m = /^cputune\.vcpupins\[(\d+)\]/.exec(path);
  return m ? Number(m[1]) : undefined;
}

function describe(d: Difference): string {
  // A display password is a secret: say that it differs, never what it is.
  if (/\.passwd$/.test(d.path)) return d.desired === undefined ? "the host has a password that is not declared" : "differs from the host's";
  if (d.kind === "unexpected") return `the host has ${d.live ?? "an entry"} that is not declared`;
  return `declared ${d.desired ?? "nothing"}, the host has ${d.live ?? "nothing"}`;
}

/** A new display password is set in place (QEMU changes it live), so is a vCPU's pin; everything else takes a new definition. */
function changeOf(d: Difference, desired: Domain): VmChange {
  const vcpu = pinnedVcpuOf(d.path);
  const pin = desired.cputune?.vcpupins?.find((p) => p.vcpu === vcpu);
  if (vcpu !== undefined && pin) return { kind: "pin", vcpu, cpuset: pin.cpuset };
  const m = /^devices\.graphics\[([^\]]+)\]\.passwd$/.exec(d.path);
  if (!m || d.desired === undefined) return { kind: "definition" };
  const device = [...keyDevices(desired.devices)].find(([, { group, key }]) => group === "graphics" && key === m[1])?.[0];
  return device ? { kind: "update", key: `graphics:${m[1]}`, device } : { kind: "definition" };
}

/** The cloud-init seed hash kept in the domain's metadata (see `model.ts`). */
export function seedHashOf(dom: Domain): string | undefined {
  const node = dom.metadata?.find((n) => n.name.endsWith(":cloudinit") && Object.values(n.attrs).includes(METADATA_NAMESPACE));
  return node?.attrs.sha256;
}

const isDisk = (d: Device): d is Disk => d.kind === "disk";
const isNic = (d: Device): d is NetInterface => d.kind === "interface";

/**
 * Everything but disks, interfaces and the values compared on their own.
 * What libvirt shows differently (autoselected firmware, an expanded
 * host-model CPU, …) is left to the shared comparison's rule table.
 */
function core(dom: Domain): Domain {
  // Metadata belongs to whoever wrote it; this provider's own entry is compared on its own.
  const { currentMemory: _current, description: _description, metadata: _metadata, ...rest } = dom;
  const copy: Domain = structuredClone({ ...rest, devices: dom.devices.filter((d) => !isDisk(d) && !isNic(d)) });
  if (copy.vcpu) delete copy.vcpu.current;
  return copy;
}

function diskFields(d: Disk): Record<string, string | boolean | number | undefined> {
  const s = d.source;
  // A pool volume's disk (an iscsi-direct LUN) is the pool and volume it names.
  const file =
    s.type === "file"
      ? s.file
      : s.type === "volume"
        ? `${s.pool ?? ""}/${s.volume ?? ""}`
        : `(${s.type === "other" ? s.diskType : s.type} source)`;
  return {
    device: d.device ?? "disk",
    file,
    format: d.driver?.type ?? "raw",
    bus: d.target.bus,
    readonly: d.readonly === true,
    bootOrder: d.bootOrder,
    cache: d.driver?.cache,
    io: d.driver?.io,
    discard: d.driver?.discard,
  };
}

/** The `<iotune>` limits as libvirt applies them: an absent limit is 0, no limit. */
function limitsOf(d: Disk): Record<string, number> {
  return Object.fromEntries(IOTUNE_LIMITS.map((l) => [iotuneElementName(l), d.iotune?.[l] ?? 0]));
}

function nicFields(n: NetInterface): Record<string, string | number | undefined> {
  const s = n.source;
  const where =
    s.type === "network" ? s.network : s.type === "bridge" ? s.bridge : s.type === "direct" ? `${s.dev} (${s.mode ?? "vepa"})` : undefined;
  return { type: s.type === "other" ? s.interfaceType : s.type, source: where, model: n.model, bootOrder: n.bootOrder };
}

function fieldDiffs(want: Record<string, unknown>, have: Record<string, unknown>): string {
  return Object.keys(want)
    .filter((k) => want[k] !== have[k])
    .map((k) => `${k}: declared ${JSON.stringify(want[k] ?? null)}, the host has ${JSON.stringify(have[k] ?? null)}`)
    .join("; ");
}

/** Compares the disks by target and the interfaces by MAC. */
function deviceDiffs(desired: Domain, actual: Domain, out: VmDifference[], seedTarget: string | undefined): void {
  const scsiReady = actual.devices.some((d) => d.kind === "other" && d.node.name === "controller" && d.node.attrs.type === "scsi");
  const hotDisk = (d: Disk) => (d.device ?? "disk") === "disk" && (d.target.bus === "virtio" || (d.target.bus === "scsi" && scsiReady));
  const haveDisks = new Map(actual.devices.filter(isDisk).map((d) => [d.target.dev, d]));
  const wantDisks = desired.devices.filter(isDisk);
  wantDisks.forEach((want, i) => {
    const property = want.target.dev === seedTarget ? "cloudInit" : `disks[${i}]`;
    const have = haveDisks.get(want.target.dev);
    const key = `disk:${want.target.dev}`;
    if (!have)
      out.push({
        property,
        detail: `${want.target.dev} is missing on the host`,
        change: { kind: "attach", key, device: want, hotpluggable: hotDisk(want) },
      });
    else {
      const diff = fieldDiffs(diskFields(want), diskFields(have));
      if (diff) out.push({ property, detail: `${want.target.dev}: ${diff}`, change: { kind: "definition" } });
      const limits = fieldDiffs(limitsOf(want), limitsOf(have));
      if (limits) {
        const change: VmChange = { kind: "iotune", key, target: want.target.dev, iotune: want.iotune };
        out.push({ property, detail: `${want.target.dev}: ${limits}`, change });
      }
    }
  });
  const wantTargets = new Set(wantDisks.map((d) => d.target.dev));
  for (const have of actual.devices.filter(isDisk).filter((d) => !wantTargets.has(d.target.dev))) {
    out.push({
      property: "disks",
      detail: `${have.target.dev} is on the host but not declared`,
      change: { kind: "detach", key: `disk:${have.target.dev}`, device: have, hotpluggable: hotDisk(have) },
    });
  }
  const haveNics = new Map(actual.devices.filter(isNic).map((n) => [n.mac?.toLowerCase(), n]));
  const wantNics = desired.devices.filter(isNic);
  wantNics.forEach((want, i) => {
    const property = `networkInterfaces[${i}]`;
    const have = haveNics.get(want.mac);
    const key = `nic:${want.mac}`;
    if (!have)
      out.push({
        property,
        detail: `${want.mac} is missing on the host`,
        change: { kind: "attach", key, device: want, hotpluggable: true },
      });
    else {
      const diff = fieldDiffs(nicFields(want), nicFields(have));
      if (diff) out.push({ property, detail: `${want.mac}: ${diff}`, change: { kind: "definition" } });
    }
  });
  const wantMacs = new Set(wantNics.map((n) => n.mac));
  for (const have of actual.devices.filter(isNic).filter((n) => !wantMacs.has(n.mac?.toLowerCase()))) {
    const mac = have.mac?.toLowerCase() ?? "(no MAC)";
    out.push({
      property: "networkInterfaces",
      detail: `${mac} is on the host but not declared`,
      change: { kind: "detach", key: `nic:${mac}`, device: have, hotpluggable: true },
    });
  }
}

/**
 * The differences between `desired` and `actual`, of the kinds the remedy
 * table compares in that reading.
 * @param opts.running `actual` is the running domain, not the persistent definition
 */
export function compareVm(desired: Domain, actual: Domain, opts: { running: boolean } & VmNaming): VmDifference[] {
  const out: VmDifference[] = compareDomain(core(desired), core(actual)).map((d) => {
    const detail = d.path in EXACT ? describe(d) : `${d.path}: ${describe(d)}`;
    return { property: propertyOf(d.path, opts.overrides === true), detail, change: changeOf(d, desired) };
  });
  const seed = seedHashOf(desired);
  if (seed !== undefined && seed !== seedHashOf(actual)) {
    const had = seedHashOf(actual);
    out.push({
      property: "cloudInit",
      detail: opts.running
        ? `the guest booted with ${had ? `seed ${had.slice(0, 12)}…` : "another seed"}, the seed is now ${seed.slice(0, 12)}…`
        : `the definition names ${had ? `seed ${had.slice(0, 12)}…` : "no seed"}, the seed is now ${seed.slice(0, 12)}…`,
      change: { kind: "definition" },
    });
  }
  // Present on the host but no longer declared: the shared comparison skips what the program leaves unset.
  for (const key of ["kernel", "initrd", "cmdline"] as const) {
    if (desired.os?.[key] === undefined && actual.os?.[key] !== undefined) {
      out.push({
        property: key,
        detail: `the host has ${JSON.stringify(actual.os[key])}, none is declared`,
        change: { kind: "definition" },
      });
    }
  }
  const target = desired.currentMemory === undefined ? undefined : sizeToBytes(desired.currentMemory);
  const balloon = actual.currentMemory === undefined ? undefined : sizeToBytes(actual.currentMemory);
  if (target !== undefined && balloon !== undefined && target !== balloon) {
    const mib = (b: bigint) => `${Number(b) / 1048576} MiB`;
    out.push({
      property: "memory",
      detail: `declared ${mib(target)}, the host has ${mib(balloon)}`,
      change: { kind: "memory", to: target },
    });
  }
  const want = desired.vcpu?.current ?? desired.vcpu?.count ?? 1;
  const have = actual.vcpu?.current ?? actual.vcpu?.count ?? 1;
  if (want !== have)
    out.push({ property: "vcpus", detail: `declared ${want}, the host has ${have}`, change: { kind: "vcpus", from: have, to: want } });
  if ((desired.description ?? "") !== (actual.description ?? "")) {
    out.push({
      property: "description",
      detail: `declared ${JSON.stringify(desired.description ?? "")}, the host has ${JSON.stringify(actual.description ?? "")}`,
      change: { kind: "description" },
    });
  }
  deviceDiffs(desired, actual, out, opts.seedTarget);
  return out.filter((d) => comparedIn(d.change.kind, opts.running ? "running" : "persistent"));
}
