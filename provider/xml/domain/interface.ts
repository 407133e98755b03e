/**
 * `<interface>`: NICs on a libvirt network, a host bridge, or a macvtap
 * (`direct`) device. Other types keep their source unmodelled.
 */
import { XmlExtra, XmlNode, element, withExtra } from "../node";
import { ElementReader, compact, putExtra } from "../reader";
import { DeviceCommon, commonNodes, readCommon } from "./common";

/** Where the NIC is plugged; `type` is the interface's `type` attribute. */
export type InterfaceSource =
  | { type: "network"; network?: string; portgroup?: string; extra?: XmlExtra }
  | { type: "bridge"; bridge?: string; extra?: XmlExtra }
  | { type: "direct"; dev?: string; mode?: "vepa" | "bridge" | "private" | "passthrough"; extra?: XmlExtra }
  /** Any other type (`user`, `ethernet`, …); `<source>` kept whole in `extra`. */
  | { type: "other"; interfaceType: string; extra?: XmlExtra };

/** An `<interface>` device. */
export interface NetInterface extends DeviceCommon {
  kind: "interface";
  source: InterfaceSource;
  /** Guest MAC; libvirt generates one (52:54:00:…) when absent. */
  mac?: string;
  /** NIC model (`virtio`, `e1000e`, `rtl8139`). */
  model?: string;
  /** Host-side device name (`vnet0`), assigned at start unless set. */
  target?: string;
  mtu?: number;
  bootOrder?: number;
}

function readSource(type: string, r: ElementReader): InterfaceSource {
  const src = r.sub("source");
  const withRest = <T extends object>(s: T): T & { extra?: XmlExtra } => (src ? putExtra(compact(s), src) : compact(s));
  switch (type) {
    case "network":
      return withRest({ type, network: src?.attr("network"), portgroup: src?.attr("portgroup") });
    case "bridge":
      return withRest({ type, bridge: src?.attr("bridge") });
    case "direct":
      return withRest({ type, dev: src?.attr("dev"), mode: src?.enumAttr("mode", ["vepa", "bridge", "private", "passthrough"] as const) });
    default:
      return withRest({ type: "other", interfaceType: type });
  }
}

const only = (attr: string) => (n: XmlNode) => n.children.length === 0 && Object.keys(n.attrs).join() === attr;

/** Reads an `<interface>` element. */
export function parseInterface(node: XmlNode): NetInterface {
  const r = new ElementReader(node);
  const nic: NetInterface = { kind: "interface", source: readSource(r.attr("type") ?? "network", r) };
  const [mac] = r.childrenWhere("mac", only("address"));
  if (mac) nic.mac = mac.attrs.address;
  const [model] = r.childrenWhere("model", only("type"));
  if (model) nic.model = model.attrs.type;
  const [target] = r.childrenWhere("target", only("dev"));
  if (target) nic.target = target.attrs.dev;
  const [mtu] = r.childrenWhere("mtu", only("size"));
  if (mtu) nic.mtu = Number(mtu.attrs.size);
  const [boot] = r.childrenWhere("boot", only("order"));
  if (boot) nic.bootOrder = Number(boot.attrs.order);
  readCommon(r, nic);
  return putExtra(nic, r);
}

function sourceNode(s: InterfaceSource): XmlNode | undefined {
  const attrs =
    s.type === "network"
      ? { network: s.network, portgroup: s.portgroup }
      : s.type === "bridge"
        ? { bridge: s.bridge }
        : s.type === "direct"
          ? { dev: s.dev, mode: s.mode }
          : {};
  const node = withExtra(element("source", attrs), s.extra);
  return Object.keys(node.attrs).length > 0 || node.children.length > 0 ? node : undefined;
}

/** Builds an `<interface>` element. */
export function buildInterface(n: NetInterface): XmlNode {
  const type = n.source.type === "other" ? n.source.interfaceType : n.source.type;
  const node = element("interface", { type }, [
    n.mac !== undefined ? element("mac", { address: n.mac }) : undefined,
    sourceNode(n.source),
    n.target !== undefined ? element("target", { dev: n.target }) : undefined,
    n.model !== undefined ? element("model", { type: n.model }) : undefined,
    n.mtu !== undefined ? element("mtu", { size: n.mtu }) : undefined,
    n.bootOrder !== undefined ? element("boot", { order: n.bootOrder }) : undefined,
    ...commonNodes(n),
  ]);
  return withExtra(node, n.extra);
}
