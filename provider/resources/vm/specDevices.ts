/**
 * The VM's disks and network interfaces: the checks of their rows in
 * `fields.ts`, and what the kind's spec derives from them with other fields
 * (the cloud-init seed's cdrom, generated MACs, boot orders unique across
 * both). A check's value is used only when no problem was recorded, so each
 * returns a value as soon as its types hold.
 */
import { isMac } from "../common/ip";
import {
  checkAbsolutePath,
  checkBoolean,
  checkEnum,
  checkInteger,
  checkKnownFields,
  checkName,
  isObject,
  listAt,
  Problems,
} from "../common/problems";
import { generatedMac } from "./mac";
import { checkDiskTuning, DISK_TUNING_FIELDS, DiskTuningSpec } from "./specDiskTuning";

/** Guest buses a disk may sit on. */
export const DISK_BUSES = ["virtio", "sata", "scsi", "ide"] as const;
/** What a disk entry is to the guest. */
export const DISK_DEVICES = ["disk", "cdrom"] as const;
/** Image formats a disk may be read as. */
export const DISK_FORMATS = ["raw", "qcow2"] as const;
/** macvtap modes of a `direct` interface. */
export const DIRECT_MODES = ["bridge", "vepa", "private", "passthrough"] as const;

/** A disk bus. */
export type DiskBusName = (typeof DISK_BUSES)[number];

/** One validated disk, with its tuning (`specDiskTuning.ts`). */
export interface DiskSpec extends DiskTuningSpec {
  device: (typeof DISK_DEVICES)[number];
  bus: DiskBusName;
  /** A host path (also a Volume's `path`). */
  path?: string;
  /** A Volume's `key`, resolved to its path on the host. */
  volumeKey?: string;
  /** Unset: the volume's own format when the image belongs to a pool, else raw. */
  format?: (typeof DISK_FORMATS)[number];
  readonly: boolean;
  bootOrder?: number;
  /** Guest device name (`vda`, `sdb`): given, or assigned by position. */
  target: string;
}

/** Where a network interface is plugged. */
export type NicSource =
  | { type: "network"; network: string }
  | { type: "bridge"; bridge: string }
  | { type: "direct"; dev: string; mode: (typeof DIRECT_MODES)[number] };

/** One validated network interface. */
export interface NicSpec {
  source: NicSource;
  /** Lower-case; generated from the VM name and position when not given. */
  mac: string;
  model: string;
  bootOrder?: number;
}

/** One validated network interface as the program gave it: its MAC, when not given, is generated with the VM name ({@link withMacs}). */
export type GivenNic = Omit<NicSpec, "mac"> & { mac?: string };

/** Linux interface names (bridges, macvtap parents). */
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const NIC_MODEL = /^[A-Za-z0-9_-]{1,32}$/;
/** Target names libvirt derives the bus from: vd* virtio, sd* SATA/SCSI, hd* IDE. */
const PREFIX: Record<DiskBusName, string> = { virtio: "vd", sata: "sd", scsi: "sd", ide: "hd" };

/** The n-th device name after a prefix: a…z, aa…zz, as the kernel names disks. */
function deviceName(prefix: string, n: number): string {
  const letters = (i: number): string => (i < 26 ? String.fromCharCode(97 + i) : letters(Math.floor(i / 26) - 1) + letters(i % 26));
  return prefix + letters(n);
}

/** The first name of `bus` not taken yet, then taken. */
function freeTarget(bus: DiskBusName, taken: Set<string>): string {
  let n = 0;
  while (taken.has(deviceName(PREFIX[bus], n))) n++;
  const name = deviceName(PREFIX[bus], n);
  taken.add(name);
  return name;
}

const DISK_FIELDS = ["path", "volumeKey", "device", "bus", "format", "readonly", "bootOrder", "target", ...DISK_TUNING_FIELDS] as const;

/** One disk, its target unset when the program gave none. */
type GivenDisk = Omit<DiskSpec, "target"> & { target?: string };

/** A given target: a device name of the disk's bus that no other disk has. */
function checkTarget(
  problems: Problems,
  property: string,
  target: unknown,
  bus: DiskBusName | undefined,
  taken: Set<string>,
): target is string {
  const prefix = bus === undefined ? "" : PREFIX[bus];
  if (typeof target !== "string" || !/^(vd|sd|hd)[a-z]{1,2}$/.test(target) || !target.startsWith(prefix)) {
    problems.add(property, `must be a device name such as "${prefix || "vd"}b" (vd… for virtio, sd… for sata and scsi, hd… for ide)`);
    return false;
  }
  if (taken.has(target)) {
    problems.add(property, `"${target}" is used by another disk`);
    return false;
  }
  taken.add(target);
  return true;
}

