/** The storage pool document (`virsh pool-dumpxml`), after libvirt's formatstorage. */
import { XmlError, XmlExtra, XmlNode, buildXml, element, parseXml, withExtra } from "../node";
import { ElementReader, buildSizeElement, compact, putExtra } from "../reader";
import { SizeElement } from "../size";
import { Permissions, buildPermissions, parsePermissions } from "./permissions";
import { PoolAuth, PoolInitiator, buildAuth, buildInitiator, parseAuth, parseInitiator } from "./poolIscsi";

/** `<source>` of a pool; which fields apply depends on the pool type. */
export interface PoolSource {
  /** fs, logical: block devices (`<device path>`). */
  devices?: { path: string; extra?: XmlExtra }[];
  /** netfs: exported directory (`<dir path>`). */
  dir?: string;
  /** netfs: file servers (`<host name port>`). */
  hosts?: { name: string; port?: number; extra?: XmlExtra }[];
  /** fs: `ext4`, `auto`…; netfs: `nfs`, `cifs`; logical: `lvm2`. */
  format?: string;
  /** logical: volume group name. */
  name?: string;
  /** iscsi, iscsi-direct: the IQN the host logs in as. */
  initiator?: PoolInitiator;
  /** iscsi, iscsi-direct: CHAP login through a libvirt secret. */
  auth?: PoolAuth;
  extra?: XmlExtra;
}

/** `<target>` of a pool: where its volumes appear on the host. */
export interface PoolTarget {
  path?: string;
  permissions?: Permissions;
  extra?: XmlExtra;
}

/** A whole storage pool definition; `type` is `dir`, `fs`, `netfs`, `logical`, … */
export interface Pool {
  type: string;
  name: string;
  uuid?: string;
  /** Measured by libvirt; read-only. */
  capacity?: SizeElement;
  allocation?: SizeElement;
  available?: SizeElement;
  source?: PoolSource;
  target?: PoolTarget;
  extra?: XmlExtra;
}

function parseSource(r: ElementReader): PoolSource {
  const devices = r
    .childrenWhere("device", (n) => n.attrs.path !== undefined)
    .map((n) => {
      const d = new ElementReader(n);
      return putExtra({ path: d.requiredAttr("path") }, d);
    });
  const hosts = r
    .childrenWhere("host", (n) => n.attrs.name !== undefined)
    .map((n) => {
      const h = new ElementReader(n);
      return putExtra(compact({ name: h.requiredAttr("name"), port: h.intAttr("port") }), h);
    });
  const [dir] = r.childrenWhere("dir", (n) => Object.keys(n.attrs).join() === "path" && n.children.length === 0);
  const [format] = r.childrenWhere("format", (n) => Object.keys(n.attrs).join() === "type" && n.children.length === 0);
  const src: PoolSource = compact({
    devices: devices.length ? devices : undefined,
    hosts: hosts.length ? hosts : undefined,
    dir: dir?.attrs.path,
    format: format?.attrs.type,
    name: r.childText("name"),
    initiator: parseInitiator(r),
    auth: parseAuth(r),
  });
  return putExtra(src, r);
}

/** Reads a pool from its parsed root element. */
export function parsePoolNode(root: XmlNode): Pool {
  if (root.name !== "pool") throw new XmlError(`expected <pool>, got <${root.name}>`);
  const r = new ElementReader(root);
  const type = r.requiredAttr("type");
  const name = r.childText("name");
  if (name === undefined) throw new XmlError("<pool> lacks <name>");
  const pool: Pool = compact({
    type,
    name,
    uuid: r.childText("uuid"),
    capacity: r.childSize("capacity", "bytes"),
    allocation: r.childSize("allocation", "bytes"),
    available: r.childSize("available", "bytes"),
  });
  const src = r.sub("source");
  if (src) pool.source = parseSource(src);
  const tgt = r.sub("target");
  if (tgt) {
    const perms = tgt.sub("permissions");
    pool.target = putExtra(compact({ path: tgt.childText("path"), permissions: perms ? parsePermissions(perms) : undefined }), tgt);
  }
  return putExtra(pool, r);
}

/**
 * Parses `virsh pool-dumpxml` output into a {@link Pool}.
 * @throws XmlError when the text is not a pool document.
 */
export function parsePoolXml(xml: string): Pool {
  return parsePoolNode(parseXml(xml));
}

function sourceNode(s: PoolSource): XmlNode {
  return withExtra(
    element("source", {}, [
      ...(s.hosts ?? []).map((h) => withExtra(element("host", { name: h.name, port: h.port }), h.extra)),
      ...(s.devices ?? []).map((d) => withExtra(element("device", { path: d.path }), d.extra)),
      s.dir !== undefined ? element("dir", { path: s.dir }) : undefined,
      s.name !== undefined ? element("name", {}, [], s.name) : undefined,
      s.format !== undefined ? element("format", { type: s.format }) : undefined,
      s.initiator ? buildInitiator(s.initiator) : undefined,
      s.auth ? buildAuth(s.auth) : undefined,
    ]),
    s.extra,
  );
}

/** Builds a pool's root element. */
export function buildPoolNode(p: Pool): XmlNode {
  const t = p.target;
  const root = element("pool", { type: p.type }, [
    element("name", {}, [], p.name),
    p.uuid !== undefined ? element("uuid", {}, [], p.uuid) : undefined,
    p.capacity ? buildSizeElement("capacity", p.capacity) : undefined,
    p.allocation ? buildSizeElement("allocation", p.allocation) : undefined,
    p.available ? buildSizeElement("available", p.available) : undefined,
    p.source ? sourceNode(p.source) : undefined,
    t
      ? withExtra(
          element("target", {}, [
            t.path !== undefined ? element("path", {}, [], t.path) : undefined,
            t.permissions ? buildPermissions(t.permissions) : undefined,
          ]),
          t.extra,
        )
      : undefined,
  ]);
  return withExtra(root, p.extra);
}

/**
 * Builds pool XML for `virsh pool-define`.
 * @throws XmlError on names or characters XML cannot carry.
 */
export function buildPoolXml(p: Pool): string {
  return buildXml(buildPoolNode(p));
}
