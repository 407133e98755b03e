/** The secret document (`virsh secret-dumpxml`), after libvirt's formatsecret. Never holds the value. */
import { XmlError, XmlExtra, XmlNode, buildXml, element, parseXml, withExtra } from "../node";
import { ElementReader, compact, putExtra, yesNo } from "../reader";

/**
 * `<usage>`: what the secret is for; with its type, the id names the secret on
 * the host. Types this project does not use keep their content unmodelled.
 */
export type SecretUsage =
  /** An iSCSI CHAP password; `target` is a free name, not the target's IQN. */
  | { type: "iscsi"; target: string; extra?: XmlExtra }
  /** Any other usage (`volume`, `ceph`, `tls`, `vtpm`): its content as libvirt wrote it. */
  | { type: "volume" | "ceph" | "tls" | "vtpm"; extra?: XmlExtra };

/** A whole secret definition. */
export interface Secret {
  uuid?: string;
  /** Kept in memory only, lost when the daemon restarts. */
  ephemeral?: boolean;
  /** The value is never given back through the API. */
  private?: boolean;
  description?: string;
  usage?: SecretUsage;
  extra?: XmlExtra;
}

const OTHER_USAGES = ["volume", "ceph", "tls", "vtpm"] as const;

function parseUsage(r: ElementReader): SecretUsage {
  const type = r.requiredAttr("type");
  if (type === "iscsi") {
    const target = r.childText("target");
    if (target === undefined) throw new XmlError("<usage type='iscsi'> lacks <target>");
    return putExtra({ type, target }, r);
  }
  const other = OTHER_USAGES.find((t) => t === type);
  if (!other) throw new XmlError(`unknown secret usage type ${JSON.stringify(type)}`);
  return putExtra({ type: other }, r);
}

/** Reads a secret from its parsed root element. */
export function parseSecretNode(root: XmlNode): Secret {
  if (root.name !== "secret") throw new XmlError(`expected <secret>, got <${root.name}>`);
  const r = new ElementReader(root);
  const usage = r.sub("usage");
  const secret: Secret = compact({
    ephemeral: r.yesNoAttr("ephemeral"),
    private: r.yesNoAttr("private"),
    uuid: r.childText("uuid"),
    description: r.childText("description"),
    usage: usage ? parseUsage(usage) : undefined,
  });
  return putExtra(secret, r);
}

/**
 * Parses `virsh secret-dumpxml` output into a {@link Secret}.
 * @throws XmlError when the text is not a secret document.
 */
export function parseSecretXml(xml: string): Secret {
  return parseSecretNode(parseXml(xml));
}

function usageNode(u: SecretUsage): XmlNode {
  const children = u.type === "iscsi" ? [element("target", {}, [], u.target)] : [];
  return withExtra(element("usage", { type: u.type }, children), u.extra);
}

/** Builds a secret's root element. */
export function buildSecretNode(s: Secret): XmlNode {
  const root = element("secret", { ephemeral: yesNo(s.ephemeral), private: yesNo(s.private) }, [
    s.uuid !== undefined ? element("uuid", {}, [], s.uuid) : undefined,
    s.description !== undefined ? element("description", {}, [], s.description) : undefined,
    s.usage ? usageNode(s.usage) : undefined,
  ]);
  return withExtra(root, s.extra);
}

/**
 * Builds secret XML for `virsh secret-define`; every text and attribute is escaped.
 * @throws XmlError on characters XML cannot carry.
 */
export function buildSecretXml(s: Secret): string {
  return buildXml(buildSecretNode(s));
}