function checkDisk(problems: Problems, at: string, d: unknown, taken: Set<string>): GivenDisk | undefined {
  if (!isObject(d))
    return void problems.add(
      at,
      "must be an object with path or volumeKey, and optional device, bus, format, readonly, bootOrder, target, cache, io, discard, iops, bytesPerSecond",
    );
  checkKnownFields(problems, at, d, DISK_FIELDS);
  const { path, volumeKey, format, readonly, bootOrder, target } = d;
  const device = d.device ?? "disk";
  const deviceOk = checkEnum(problems, `${at}.device`, device, DISK_DEVICES);
  const bus = d.bus ?? (device === "cdrom" ? "sata" : "virtio");
  const busOk = checkEnum(problems, `${at}.bus`, bus, DISK_BUSES);
  if (device === "cdrom" && bus === "virtio") problems.add(`${at}.bus`, 'cannot be "virtio" for a cdrom: use "sata", "scsi" or "ide"');
  if (path !== undefined && volumeKey !== undefined) problems.add(at, "takes path or volumeKey, not both");
  else if (path === undefined && volumeKey === undefined && device === "disk")
    problems.add(at, "needs path (a host path or a Volume's path) or volumeKey (a Volume's key)");
  const pathOk = path === undefined || checkAbsolutePath(problems, `${at}.path`, path);
  const keyOk = volumeKey === undefined || (typeof volumeKey === "string" && volumeKey !== "");
  if (!keyOk) problems.add(`${at}.volumeKey`, "must be a Volume's key (a non-empty string)");
  const formatOk = format === undefined || checkEnum(problems, `${at}.format`, format, DISK_FORMATS);
  checkBoolean(problems, `${at}.readonly`, readonly);
  if (device === "cdrom" && readonly === false) problems.add(`${at}.readonly`, "cannot be false for a cdrom");
  const bootOk = bootOrder === undefined || checkInteger(problems, `${at}.bootOrder`, bootOrder, 1, 1000);
  const targetOk = target === undefined || checkTarget(problems, `${at}.target`, target, busOk ? bus : undefined, taken);
  const tuning = checkDiskTuning(problems, at, d, device === "cdrom" && path === undefined && volumeKey === undefined);
  if (!(deviceOk && busOk && pathOk && keyOk && formatOk && bootOk && targetOk && tuning)) return undefined;
  return { device, bus, path, volumeKey, format, readonly: device === "cdrom" || readonly === true, bootOrder, target, ...tuning };
}

/**
 * The `disks` row's check: every disk without a target gets the first free
 * name of its bus, in list order.
 */
export function checkDisks(problems: Problems, property: string, value: unknown): DiskSpec[] {
  const taken = new Set<string>();
  const disks = listAt(problems, property, value).flatMap((d, i) => checkDisk(problems, `${property}[${i}]`, d, taken) ?? []);
  // Named after every explicit name is known, so a later explicit target is never handed out twice.
  return disks.map((d) => ({ ...d, target: d.target ?? freeTarget(d.bus, taken) }));
}

/** The disks with the cloud-init seed's cdrom last, on the first free name of its bus. */
export function withSeed(
  disks: readonly DiskSpec[],
  seed: { path?: string; volumeKey?: string; bus: DiskBusName } | undefined,
): DiskSpec[] {
  if (!seed) return [...disks];
  const taken = new Set(disks.map((d) => d.target));
  const target = freeTarget(seed.bus, taken);
  return [...disks, { device: "cdrom", bus: seed.bus, path: seed.path, volumeKey: seed.volumeKey, readonly: true, target }];
}

const NIC_FIELDS = ["network", "bridge", "direct", "mac", "model", "bootOrder"] as const;

function parseSource(problems: Problems, at: string, n: Record<string, unknown>): NicSource | undefined {
  const given = (["network", "bridge", "direct"] as const).filter((k) => n[k] !== undefined);
  if (given.length !== 1) {
    problems.add(
      at,
      `needs exactly one of network (a libvirt network's name), bridge (a host bridge) or direct ({ dev }), got ${given.length === 0 ? "none" : given.join(" and ")}`,
    );
    return undefined;
  }
  if (n.network !== undefined)
    return checkName(problems, `${at}.network`, n.network, "network") ? { type: "network", network: n.network } : undefined;
  if (n.bridge !== undefined) {
    if (typeof n.bridge === "string" && IFNAME.test(n.bridge)) return { type: "bridge", bridge: n.bridge };
    return void problems.add(`${at}.bridge`, "must be a host bridge name: 1-15 letters, digits, '_', '.' or '-'");
  }
  const direct = n.direct;
  if (!isObject(direct)) return void problems.add(`${at}.direct`, 'must be an object such as { dev: "eth0", mode: "bridge" }');
  checkKnownFields(problems, `${at}.direct`, direct, ["dev", "mode"]);
  const mode = direct.mode ?? "bridge";
  const modeOk = checkEnum(problems, `${at}.direct.mode`, mode, DIRECT_MODES);
  if (typeof direct.dev !== "string" || !IFNAME.test(direct.dev))
    return void problems.add(`${at}.direct.dev`, "must be a host interface name: 1-15 letters, digits, '_', '.' or '-'");
  return modeOk ? { type: "direct", dev: direct.dev, mode } : undefined;
}

