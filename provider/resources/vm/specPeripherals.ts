/**
 * The VM's consoles and host links: the checks of the `graphics`,
 * `serialConsole`, `filesystems` and `cloudInit` rows in `fields.ts`. A
 * check's value is used only when no problem was recorded, so each returns a
 * value as soon as its types hold.
 */
import { isIPv4, isIPv6 } from "node:net";
import {
  checkAbsolutePath,
  checkBoolean,
  checkEnum,
  checkInteger,
  checkKnownFields,
  isObject,
  listAt,
  Problems,
  refuse,
} from "../common/problems";
import type { VmSpec } from "./spec";
import { DISK_BUSES, DiskBusName } from "./specDevices";

/** Remote display protocols; `none` means no display device at all. */
export const GRAPHICS_TYPES = ["none", "vnc", "spice"] as const;
/** Where the serial console goes. */
export const SERIAL_TYPES = ["pty", "file", "none"] as const;
/** How a host directory is shared. */
export const FILESYSTEM_DRIVERS = ["virtiofs", "9p"] as const;
/** 9p's mapping of guest file ownership onto the host. */
export const NINEP_ACCESS_MODES = ["passthrough", "mapped", "squash"] as const;

/** A display the VM offers (absent: none). */
export interface GraphicsSpec {
  type: "vnc" | "spice";
  /** Host address it listens on. */
  listen: string;
  /** Fixed TCP port; libvirt picks a free one when unset. */
  port?: number;
  password?: string;
}

/** The serial console. */
export type SerialSpec = { type: "pty"; logFile?: string } | { type: "file"; path: string } | { type: "none" };

/** A host directory the guest mounts by `tag`. */
export interface FilesystemSpec {
  driver: (typeof FILESYSTEM_DRIVERS)[number];
  source: string;
  tag: string;
  readonly: boolean;
  /** 9p only. */
  accessmode?: (typeof NINEP_ACCESS_MODES)[number];
}

/** The cloud-init seed a VM boots with. */
export interface CloudInitSpec {
  volumeKey?: string;
  path?: string;
  bus: DiskBusName;
  /** The seed's content hash: when it changes the guest must boot again to read the new seed. */
  sha256?: string;
}

/** The part of the spec these rows make. */
export type PeripheralsSpec = Pick<VmSpec, "graphics" | "serial" | "guestAgent" | "filesystems" | "cloudInit">;

/** VNC's own authentication carries at most 8 password characters; more would be silently cut. */
const VNC_PASSWORD_MAX = 8;
/** A mount tag is what the guest names at mount time; qemu limits it to 36 bytes for 9p. */
const TAG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/;

function checkPassword(problems: Problems, property: string, password: unknown, type: GraphicsSpec["type"]): password is string {
  if (typeof password !== "string" || password === "" || /[\x00-\x1f\x7f]/.test(password))
    return refuse(problems, property, "must be a non-empty string without control characters");
  if (type === "vnc" && [...password].length > VNC_PASSWORD_MAX)
    return refuse(problems, property, `must be at most ${VNC_PASSWORD_MAX} characters for VNC (its authentication uses no more)`);
  return true;
}

/** The `graphics` row's check; `type: "none"` means no display. */
export function checkGraphics(problems: Problems, property: string, value: unknown): GraphicsSpec | undefined {
  if (!isObject(value)) return void problems.add(property, 'must be an object such as { type: "vnc" }');
  checkKnownFields(problems, property, value, ["type", "listen", "port", "password"]);
  const type = value.type ?? "vnc";
  if (!checkEnum(problems, `${property}.type`, type, GRAPHICS_TYPES)) return undefined;
  if (type === "none") {
    for (const key of ["listen", "port", "password"])
      if (value[key] !== undefined) problems.add(`${property}.${key}`, 'cannot be set with type "none"');
    return undefined;
  }
  const { port, password } = value;
  const listen = value.listen ?? "127.0.0.1";
  const listenOk = typeof listen === "string" && (isIPv4(listen) || isIPv6(listen));
  if (!listenOk) problems.add(`${property}.listen`, 'must be an IP address of the host, such as "127.0.0.1" (the default) or "0.0.0.0"');
  const portOk = port === undefined || checkInteger(problems, `${property}.port`, port, 5900, 65535);
  const passwordOk = password === undefined || checkPassword(problems, `${property}.password`, password, type);
  return listenOk && portOk && passwordOk ? { type, listen, port, password } : undefined;
}

