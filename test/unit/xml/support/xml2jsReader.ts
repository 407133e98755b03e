/**
 * The reader the provider used before its own (`provider/xml/read.ts`): xml2js' event parser,
 * its objects reshaped into {@link XmlNode}s. Kept as the reference the new reader must agree
 * with on every document both accept.
 */
import { parseString } from "xml2js";
import type { XmlNode } from "../../../../provider/xml";

const OPTIONS = {
  explicitChildren: true,
  preserveChildrenOrder: true,
  charsAsChildren: true,
  includeWhiteChars: true,
  explicitCharkey: true,
  trim: false,
  normalize: false,
  normalizeTags: false,
  xmlns: false,
  async: false,
  strict: true,
  attrkey: "$",
  charkey: "_",
  childkey: "$$",
} as const;

interface RawNode {
  "#name": string;
  $?: Record<string, string>;
  _?: string;
  $$?: RawNode[];
}

function fromRaw(raw: RawNode): XmlNode {
  const node: XmlNode = { name: raw["#name"], attrs: { ...(raw.$ ?? {}) }, children: [] };
  const texts: string[] = [];
  for (const child of raw.$$ ?? []) {
    if (child["#name"] === "__text__") texts.push(child._ ?? "");
    else node.children.push(fromRaw(child));
  }
  if (node.children.length === 0) {
    if (texts.length > 0) node.text = texts.join("");
  } else {
    const meaningful = texts.map((t) => t.trim()).filter((t) => t !== "");
    if (meaningful.length > 0) node.text = meaningful.join(" ");
  }
  return node;
}

/** The root as xml2js reads it; throws what xml2js throws. */
export function xml2jsRead(xml: string): XmlNode {
  let result: Record<string, RawNode> | undefined;
  let failure: Error | undefined;
  parseString(xml, OPTIONS, (err: Error | null, value: Record<string, RawNode> | null) => {
    if (err) failure = err;
    else result = value ?? undefined;
  });
  if (failure) throw failure;
  const root = result ? Object.values(result)[0] : undefined;
  if (!root) throw new Error("empty document");
  return fromRaw(root);
}
