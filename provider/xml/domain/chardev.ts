/**
 * Character devices: `<serial>`, `<console>` and `<channel>` share one shape
 * (a host-side source and a guest-side target), as in libvirt's schema.
 */
import { XmlExtra, XmlNode, element, withExtra } from "../node";
import { ElementReader, compact, putExtra } from "../reader";
import { DeviceCommon, commonNodes, readCommon } from "./common";

/** The target name of the QEMU guest agent's virtio channel. */
export const GUEST_AGENT_CHANNEL = "org.qemu.guest_agent.0";

/** Host side of a character device (`<source>`). */
export interface CharSource {
  /** File, socket or pty path. */
  path?: string;
  /** `bind` or `connect` for sockets. */
  mode?: string;
  host?: string;
  service?: string;
  extra?: XmlExtra;
}

/** Guest side of a character device (`<target>`). */
export interface CharTarget {
  /** `isa-serial`, `serial`, `virtio`, `guestfwd`, … */
  type?: string;
  port?: number;
  /** Channel name, e.g. {@link GUEST_AGENT_CHANNEL}. */
  name?: string;
  extra?: XmlExtra;
}

/** Fields common to serial, console and channel devices. */
export interface CharDeviceBase extends DeviceCommon {
  /** Host-side type: `pty`, `file`, `unix`, `tcp`, `udp`, `null`, `spicevmc`, … */
  type: string;
  source?: CharSource;
  target?: CharTarget;
}

/** A `<serial>` port. */
export interface Serial extends CharDeviceBase {
  kind: "serial";
}
/** A `<console>`; libvirt mirrors the first serial port as one. */
export interface Console extends CharDeviceBase {
  kind: "console";
}
/** A `<channel>`, such as the guest agent's. */
export interface Channel extends CharDeviceBase {
  kind: "channel";
}

/** Any character device. */
export type CharDevice = Serial | Console | Channel;

/** Reads a `<serial>`, `<console>` or `<channel>` element. */
export function parseCharDevice(node: XmlNode): CharDevice {
  const r = new ElementReader(node);
  const dev = { kind: node.name as CharDevice["kind"], type: r.attr("type") ?? "pty" } as CharDevice;
  const src = r.sub("source");
  if (src) {
    dev.source = putExtra(
      compact({ path: src.attr("path"), mode: src.attr("mode"), host: src.attr("host"), service: src.attr("service") }),
      src,
    );
  }
  const tgt = r.sub("target");
  if (tgt) dev.target = putExtra(compact({ type: tgt.attr("type"), port: tgt.intAttr("port"), name: tgt.attr("name") }), tgt);
  readCommon(r, dev);
  return putExtra(dev, r);
}

/** Builds a `<serial>`, `<console>` or `<channel>` element. */
export function buildCharDevice(d: CharDevice): XmlNode {
  const s = d.source;
  const t = d.target;
  const node = element(d.kind, { type: d.type }, [
    s ? withExtra(element("source", { mode: s.mode, host: s.host, service: s.service, path: s.path }), s.extra) : undefined,
    t ? withExtra(element("target", { type: t.type, port: t.port, name: t.name }), t.extra) : undefined,
    ...commonNodes(d),
  ]);
  return withExtra(node, d.extra);
}