/** The `serialConsole` row's check. */
export function checkSerial(problems: Problems, property: string, value: unknown): SerialSpec | undefined {
  if (!isObject(value)) return void problems.add(property, 'must be an object such as { type: "pty" }');
  checkKnownFields(problems, property, value, ["type", "path", "logFile"]);
  const type = value.type ?? "pty";
  if (!checkEnum(problems, `${property}.type`, type, SERIAL_TYPES)) return undefined;
  const { path, logFile } = value;
  if (type !== "file" && path !== undefined) problems.add(`${property}.path`, 'is only used with type "file"');
  if (type !== "pty" && logFile !== undefined) problems.add(`${property}.logFile`, 'is only used with type "pty"');
  if (type === "file") {
    if (path === undefined) return void problems.add(`${property}.path`, 'is required with type "file": the host file the output goes to');
    return checkAbsolutePath(problems, `${property}.path`, path) ? { type, path } : undefined;
  }
  if (type === "pty") {
    if (logFile === undefined) return { type };
    return checkAbsolutePath(problems, `${property}.logFile`, logFile) ? { type, logFile } : undefined;
  }
  return { type: "none" };
}

function checkFilesystem(
  problems: Problems,
  property: string,
  i: number,
  f: unknown,
  tags: Map<string, number>,
): FilesystemSpec | undefined {
  const at = `${property}[${i}]`;
  if (!isObject(f)) return void problems.add(at, 'must be an object such as { source: "/srv/data", tag: "data" }');
  checkKnownFields(problems, at, f, ["source", "tag", "driver", "readonly", "accessmode"]);
  const { source, tag, readonly, accessmode } = f;
  const driver = f.driver ?? "virtiofs";
  const driverOk = checkEnum(problems, `${at}.driver`, driver, FILESYSTEM_DRIVERS);
  if (source === undefined) problems.add(`${at}.source`, "is required: the host directory to share");
  const sourceOk = source !== undefined && checkAbsolutePath(problems, `${at}.source`, source);
  const tagOk = typeof tag === "string" && TAG.test(tag);
  if (!tagOk) problems.add(`${at}.tag`, "must be a mount tag: 1-36 letters, digits, '.', '_' or '-', starting with a letter or digit");
  else if (tags.has(tag)) problems.add(`${at}.tag`, `"${tag}" is used by ${property}[${tags.get(tag)}] too`);
  else tags.set(tag, i);
  checkBoolean(problems, `${at}.readonly`, readonly);
  if (driver === "virtiofs" && readonly === true)
    problems.add(`${at}.readonly`, 'is not supported by virtiofs (libvirt refuses it): use driver "9p", or mount read-only in the guest');
  if (accessmode !== undefined && driver !== "9p") problems.add(`${at}.accessmode`, 'is only used with driver "9p"');
  const modeOk = accessmode === undefined || (driver === "9p" && checkEnum(problems, `${at}.accessmode`, accessmode, NINEP_ACCESS_MODES));
  return driverOk && sourceOk && tagOk && modeOk ? { driver, source, tag, readonly: readonly === true, accessmode } : undefined;
}

/** The `filesystems` row's check: mount tags are unique. */
export function checkFilesystems(problems: Problems, property: string, value: unknown): FilesystemSpec[] {
  const tags = new Map<string, number>();
  return listAt(problems, property, value).flatMap((f, i) => checkFilesystem(problems, property, i, f, tags) ?? []);
}

/** The `cloudInit` row's check (the resource class has made a {@link CloudInitDisk} its key and hash). */
export function checkCloudInit(problems: Problems, property: string, value: unknown): CloudInitSpec | undefined {
  if (!isObject(value)) return void problems.add(property, "must be a CloudInitDisk, or an object with volumeKey (or path) and sha256");
  checkKnownFields(problems, property, value, ["volumeKey", "path", "sha256", "bus"]);
  const { volumeKey, path, sha256 } = value;
  if ((volumeKey === undefined) === (path === undefined))
    problems.add(property, "needs exactly one of volumeKey (a CloudInitDisk's key) or path");
  const keyOk = volumeKey === undefined || (typeof volumeKey === "string" && volumeKey !== "");
  if (!keyOk) problems.add(`${property}.volumeKey`, "must be a CloudInitDisk's key (a non-empty string)");
  const pathOk = path === undefined || checkAbsolutePath(problems, `${property}.path`, path);
  const hashOk = sha256 === undefined || (typeof sha256 === "string" && /^[0-9a-f]{64}$/i.test(sha256));
  if (!hashOk) problems.add(`${property}.sha256`, "must be 64 hexadecimal digits (a CloudInitDisk's sha256)");
  const bus = value.bus ?? "sata";
  const busOk = checkEnum(problems, `${property}.bus`, bus, DISK_BUSES);
  if (bus === "virtio") problems.add(`${property}.bus`, 'cannot be "virtio": the seed is a cdrom; use "sata", "scsi" or "ide"');
  return keyOk && pathOk && hashOk && busOk ? { volumeKey, path, bus, sha256: sha256?.toLowerCase() } : undefined;
}