/** Records a problem when an earlier interface has `mac`; the later interface is named. */
function claimMac(problems: Problems, property: string, macs: Map<string, number>, i: number, mac: string): void {
  const twin = macs.get(mac);
  if (twin !== undefined) problems.add(`${property}[${i}].mac`, `${mac} is used by ${property}[${twin}] too`);
  macs.set(mac, i);
}

function checkNic(problems: Problems, property: string, i: number, n: unknown, macs: Map<string, number>): GivenNic | undefined {
  const at = `${property}[${i}]`;
  if (!isObject(n)) return void problems.add(at, "must be an object with network, bridge or direct, and optional mac, model, bootOrder");
  checkKnownFields(problems, at, n, NIC_FIELDS);
  const source = parseSource(problems, at, n);
  const { mac, bootOrder } = n;
  const macOk = mac === undefined || (typeof mac === "string" && isMac(mac));
  if (!macOk) problems.add(`${at}.mac`, 'must be a unicast MAC address such as "52:54:00:12:34:56"');
  else if (mac !== undefined && source) claimMac(problems, property, macs, i, mac.toLowerCase());
  const model = n.model ?? "virtio";
  const modelOk = typeof model === "string" && NIC_MODEL.test(model);
  if (!modelOk) problems.add(`${at}.model`, 'must be a NIC model such as "virtio", "e1000e" or "rtl8139"');
  const bootOk = bootOrder === undefined || checkInteger(problems, `${at}.bootOrder`, bootOrder, 1, 1000);
  return source && macOk && modelOk && bootOk ? { source, mac: mac?.toLowerCase(), model, bootOrder } : undefined;
}

/** The `networkInterfaces` row's check; MACs not given are generated later, with the VM name ({@link withMacs}). */
export function checkNics(problems: Problems, property: string, value: unknown): GivenNic[] {
  const macs = new Map<string, number>();
  return listAt(problems, property, value).flatMap((n, i) => checkNic(problems, property, i, n, macs) ?? []);
}

/** What an interface is plugged into, as a generated MAC's slot names it. */
function sourceKey(s: NicSource): string {
  return s.type === "network" ? `network:${s.network}` : s.type === "bridge" ? `bridge:${s.bridge}` : `direct:${s.dev}`;
}

/**
 * The interfaces, each with a MAC. MACs not given are derived from the VM
 * name and the interface's source (the n-th such interface there), so they
 * never change between runs, nor when other interfaces are added, removed or
 * moved; one that another interface has is refused like a given one.
 */
export function withMacs(problems: Problems, property: string, nics: readonly GivenNic[], vmName: string): NicSpec[] {
  const macs = new Map<string, number>();
  // Generated MACs per source, so an interface keeps its address when others are added or moved.
  const generated = new Map<string, number>();
  return nics.map((n, i) => {
    let mac = n.mac;
    if (mac === undefined) {
      const where = sourceKey(n.source);
      const nth = generated.get(where) ?? 0;
      generated.set(where, nth + 1);
      mac = generatedMac(vmName, `${where}#${nth}`);
    }
    claimMac(problems, property, macs, i, mac);
    return { ...n, mac };
  });
}

/** Records a problem for each boot order an earlier disk or interface has. */
export function checkBootOrders(problems: Problems, disks: readonly DiskSpec[], nics: readonly NicSpec[]): void {
  const boots = new Map<number, string>();
  const claimBoot = (order: number | undefined, property: string) => {
    if (order === undefined) return;
    const other = boots.get(order);
    if (other) problems.add(`${property}.bootOrder`, `${order} is already used by ${other}: boot orders must be unique`);
    else boots.set(order, property);
  };
  disks.forEach((d, i) => claimBoot(d.bootOrder, `disks[${i}]`));
  nics.forEach((n, i) => claimBoot(n.bootOrder, `networkInterfaces[${i}]`));
}
