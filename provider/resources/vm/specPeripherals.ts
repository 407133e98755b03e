/**
 * Validation of the VM's consoles and host links: graphics, the serial
 * console, the guest agent channel, shared host directories and the
 * cloud-init seed.
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

/** Everything this file validates. */
export interface PeripheralsSpec {
  graphics?: GraphicsSpec;
  serial: SerialSpec;
  guestAgent: boolean;
  filesystems: FilesystemSpec[];
  cloudInit?: CloudInitSpec;
}

/** VNC's own authentication carries at most 8 password characters; more would be silently cut. */
const VNC_PASSWORD_MAX = 8;
/** A mount tag is what the guest names at mount time; qemu limits it to 36 bytes for 9p. */
const TAG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/;

function parseGraphics(problems: Problems, value: unknown): GraphicsSpec | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) return void problems.add("graphics", 'must be an object such as { type: "vnc" }');
  checkKnownFields(problems, "graphics", value, ["type", "listen", "port", "password"]);
  const type = value.type ?? "vnc";
  if (!checkEnum(problems, "graphics.type", type, GRAPHICS_TYPES)) return undefined;
  if (type === "none") {
    for (const key of ["listen", "port", "password"])
      if (value[key] !== undefined) problems.add(`graphics.${key}`, 'cannot be set with type "none"');
    return undefined;
  }
  const listen = value.listen ?? "127.0.0.1";
  let ok = true;
  if (typeof listen !== "string" || !(isIPv4(listen) || isIPv6(listen))) {
    problems.add("graphics.listen", 'must be an IP address of the host, such as "127.0.0.1" (the default) or "0.0.0.0"');
    ok = false;
  }
  if (value.port !== undefined) ok = checkInteger(problems, "graphics.port", value.port, 5900, 65535) && ok;
  const password = value.password;
  if (password !== undefined) {
    if (typeof password !== "string" || password === "" || /[\x00-\x1f\x7f]/.test(password)) {
      problems.add("graphics.password", "must be a non-empty string without control characters");
      ok = false;
    } else if (type === "vnc" && [...password].length > VNC_PASSWORD_MAX) {
      problems.add("graphics.password", `must be at most ${VNC_PASSWORD_MAX} characters for VNC (its authentication uses no more)`);
      ok = false;
    }
  }
  if (!ok) return undefined;
  return {
    type: type as GraphicsSpec["type"],
    listen: listen as string,
    port: value.port as number | undefined,
    password: password as string | undefined,
  };
}

function parseSerial(problems: Problems, value: unknown): SerialSpec {
  const fallback: SerialSpec = { type: "pty" };
  if (value === undefined) return fallback;
  if (!isObject(value)) {
    problems.add("serialConsole", 'must be an object such as { type: "pty" }');
    return fallback;
  }
  checkKnownFields(problems, "serialConsole", value, ["type", "path", "logFile"]);
  const type = value.type ?? "pty";
  if (!checkEnum(problems, "serialConsole.type", type, SERIAL_TYPES)) return fallback;
  if (type !== "file" && value.path !== undefined) problems.add("serialConsole.path", 'is only used with type "file"');
  if (type !== "pty" && value.logFile !== undefined) problems.add("serialConsole.logFile", 'is only used with type "pty"');
  if (type === "file") {
    if (value.path === undefined) problems.add("serialConsole.path", 'is required with type "file": the host file the output goes to');
    else if (checkAbsolutePath(problems, "serialConsole.path", value.path)) return { type, path: value.path };
    return fallback;
  }
  if (type === "pty") {
    if (value.logFile === undefined) return { type };
    return checkAbsolutePath(problems, "serialConsole.logFile", value.logFile) ? { type, logFile: value.logFile } : fallback;
  }
  return { type: "none" };
}

