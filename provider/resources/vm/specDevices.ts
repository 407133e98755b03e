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
  refuse,
} from "../common/problems";
import { generatedMac } from "./mac";

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

/** One validated disk. */
export interface DiskSpec {
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

const DISK_FIELDS = ["path", "volumeKey", "device", "bus", "format", "readonly", "bootOrder", "target"] as const;

/**
 * Validates `disks`; gives every disk without a target the first free name of
 * its bus, in list order. `seed`, the cloud-init cdrom, comes last and gets a
 * free name too.
 */
export function parseDisks(problems: Problems, value: unknown, seed?: { path?: string; volumeKey?: string; bus: DiskBusName }): DiskSpec[] {
  const out: (DiskSpec | undefined)[] = [];
  const taken = new Set<string>();
  const items = listAt(problems, "disks", value);
  items.forEach((d, i) => {
    const at = `disks[${i}]`;
    if (!isObject(d))
      return void problems.add(
        at,
        "must be an object with path or volumeKey, and optional device, bus, format, readonly, bootOrder, target",
      );
    checkKnownFields(problems, at, d, DISK_FIELDS);
    const device = d.device ?? "disk";
    let ok = checkEnum(problems, `${at}.device`, device, DISK_DEVICES);
    const bus = d.bus ?? (device === "cdrom" ? "sata" : "virtio");
    ok = checkEnum(problems, `${at}.bus`, bus, DISK_BUSES) && ok;
    if (device === "cdrom" && bus === "virtio")
      ok = refuse(problems, `${at}.bus`, 'cannot be "virtio" for a cdrom: use "sata", "scsi" or "ide"');
    if (d.path !== undefined && d.volumeKey !== undefined) ok = refuse(problems, at, "takes path or volumeKey, not both");
    else if (d.path === undefined && d.volumeKey === undefined && device === "disk")
      ok = refuse(problems, at, "needs path (a host path or a Volume's path) or volumeKey (a Volume's key)");
    if (d.path !== undefined) ok = checkAbsolutePath(problems, `${at}.path`, d.path) && ok;
    if (d.volumeKey !== undefined && (typeof d.volumeKey !== "string" || d.volumeKey === ""))
      ok = refuse(problems, `${at}.volumeKey`, "must be a Volume's key (a non-empty string)");
    if (d.format !== undefined) ok = checkEnum(problems, `${at}.format`, d.format, DISK_FORMATS) && ok;
    checkBoolean(problems, `${at}.readonly`, d.readonly);
    if (device === "cdrom" && d.readonly === false) ok = refuse(problems, `${at}.readonly`, "cannot be false for a cdrom");
    if (d.bootOrder !== undefined) ok = checkInteger(problems, `${at}.bootOrder`, d.bootOrder, 1, 1000) && ok;
    if (d.target !== undefined) {
      const prefix = PREFIX[bus as DiskBusName] ?? "";
      if (typeof d.target !== "string" || !/^(vd|sd|hd)[a-z]{1,2}$/.test(d.target) || (prefix !== "" && !d.target.startsWith(prefix))) {
        ok = refuse(
          problems,
          `${at}.target`,
          `must be a device name such as "${prefix || "vd"}b" (vd… for virtio, sd… for sata and scsi, hd… for ide)`,
        );
      } else if (taken.has(d.target)) ok = refuse(problems, `${at}.target`, `"${d.target}" is used by another disk`);
      else taken.add(d.target);
    }
    out.push(
      ok
        ? {
            device: device as DiskSpec["device"],
            bus: bus as DiskBusName,
            path: d.path as string | undefined,
            volumeKey: d.volumeKey as string | undefined,
            format: d.format as DiskSpec["format"],
            readonly: device === "cdrom" || d.readonly === true,
            bootOrder: d.bootOrder as number | undefined,
            target: (d.target as string | undefined) ?? "",
          }
        : undefined,
    );
  });
  if (seed) out.push({ device: "cdrom", bus: seed.bus, path: seed.path, volumeKey: seed.volumeKey, readonly: true, target: "" });
  // Assigned after every explicit name is known, so a later explicit target is never handed out twice.
  for (const disk of out) {
    if (!disk || disk.target !== "") continue;
    let n = 0;
    while (taken.has(deviceName(PREFIX[disk.bus], n))) n++;
    disk.target = deviceName(PREFIX[disk.bus], n);
    taken.add(disk.target);
  }
  return out.filter((d): d is DiskSpec => d !== undefined);
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
  if (n.network !== undefined) return checkName(problems, `${at}.network`, n.network) ? { type: "network", network: n.network } : undefined;
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
  return modeOk ? { type: "direct", dev: direct.dev, mode: mode as (typeof DIRECT_MODES)[number] } : undefined;
}

/** What an interface is plugged into, as a generated MAC's slot names it. */
function sourceKey(s: NicSource): string {
  return s.type === "network" ? `network:${s.network}` : s.type === "bridge" ? `bridge:${s.bridge}` : `direct:${s.dev}`;
}

/**
 * Validates `networkInterfaces`. MACs not given are derived from the VM name
 * and the interface's source (the n-th such interface there), so they never
 * change between runs, nor when other interfaces are added, removed or moved.
 */
export function parseNics(problems: Problems, value: unknown, vmName: string): NicSpec[] {
  const out: NicSpec[] = [];
  const macs = new Map<string, number>();
  // Generated MACs per source, so an interface keeps its address when others are added or moved.
  const generated = new Map<string, number>();
  listAt(problems, "networkInterfaces", value).forEach((n, i) => {
    const at = `networkInterfaces[${i}]`;
    if (!isObject(n)) return void problems.add(at, "must be an object with network, bridge or direct, and optional mac, model, bootOrder");
    checkKnownFields(problems, at, n, NIC_FIELDS);
    const source = parseSource(problems, at, n);
    let ok = source !== undefined;
    let mac = "";
    if (n.mac === undefined && source) {
      const where = sourceKey(source);
      const nth = generated.get(where) ?? 0;
      generated.set(where, nth + 1);
      mac = generatedMac(vmName, `${where}#${nth}`);
    } else if (n.mac !== undefined) {
      if (typeof n.mac !== "string" || !isMac(n.mac))
        ok = refuse(problems, `${at}.mac`, 'must be a unicast MAC address such as "52:54:00:12:34:56"');
      else mac = n.mac.toLowerCase();
    }
    const twin = mac === "" ? undefined : macs.get(mac);
    if (ok && twin !== undefined) ok = refuse(problems, `${at}.mac`, `${mac} is used by networkInterfaces[${twin}] too`);
    macs.set(mac, i);
    const model = n.model ?? "virtio";
    if (typeof model !== "string" || !NIC_MODEL.test(model))
      ok = refuse(problems, `${at}.model`, 'must be a NIC model such as "virtio", "e1000e" or "rtl8139"');
    if (n.bootOrder !== undefined) ok = checkInteger(problems, `${at}.bootOrder`, n.bootOrder, 1, 1000) && ok;
    if (ok && source) out.push({ source, mac, model: model as string, bootOrder: n.bootOrder as number | undefined });
  });
  return out;
}
