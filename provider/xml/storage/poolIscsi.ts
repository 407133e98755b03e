/**
 * The parts of a pool's `<source>` that iSCSI pools have (`iscsi`, `iscsi-direct`):
 * the initiator's IQN and CHAP authentication through a libvirt secret. The
 * portal is `<host>` and the target's IQN `<device path>`, which other pool
 * types share (`pool.ts`).
 */
import { XmlError, XmlExtra, XmlNode, element, withExtra } from "../node";
import { ElementReader, compact, putExtra } from "../reader";

/** `<initiator><iqn name/></initiator>`: the IQN the host logs in as. */
export interface PoolInitiator {
  iqn: string;
  extra?: XmlExtra;
}

/**
 * `<auth type username><secret usage|uuid/></auth>`: the account the host logs in
 * with; the password is the value of the libvirt secret named by usage or UUID.
 */
export interface PoolAuth {
  /** `chap` for iSCSI (`ceph` for RBD pools). */
  type: string;
  username: string;
  secret: { usage?: string; uuid?: string; extra?: XmlExtra };
  extra?: XmlExtra;
}

/** Reads `<initiator>`; undefined when it names no IQN (kept unmodelled then). */
export function parseInitiator(r: ElementReader): PoolInitiator | undefined {
  const [node] = r.childrenWhere("initiator", (n) => n.children.some((c) => c.name === "iqn" && c.attrs.name !== undefined));
  if (!node) return undefined;
  const i = new ElementReader(node);
  const [iqnNode] = i.childrenWhere("iqn", (n) => n.attrs.name !== undefined);
  // childrenWhere above chose this node for having one.
  if (!iqnNode) throw new XmlError("<initiator> lacks <iqn name>");
  const q = new ElementReader(iqnNode);
  const out: PoolInitiator = { iqn: q.requiredAttr("name") };
  const own = i.extra();
  const ofIqn = q.extra();
  // What <iqn> itself has beyond its name travels as the initiator's nested remainder.
  const extra = ofIqn ? { attrs: {}, children: [], ...own, nested: { ...own?.nested, iqn: ofIqn } } : own;
  if (extra) out.extra = extra;
  return out;
}

/** Reads `<auth>`; undefined when it is not one with a username and a secret. */
export function parseAuth(r: ElementReader): PoolAuth | undefined {
  const [node] = r.childrenWhere(
    "auth",
    (n) => n.attrs.type !== undefined && n.attrs.username !== undefined && n.children.some((c) => c.name === "secret"),
  );
  if (!node) return undefined;
  const a = new ElementReader(node);
  const s = a.sub("secret");
  if (!s) throw new XmlError("<auth> lacks <secret>");
  const secret = putExtra(compact({ usage: s.attr("usage"), uuid: s.attr("uuid") }), s);
  return putExtra({ type: a.requiredAttr("type"), username: a.requiredAttr("username"), secret }, a);
}

/** Builds `<initiator>`. */
export function buildInitiator(i: PoolInitiator): XmlNode {
  return withExtra(element("initiator", {}, [element("iqn", { name: i.iqn })]), i.extra);
}

/** Builds `<auth>`. */
export function buildAuth(a: PoolAuth): XmlNode {
  const secret = withExtra(element("secret", { usage: a.secret.usage, uuid: a.secret.uuid }), a.secret.extra);
  return withExtra(element("auth", { type: a.type, username: a.username }, [secret]), a.extra);
}
