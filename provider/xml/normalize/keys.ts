/**
 * Identity of list entries, shared by the rules (to find a live entry's
 * desired counterpart) and by the comparison (to pair entries and name them
 * in difference paths, e.g. `devices.disks[vdb]`).
 */
import { Device } from "../domain/devices";
import { XmlNode } from "../node";

/** The group a device is compared in, as named in difference paths. */
export type DeviceGroup =
  "disks" | "interfaces" | "graphics" | "serials" | "consoles" | "channels" | "filesystems" | "rngs" | "tpms" | "other";

const GROUP: Record<Device["kind"], DeviceGroup> = {
  disk: "disks",
  interface: "interfaces",
  graphics: "graphics",
  serial: "serials",
  console: "consoles",
  channel: "channels",
  filesystem: "filesystems",
  rng: "rngs",
  tpm: "tpms",
  other: "other",
};

/** The comparison group of a device. */
export function deviceGroup(d: Device): DeviceGroup {
  return GROUP[d.kind];
}

/**
 * The natural identity of some unmodelled devices, which survives libvirt
 * inserting others of the same kind around them: controllers by type and
 * index, input devices by type and bus.
 */
export function otherKey(node: XmlNode): string | undefined {
  const a = node.attrs;
  if (node.name === "controller" && a.type !== undefined) return `controller:${a.type}:${a.index ?? "0"}`;
  if (node.name === "input" && a.type !== undefined) return `input:${a.type}:${a.bus ?? ""}`;
  return undefined;
}

/**
 * Keys every device of a list. Disks are known by guest device name,
 * filesystems by mount tag, graphics by type, channels by target name; the
 * rest by position within their group (a reordered NIC is a real change: it
 * moves on the guest bus). Unmodelled devices are keyed by {@link otherKey}
 * where they have a natural identity, else `name#n`.
 */
export function keyDevices(devices: readonly Device[]): Map<Device, { group: DeviceGroup; key: string }> {
  const out = new Map<Device, { group: DeviceGroup; key: string }>();
  const counters = new Map<string, number>();
  const next = (counter: string) => {
    const n = counters.get(counter) ?? 0;
    counters.set(counter, n + 1);
    return n;
  };
  for (const d of devices) {
    const group = deviceGroup(d);
    let key: string;
    switch (d.kind) {
      case "disk":
        key = d.target.dev;
        break;
      case "filesystem":
        key = d.target.dir;
        break;
      case "graphics":
        key = `${d.type}#${next(`graphics:${d.type}`)}`.replace(/#0$/, "");
        break;
      case "channel":
        key = d.target?.name ?? String(next("channel"));
        break;
      case "other":
        // Controllers have a natural identity (type + index) that survives
        // libvirt inserting others around them.
        key = otherKey(d.node) ?? `${d.node.name}#${next(`other:${d.node.name}`)}`;
        break;
      default:
        key = String(next(d.kind));
    }
    out.set(d, { group, key });
  }
  return out;
}

/** Finds, for each live device, the desired device with the same group and key. */
export function counterparts(live: readonly Device[], desired: readonly Device[]): Map<Device, Device | undefined> {
  const dk = keyDevices(desired);
  const byKey = new Map<string, Device>();
  for (const [dev, { group, key }] of dk) byKey.set(`${group}\u0000${key}`, dev);
  const out = new Map<Device, Device | undefined>();
  for (const [dev, { group, key }] of keyDevices(live)) out.set(dev, byKey.get(`${group}\u0000${key}`));
  return out;
}
