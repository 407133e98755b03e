/**
 * `xmlOverrides`: a partial `<domain>` document merged into the generated
 * one before it is defined. The merged result is what gets defined and what
 * is compared with the host, so an override never shows up as drift.
 *
 * Merge rules (an override element is merged into a generated one):
 *
 * a. Attributes of the override element are set on the matching generated
 *    element; the override wins. The override root may carry only `xmlns:*`
 *    declarations, which are copied to the generated root (so that
 *    `<qemu:commandline>` and other namespaced elements work).
 * b. Text: if the override element has text, it replaces the generated
 *    element's text.
 * c. Children of `<devices>`: an override device is matched to a generated
 *    device of the same element name and the same identity: `<disk>` by
 *    `target/@dev`; `<interface>` by `mac/@address` (case-insensitive);
 *    `<filesystem>` by `target/@dir`; `<graphics>` by `@type`; `<channel>` by
 *    `target/@name`; `<controller>` by `@type` and `@index` (index defaults
 *    to 0); `<serial>` and `<console>` by `target/@port` (defaults to 0). Any
 *    other device (watchdog, sound, input…) is never matched. A matched
 *    device is merged recursively by rules a–d; an unmatched one is appended
 *    to `<devices>`.
 * d. Other children: for a child name N under a given parent, if the
 *    override has exactly one N there and the generated parent has at most
 *    one N, the override's N is merged into the generated one (or appended
 *    when there is none). Otherwise (several `<boot dev=…>` under `<os>`,
 *    several `<feature>` under `<cpu>`, …) all generated N children under
 *    that parent are replaced by the override's N children, in the
 *    override's order, at the position of the first one replaced (or
 *    appended when there was none).
 * e. Overrides add and change; they do not remove. The only generated
 *    elements that disappear are the ones a list replacement (rule d)
 *    replaces.
 *
 * The override may not set `<name>`, `<uuid>` or root attributes other than
 * `xmlns:*`: the resource manages those through its own inputs.
 */
import { XmlError, XmlNode, buildXml, parseXml } from "../node";
import { buildDomainNode, domainProblems, parseDomainNode } from "./domain";
import { Domain } from "./types";

/**
 * A validated `xmlOverrides` document, ready for {@link applyDomainOverrides}.
 * Only {@link parseDomainOverrides} makes one; treat it as opaque.
 */
export interface DomainOverrides {
  /** The override's `<domain>` root element. */
  readonly root: XmlNode;
}

/** The largest override document accepted, in UTF-8 bytes. */
export const MAX_DOMAIN_OVERRIDES_BYTES = 64 * 1024;

// Root attributes the resource sets from its inputs, with where to set them.
const ROOT_ATTR_HINTS: Record<string, string> = {
  type: "the resource manages the domain type (use the domainType input)",
  id: "libvirt assigns the id of a running domain",
};

// Children the resource manages, with the reason they are refused.
const MANAGED_CHILDREN: Record<string, string> = {
  name: "the resource manages the domain's name (use the name input)",
  uuid: "the resource manages the domain's uuid (libvirt assigns it on define)",
};

/**
 * Parses and validates an `xmlOverrides` string. Each problem is a sentence
 * fragment that reads after "xmlOverrides " (e.g. "must have <domain> as its
 * root element"). `overrides` is set only when there are no problems.
 */
export function parseDomainOverrides(text: string): { overrides?: DomainOverrides; problems: string[] } {
  if (text.trim() === "") return { problems: ["must not be empty (leave the input unset instead)"] };
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_DOMAIN_OVERRIDES_BYTES) {
    return { problems: [`must be at most 64 KiB (${MAX_DOMAIN_OVERRIDES_BYTES} bytes), got ${bytes} bytes`] };
  }
  let root: XmlNode;
  try {
    root = parseXml(text);
  } catch (e) {
    // parseXml's own prefix would repeat what the fragment already says.
    const message = (e as Error).message.replace(/^malformed XML: /, "");
    return { problems: [`must be well-formed XML: ${message}`] };
  }
  if (root.name !== "domain") return { problems: [`must have <domain> as its root element, not <${root.name}>`] };
  const problems: string[] = [];
  for (const attr of Object.keys(root.attrs)) {
    if (attr.startsWith("xmlns:")) continue;
    const why = ROOT_ATTR_HINTS[attr] ?? "only xmlns:* namespace declarations may be set on the root";
    problems.push(`cannot set the <domain> attribute \`${attr}\`: ${why}`);
  }
  for (const child of root.children) {
    const why = Object.prototype.hasOwnProperty.call(MANAGED_CHILDREN, child.name) ? MANAGED_CHILDREN[child.name] : undefined;
    if (why !== undefined) problems.push(`cannot set <${child.name}>: ${why}`);
  }
  if (problems.length > 0) return { problems };
  const overrides: DomainOverrides = { root };
  // The override's own pieces must read as domain XML: merged into a bare
  // domain, every element it adds goes through the domain model.
  const check = tryApplyDomainOverrides({ type: "qemu", name: "x", devices: [] }, overrides);
  if (check.problems.length > 0) return { problems: check.problems };
  return { overrides, problems: [] };
}

