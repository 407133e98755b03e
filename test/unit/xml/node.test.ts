import { strict as assert } from "assert";
import {
  XmlError,
  XmlNode,
  buildDomainXml,
  buildNetworkXml,
  buildXml,
  parseDomainXml,
  parseNetworkXml,
  parseXml,
} from "../../../provider/xml";
import { HOSTILE_MULTI_LINE, HOSTILE_TEXT } from "../../fixtures/xml/hostile";

const HOSTILE = [...HOSTILE_TEXT, HOSTILE_MULTI_LINE, "crlf\r\nand\ttab"];

describe("xml/node", () => {
  it("keeps child order, including interleaved names", () => {
    const xml = '<devices><disk n="1"/><interface/><disk n="2"/><watchdog/></devices>';
    const tree = parseXml(xml);
    const again = parseXml(buildXml(tree));
    assert.deepEqual(
      again.children.map((c) => c.name),
      ["disk", "interface", "disk", "watchdog"],
    );
    assert.deepEqual(again, tree);
  });

  it("keeps leaf text byte for byte, whitespace included", () => {
    const tree = parseXml("<a><b>  x  </b><c>   </c><d/></a>");
    assert.equal(tree.children[0].text, "  x  ");
    assert.equal(tree.children[1].text, "   ");
    assert.equal(tree.children[2].text, undefined);
    assert.deepEqual(parseXml(buildXml(tree)), tree);
  });

  for (const s of HOSTILE) {
    it(`escapes text and attributes: ${JSON.stringify(s).slice(0, 40)}`, () => {
      const node: XmlNode = { name: "root", attrs: { value: s }, children: [{ name: "leaf", attrs: {}, children: [], text: s }] };
      const xml = buildXml(node);
      assert.ok(!xml.includes("<![CDATA["), "never emits CDATA");
      assert.ok(!xml.includes("<name>evil"), "markup in text stays text");
      const back = parseXml(xml);
      assert.equal(back.attrs.value, s);
      assert.equal(back.children[0].text, s);
    });
  }

  it("refuses element and attribute names that would bypass escaping", () => {
    for (const name of ["#raw", "#text", "?pi", "@x", "a b", "", "1a", "a>b"]) {
      assert.throws(() => buildXml({ name, attrs: {}, children: [] }), XmlError, name);
      assert.throws(() => buildXml({ name: "ok", attrs: { [name]: "v" }, children: [] }), XmlError, name);
    }
  });

  it("refuses characters XML 1.0 cannot carry", () => {
    assert.throws(() => buildXml({ name: "a", attrs: {}, children: [], text: "nul \u0000" }), XmlError);
  });

  it("reports malformed input as XmlError", () => {
    assert.throws(() => parseXml("<a><b></a>"), XmlError);
    assert.throws(() => parseXml(""), XmlError);
    assert.throws(() => parseDomainXml("<network><name>x</name></network>"), XmlError);
  });

  it("carries hostile text in every free-text domain field", () => {
    for (const s of HOSTILE) {
      const d = parseDomainXml("<domain type='qemu'><name>n</name></domain>");
      d.title = s.replace(/[\r\n]/g, " "); // libvirt refuses line breaks in titles
      d.description = s;
      d.os = { type: "hvm", cmdline: s };
      d.metadata = [{ name: "pk:note", attrs: { "xmlns:pk": "urn:pk", v: s }, children: [], text: s }];
      const back = parseDomainXml(buildDomainXml(d));
      assert.equal(back.title, d.title);
      assert.equal(back.description, s);
      assert.equal(back.os?.cmdline, s);
      assert.deepEqual(back.metadata, d.metadata);
    }
  });

  it("refuses what libvirt could not give back: newline titles, unsafe network domain names", () => {
    const d = parseDomainXml("<domain type='qemu'><name>n</name></domain>");
    assert.throws(() => buildDomainXml({ ...d, title: "a\nb" }), /title/);
    const n = parseNetworkXml("<network><name>n</name></network>");
    for (const bad of ["it's", "a<b", "a&b", "a\nb"]) {
      assert.throws(() => buildNetworkXml({ ...n, domain: { name: bad } }), /domain.name/);
    }
    const ok = `q"u >]]> ü 日本 🎉`;
    assert.equal(parseNetworkXml(buildNetworkXml({ ...n, domain: { name: ok } })).domain?.name, ok);
  });
});
