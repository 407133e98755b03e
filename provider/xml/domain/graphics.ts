/** `<graphics>`: VNC and SPICE consoles and where they listen. */
import { XmlExtra, XmlNode, element, withExtra } from "../node";
import { ElementReader, compact, putExtra, yesNo } from "../reader";
import { DeviceCommon, commonNodes, readCommon } from "./common";

/** A `<listen>` child; the variant is its `type`. */
export type GraphicsListen =
  | { type: "address"; address?: string; extra?: XmlExtra }
  | { type: "network"; network?: string; address?: string; extra?: XmlExtra }
  | { type: "socket"; socket?: string; extra?: XmlExtra }
  | { type: "none"; extra?: XmlExtra };

/** A `<graphics>` device. */
export interface Graphics extends DeviceCommon {
  kind: "graphics";
  /** `vnc`, `spice`, `sdl`, `rdp`, `dbus`, `egl-headless`. */
  type: string;
  /** TCP port; -1 or absent with `autoport` lets libvirt choose at start. */
  port?: number;
  autoport?: boolean;
  /** The `listen` attribute; libvirt mirrors it as a first `<listen>` child. */
  listen?: string;
  listens?: GraphicsListen[];
  passwd?: string;
  keymap?: string;
}

function readListen(node: XmlNode): GraphicsListen | undefined {
  const r = new ElementReader(node);
  const type = r.attr("type");
  let l: GraphicsListen;
  if (type === "address") l = compact({ type, address: r.attr("address") });
  else if (type === "network") l = compact({ type, network: r.attr("network"), address: r.attr("address") });
  else if (type === "socket") l = compact({ type, socket: r.attr("socket") });
  else if (type === "none") l = { type };
  else return undefined;
  return putExtra(l, r);
}

/** Reads a `<graphics>` element. */
export function parseGraphics(node: XmlNode): Graphics {
  const r = new ElementReader(node);
  const g: Graphics = {
    kind: "graphics",
    type: r.attr("type") ?? "vnc",
    port: r.intAttr("port"),
    autoport: r.yesNoAttr("autoport"),
    listen: r.attr("listen"),
    passwd: r.attr("passwd"),
    keymap: r.attr("keymap"),
  };
  const known = ["address", "network", "socket", "none"];
  const listens = r.childrenWhere("listen", (n) => known.includes(n.attrs.type ?? ""));
  if (listens.length > 0) g.listens = listens.map((n) => readListen(n) as GraphicsListen);
  readCommon(r, g);
  return putExtra(compact(g), r);
}

function listenNode(l: GraphicsListen): XmlNode {
  const attrs =
    l.type === "address"
      ? { type: l.type, address: l.address }
      : l.type === "network"
        ? { type: l.type, address: l.address, network: l.network }
        : l.type === "socket"
          ? { type: l.type, socket: l.socket }
          : { type: l.type };
  return withExtra(element("listen", attrs), l.extra);
}

/** Builds a `<graphics>` element. */
export function buildGraphics(g: Graphics): XmlNode {
  const node = element(
    "graphics",
    { type: g.type, port: g.port, autoport: yesNo(g.autoport), listen: g.listen, passwd: g.passwd, keymap: g.keymap },
    [...(g.listens ?? []).map(listenNode), ...commonNodes(g)],
  );
  return withExtra(node, g.extra);
}