function parseFilesystems(problems: Problems, value: unknown): FilesystemSpec[] {
  const out: FilesystemSpec[] = [];
  const tags = new Map<string, number>();
  listAt(problems, "filesystems", value).forEach((f, i) => {
    const at = `filesystems[${i}]`;
    if (!isObject(f)) return void problems.add(at, 'must be an object such as { source: "/srv/data", tag: "data" }');
    checkKnownFields(problems, at, f, ["source", "tag", "driver", "readonly", "accessmode"]);
    const driver = f.driver ?? "virtiofs";
    let ok = checkEnum(problems, `${at}.driver`, driver, FILESYSTEM_DRIVERS);
    if (f.source === undefined) ok = refuse(problems, `${at}.source`, "is required: the host directory to share");
    else ok = checkAbsolutePath(problems, `${at}.source`, f.source) && ok;
    if (typeof f.tag !== "string" || !TAG.test(f.tag))
      ok = refuse(problems, `${at}.tag`, "must be a mount tag: 1-36 letters, digits, '.', '_' or '-', starting with a letter or digit");
    else if (tags.has(f.tag)) ok = refuse(problems, `${at}.tag`, `"${f.tag}" is used by filesystems[${tags.get(f.tag)}] too`);
    else tags.set(f.tag, i);
    checkBoolean(problems, `${at}.readonly`, f.readonly);
    if (driver === "virtiofs" && f.readonly === true)
      ok = refuse(
        problems,
        `${at}.readonly`,
        'is not supported by virtiofs (libvirt refuses it): use driver "9p", or mount read-only in the guest',
      );
    if (f.accessmode !== undefined) {
      if (driver !== "9p") ok = refuse(problems, `${at}.accessmode`, 'is only used with driver "9p"');
      else ok = checkEnum(problems, `${at}.accessmode`, f.accessmode, NINEP_ACCESS_MODES) && ok;
    }
    if (ok)
      out.push({
        driver: driver as FilesystemSpec["driver"],
        source: f.source as string,
        tag: f.tag as string,
        readonly: f.readonly === true,
        accessmode: f.accessmode as FilesystemSpec["accessmode"],
      });
  });
  return out;
}

function parseCloudInit(problems: Problems, value: unknown): CloudInitSpec | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) return void problems.add("cloudInit", "must be a CloudInitDisk, or an object with volumeKey (or path) and sha256");
  checkKnownFields(problems, "cloudInit", value, ["volumeKey", "path", "sha256", "bus"]);
  let ok = true;
  if ((value.volumeKey === undefined) === (value.path === undefined))
    ok = refuse(problems, "cloudInit", "needs exactly one of volumeKey (a CloudInitDisk's key) or path");
  if (value.volumeKey !== undefined && (typeof value.volumeKey !== "string" || value.volumeKey === ""))
    ok = refuse(problems, "cloudInit.volumeKey", "must be a CloudInitDisk's key (a non-empty string)");
  if (value.path !== undefined) ok = checkAbsolutePath(problems, "cloudInit.path", value.path) && ok;
  if (value.sha256 !== undefined && (typeof value.sha256 !== "string" || !/^[0-9a-f]{64}$/i.test(value.sha256)))
    ok = refuse(problems, "cloudInit.sha256", "must be 64 hexadecimal digits (a CloudInitDisk's sha256)");
  const bus = value.bus ?? "sata";
  ok = checkEnum(problems, "cloudInit.bus", bus, DISK_BUSES) && ok;
  if (bus === "virtio") ok = refuse(problems, "cloudInit.bus", 'cannot be "virtio": the seed is a cdrom; use "sata", "scsi" or "ide"');
  if (!ok) return undefined;
  return {
    volumeKey: value.volumeKey as string | undefined,
    path: value.path as string | undefined,
    bus: bus as DiskBusName,
    sha256: (value.sha256 as string | undefined)?.toLowerCase(),
  };
}

/** Validates `graphics`, `serialConsole`, `guestAgent`, `filesystems` and `cloudInit`. */
export function parsePeripherals(problems: Problems, inputs: Record<string, unknown>): PeripheralsSpec {
  checkBoolean(problems, "guestAgent", inputs.guestAgent);
  return {
    graphics: parseGraphics(problems, inputs.graphics),
    serial: parseSerial(problems, inputs.serialConsole),
    guestAgent: inputs.guestAgent !== false,
    filesystems: parseFilesystems(problems, inputs.filesystems),
    cloudInit: parseCloudInit(problems, inputs.cloudInit),
  };
}
