/**
 * Test helpers: pick the parse/build pair by root element, and check that a
 * round trip loses nothing (every element, attribute and text survives, and
 * devices keep their order).
 */
import { strict as assert } from "assert";
import {
  XmlNode,
  buildDomainXml,
  buildNetworkXml,
  buildPoolXml,
  buildVolumeXml,
  parseDomainXml,
  parseNetworkXml,
  parsePoolXml,
  parseVolumeXml,
  parseXml,
} from "../../../../provider/xml";

/** Parses and rebuilds a document of any kind. */
export function rebuild(xml: string): { typed: unknown; again: unknown; out: string } {
  const root = parseXml(xml).name;
  switch (root) {
    case "domain": {
      const typed = parseDomainXml(xml);
      const out = buildDomainXml(typed);
      return { typed, out, again: parseDomainXml(out) };
    }
    case "network": {
      const typed = parseNetworkXml(xml);
      const out = buildNetworkXml(typed);
      return { typed, out, again: parseNetworkXml(out) };
    }
    case "pool": {
      const typed = parsePoolXml(xml);
      const out = buildPoolXml(typed);
      return { typed, out, again: parsePoolXml(out) };
    }
    case "volume": {
      const typed = parseVolumeXml(xml);
      const out = buildVolumeXml(typed);
      return { typed, out, again: parseVolumeXml(out) };
    }
    default:
      throw new Error(`no parser for <${root}>`);
  }
}

/**
 * A canonical text of a tree: attributes sorted; children in order among
 * same-named siblings and under <devices>, otherwise sorted by name (libvirt
 * itself orders those); whitespace-only text dropped (indentation).
 */
export function canonical(node: XmlNode): string {
  const attrs = Object.keys(node.attrs)
    .sort()
    .map((k) => `${k}=${JSON.stringify(node.attrs[k])}`)
    .join(" ");
  const text = node.text !== undefined && node.text.trim() !== "" ? JSON.stringify(node.text) : "";
  let kids = node.children.map(canonical);
  if (node.name !== "devices") {
    const order = [...new Set(node.children.map((c) => c.name))].sort();
    kids = order.flatMap((name) => node.children.filter((c) => c.name === name).map(canonical));
  }
  return `<${node.name} ${attrs}>${text}${kids.join("")}</${node.name}>`;
}

/** Asserts that parse → build → parse keeps the typed value and every piece of the XML. */
export function assertLossless(xml: string, label: string): void {
  const { typed, again, out } = rebuild(xml);
  assert.deepEqual(again, typed, `${label}: typed value changed by a round trip`);
  assert.equal(canonical(parseXml(out)), canonical(parseXml(xml)), `${label}: XML changed by a round trip`);
}
