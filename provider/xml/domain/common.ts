/**
 * What every device may carry: the alias and guest address libvirt assigns,
 * and the device's unmodelled remainder.
 */
import { XmlExtra, XmlNode, element } from "../node";
import { ElementReader } from "../reader";

/** A guest bus address (`<address type='pci' bus='0x00' slot='0x03' …/>`). */
export interface DeviceAddress {
  /** `pci`, `drive`, `virtio-serial`, `isa`, `ccw`, … */
  type: string;
  /** The other attributes as written (`bus`, `slot`, `controller`, …). */
  fields: Record<string, string>;
}

/** Fields shared by every modelled device. */
export interface DeviceCommon {
  /** `<alias name>`: libvirt's name for the device; user aliases start `ua-`. */
  alias?: string;
  /** Where the device sits on the guest bus; libvirt fills it in when absent. */
  address?: DeviceAddress;
  /** Unmodelled attributes and children of the device element. */
  extra?: XmlExtra;
}

/** Reads `<alias>` and `<address>` of a device, when they hold only what is modelled. */
export function readCommon(r: ElementReader, into: DeviceCommon): void {
  const plainAlias = (n: XmlNode) => n.children.length === 0 && Object.keys(n.attrs).join() === "name";
  const [alias] = r.childrenWhere("alias", plainAlias);
  if (alias) into.alias = alias.attrs.name;
  const [addr] = r.childrenWhere("address", (n) => n.children.length === 0 && n.attrs.type !== undefined);
  if (addr) {
    const { type, ...fields } = addr.attrs;
    if (type !== undefined) into.address = { type, fields };
  }
}

/** The `<alias>` and `<address>` nodes of a device, for building. */
export function commonNodes(dev: DeviceCommon): XmlNode[] {
  const out: XmlNode[] = [];
  if (dev.alias !== undefined) out.push(element("alias", { name: dev.alias }));
  if (dev.address) out.push(element("address", { type: dev.address.type, ...dev.address.fields }));
  return out;
}
