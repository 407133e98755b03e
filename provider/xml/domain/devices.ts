/**
 * The `<devices>` list: modelled devices are typed, everything else (disks'
 * controllers, watchdogs, sound cards, `<emulator>`, …) is kept whole as an
 * `other` entry in its original position.
 */
import { XmlNode } from "../node";
import { CharDevice, buildCharDevice, parseCharDevice } from "./chardev";
import { Disk, buildDisk, parseDisk } from "./disk";
import { Filesystem, buildFilesystem, parseFilesystem } from "./filesystem";
import { Graphics, buildGraphics, parseGraphics } from "./graphics";
import { NetInterface, buildInterface, parseInterface } from "./interface";
import { Rng, buildRng, parseRng } from "./rng";
import { Tpm, buildTpm, parseTpm } from "./tpm";

/** A device this model does not describe, kept verbatim. */
export interface OtherDevice {
  kind: "other";
  node: XmlNode;
}

/** Any child of `<devices>`; `kind` is the element name for modelled ones. */
export type Device = Disk | NetInterface | Graphics | CharDevice | Filesystem | Rng | Tpm | OtherDevice;

/** Device kinds that are modelled. */
export type ModelledDeviceKind = Exclude<Device["kind"], "other">;

const PARSERS: Record<string, (n: XmlNode) => Device> = {
  disk: parseDisk,
  interface: parseInterface,
  graphics: parseGraphics,
  serial: parseCharDevice,
  console: parseCharDevice,
  channel: parseCharDevice,
  filesystem: parseFilesystem,
  rng: parseRng,
  tpm: parseTpm,
};

/** Reads the children of `<devices>`, in order. */
export function parseDevices(nodes: XmlNode[]): Device[] {
  return nodes.map((n) => {
    const parse = Object.prototype.hasOwnProperty.call(PARSERS, n.name) ? PARSERS[n.name] : undefined;
    return parse ? parse(n) : { kind: "other", node: n };
  });
}

/** Builds one device element. */
export function buildDevice(d: Device): XmlNode {
  switch (d.kind) {
    case "disk":
      return buildDisk(d);
    case "interface":
      return buildInterface(d);
    case "graphics":
      return buildGraphics(d);
    case "serial":
    case "console":
    case "channel":
      return buildCharDevice(d);
    case "filesystem":
      return buildFilesystem(d);
    case "rng":
      return buildRng(d);
    case "tpm":
      return buildTpm(d);
    case "other":
      return d.node;
  }
}

/** The devices of one kind, typed. */
export function devicesOf<K extends Device["kind"]>(devices: Device[], kind: K): Extract<Device, { kind: K }>[] {
  return devices.filter((d): d is Extract<Device, { kind: K }> => d.kind === kind);
}