/**
 * Merges overrides into a domain by the rules in this file's header, and
 * reads the result back through the domain model. Pure: neither input is
 * modified, and the result shares no objects with them.
 * @throws XmlError when the merged document is not a valid domain.
 */
export function applyDomainOverrides(dom: Domain, overrides: DomainOverrides): Domain {
  // The built tree reuses the domain's own unmodelled nodes, and merging
  // edits in place: work on copies so the inputs stay untouched.
  const merged = cloneNode(buildDomainNode(dom));
  mergeElement(merged, overrides.root, "root");
  return parseDomainNode(merged);
}

/**
 * {@link applyDomainOverrides} for a checker: the merged domain, or why the
 * merge result cannot be defined (each a fragment that reads after
 * "xmlOverrides "). Also builds the result, so names or characters XML cannot
 * carry and {@link domainProblems} are reported here rather than on define.
 */
export function tryApplyDomainOverrides(dom: Domain, overrides: DomainOverrides): { domain?: Domain; problems: string[] } {
  let domain: Domain;
  try {
    domain = applyDomainOverrides(dom, overrides);
    buildXml(buildDomainNode(domain));
  } catch (e) {
    if (!(e instanceof XmlError)) throw e;
    return { problems: [`does not give a valid domain document: ${e.message}`] };
  }
  const problems = domainProblems(domain).map((p) => `gives a domain libvirt would refuse: ${p}`);
  return problems.length > 0 ? { problems } : { domain, problems };
}

/** Where an element sits, for the rules that depend on it. */
type Place = "root" | "devices" | "other";

function cloneNode(n: XmlNode): XmlNode {
  const out: XmlNode = { name: n.name, attrs: { ...n.attrs }, children: n.children.map(cloneNode) };
  if (n.text !== undefined) out.text = n.text;
  return out;
}

/** Merges `ov` into `gen` in place (`gen` is already a private copy). */
function mergeElement(gen: XmlNode, ov: XmlNode, place: Place): void {
  Object.assign(gen.attrs, ov.attrs); // rule a
  if (ov.text !== undefined) gen.text = ov.text; // rule b
  if (place === "devices") mergeDevices(gen, ov.children);
  else mergeChildren(gen, ov.children, place);
}

/** Rule d, plus `<devices>` under the root going to rule c. */
function mergeChildren(gen: XmlNode, ovChildren: readonly XmlNode[], place: Place): void {
  const names = [...new Set(ovChildren.map((c) => c.name))];
  for (const name of names) {
    const ovs = ovChildren.filter((c) => c.name === name);
    const gens = gen.children.filter((c) => c.name === name);
    const [firstGen] = gens;
    // The override's element of this name when it has exactly one.
    const [onlyOv] = ovs.length === 1 ? ovs : [];
    if (place === "root" && name === "devices") {
      // The generated domain always has one <devices>; every override one adds to it.
      let target = firstGen;
      if (!target) gen.children.push((target = { name, attrs: {}, children: [] }));
      for (const o of ovs) mergeElement(target, o, "devices");
    } else if (onlyOv && gens.length <= 1) {
      if (firstGen) mergeElement(firstGen, onlyOv, "other");
      else gen.children.push(cloneNode(onlyOv));
    } else {
      const at = firstGen ? gen.children.indexOf(firstGen) : gen.children.length;
      const kept = gen.children.filter((c) => c.name !== name);
      kept.splice(Math.min(at, kept.length), 0, ...ovs.map(cloneNode));
      gen.children = kept;
    }
  }
}

/** Rule c: override devices merge into their generated counterpart, or are appended. */
function mergeDevices(gen: XmlNode, ovDevices: readonly XmlNode[]): void {
  // Only generated devices are candidates: two override devices with the
  // same identity both merge into the same generated one.
  const generated = [...gen.children];
  for (const ov of ovDevices) {
    const key = deviceIdentity(ov);
    const match = key === undefined ? undefined : generated.find((g) => g.name === ov.name && deviceIdentity(g) === key);
    if (match) mergeElement(match, ov, "other");
    else gen.children.push(cloneNode(ov));
  }
}

/** The identity rule c matches a device by, or undefined to always append. */
function deviceIdentity(n: XmlNode): string | undefined {
  const target = (attr: string) => n.children.find((c) => c.name === "target")?.attrs[attr];
  switch (n.name) {
    case "disk":
      return target("dev");
    case "interface":
      return n.children.find((c) => c.name === "mac")?.attrs.address?.toLowerCase();
    case "filesystem":
      return target("dir");
    case "graphics":
      return n.attrs.type;
    case "channel":
      return target("name");
    case "controller":
      return n.attrs.type === undefined ? undefined : `${n.attrs.type}:${n.attrs.index ?? "0"}`;
    case "serial":
    case "console":
      return target("port") ?? "0";
    default:
      return undefined;
  }
}
