/**
 * The generic XML tree that every typed document is read from and written to.
 *
 * Parsing is this package's own reader (`read.ts`); building goes through
 * `xml2js`' builder, and this file is the only place that knows its object
 * shapes, so the typed models never see them.
 */
import { Builder } from "xml2js";
import { XmlSyntaxError, readXml } from "./read";

/**
 * One XML element, kept opaque: used for whatever the typed models do not
 * describe, so that a parse → build round trip never drops it.
 */
export interface XmlNode {
  /** Element name, with its namespace prefix if any (`qemu:commandline`). */
  name: string;
  /** Attributes in document order, namespace declarations included. */
  attrs: Record<string, string>;
  /** Child elements in document order. */
  children: XmlNode[];
  /**
   * Character data. For an element without child elements this is kept byte
   * for byte, whitespace included; for mixed content only non-blank text is
   * kept (trimmed), and it is written before the children (libvirt has no
   * mixed content).
   */
  text?: string;
}

/**
 * What a modelled element holds beyond its model: unknown attributes and
 * unknown child elements, written back after the modelled ones.
 */
export interface XmlExtra {
  /** Attributes the model does not know. */
  attrs: Record<string, string>;
  /** Child elements the model does not know, in document order. */
  children: XmlNode[];
  /**
   * Remainders of modelled children that the model reads only for their text
   * or content (`<name>`, `<devices>`, `<cmdline>`…), by element name.
   */
  nested?: Record<string, XmlExtra>;
}

/** Raised when a document cannot be parsed or built. */
export class XmlError extends Error {
  override readonly name = "XmlError";
}

/**
 * Parses an XML document into its root {@link XmlNode}.
 * @throws XmlError when the text is not well-formed XML (the message says where and why).
 */
export function parseXml(xml: string): XmlNode {
  if (xml.trim() === "") throw new XmlError("empty XML document");
  try {
    return readXml(xml);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new XmlError(`malformed XML: ${e.message}`);
    throw e;
  }
}

// XML 1.0 Name production, ASCII subset plus any non-ASCII letter. Checked on
// build because xmlbuilder treats names starting with `#` or `?` as
// instructions (raw text, comments), which would bypass escaping.
const NAME = /^[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9._:\-\u00B7\u00C0-\uFFFF]*$/;

function checkName(kind: string, name: string): void {
  if (!NAME.test(name)) throw new XmlError(`invalid XML ${kind} name ${JSON.stringify(name)}`);
}

/** The builder object shape xml2js accepts (see its builder's render). */
type BuildValue = string | BuildObject | BuildEntry[];
interface BuildObject {
  [key: string]: BuildValue | BuildValue[] | Record<string, string>;
}
type BuildEntry = Record<string, BuildValue>;

function toBuild(node: XmlNode): BuildValue {
  checkName("element", node.name);
  const attrNames = Object.keys(node.attrs);
  attrNames.forEach((a) => checkName("attribute", a));
  const hasText = node.text !== undefined && node.text !== "";
  if (attrNames.length === 0 && !hasText) {
    if (node.children.length === 0) return {};
    // An array renders children strictly in order (xml2js builder's array
    // branch); it cannot carry attributes, which this element has none of.
    return node.children.map((c) => ({ [c.name]: toBuild(c) }));
  }
  const obj: BuildObject = {};
  if (attrNames.length > 0) obj.$ = { ...node.attrs };
  if (hasText) obj._ = node.text ?? "";
  // Grouping by name keeps the order among same-named children; children of
  // different names interleaved under an element with attributes are the one
  // case xml2js cannot express, and libvirt has none where order matters.
  for (const c of node.children) {
    const list = (obj[c.name] ??= []) as BuildValue[];
    list.push(toBuild(c));
  }
  return obj;
}

/**
 * Builds the XML text of a tree: two-space indentation, no XML declaration.
 * Every attribute value and text is escaped by xml2js' builder.
 * @throws XmlError on an invalid element or attribute name, or on characters
 * XML 1.0 cannot carry (such as NUL).
 */
export function buildXml(root: XmlNode): string {
  const builder = new Builder({
    headless: true,
    renderOpts: { pretty: true, indent: "  ", newline: "\n" },
  });
  try {
    return builder.buildObject({ [root.name]: toBuild(root) });
  } catch (e) {
    if (e instanceof XmlError) throw e;
    throw new XmlError(`cannot build XML: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** An element with the given attributes (undefined ones left out) and children. */
export function element(
  name: string,
  attrs: Record<string, string | number | bigint | undefined> = {},
  children: ReadonlyArray<XmlNode | undefined> = [],
  text?: string,
): XmlNode {
  const node: XmlNode = { name, attrs: {}, children: children.filter((c): c is XmlNode => c !== undefined) };
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) node.attrs[k] = String(v);
  if (text !== undefined) node.text = text;
  return node;
}

/**
 * Appends an element's unmodelled remainder after its modelled content, and
 * gives each modelled child named in `nested` its own remainder back.
 */
export function withExtra(node: XmlNode, extra: XmlExtra | undefined): XmlNode {
  if (!extra) return node;
  for (const [name, rest] of Object.entries(extra.nested ?? {})) {
    const target = node.children.find((c) => c.name === name);
    // A modelled child the caller removed takes its remainder with it.
    if (target) withExtra(target, rest);
  }
  for (const [k, v] of Object.entries(extra.attrs)) if (!(k in node.attrs)) node.attrs[k] = v;
  node.children.push(...extra.children);
  return node;
}
