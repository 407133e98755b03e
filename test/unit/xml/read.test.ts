import { strict as assert } from "assert";
import { readdirSync, readFileSync, statSync } from "fs";
import * as path from "path";
import { XmlError, XmlNode, buildXml, parseXml } from "../../../provider/xml";
import { HOSTILE_MULTI_LINE, HOSTILE_ONE_LINE, HOSTILE_TEXT } from "../../fixtures/xml/hostile";
import { xml2jsRead } from "./support/xml2jsReader";

const FIXTURES = path.resolve(__dirname, "../../fixtures");

/** Every .xml file under the test fixtures: real dumpxml output of both test hosts and more. */
function fixtureFiles(dir = FIXTURES): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return fixtureFiles(full);
    return entry.endsWith(".xml") ? [full] : [];
  });
}

/** Documents with every construct the reader handles, which xml2js reads too. */
const CONSTRUCTS = [
  "<a/>",
  "<a></a>",
  "<a>   </a>",
  '<?xml version="1.0" encoding="UTF-8"?>\n<!-- before -->\n<a x="1"/>\n<!-- after -->\n',
  "\uFEFF<a/>",
  "<a>x<!--c-->y<![CDATA[ <z> & ]]>w</a>",
  "<a> p <b/> q <!--c--> r </a>",
  "<a>\n  <b>1</b>\n  <c/>\n</a>",
  `<a b="x\ny\tz\r\nw" c='it"s' d="it's"/>`,
  "<a>x\r\ny</a>",
  "<a b='&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F389;'>&lt;tag&gt; &amp;amp; &#10;</a>",
  "<a>]]></a>",
  "<qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><qemu:arg value='-s'/></qemu:commandline>",
  "<a  b = 'x'  ><b\n/></a >",
  "<a><?pi inside?><b/></a>",
  "<d><disk n='1'/><interface/><disk n='2'/><watchdog/></d>",
  "<日本 属性='値'>テキスト</日本>",
];

describe("xml/read", () => {
  describe("reads what the xml2js-based reader read", () => {
    const files = fixtureFiles();
    it("finds the host fixtures", () => assert.ok(files.length >= 20, `only ${files.length} fixture documents`));
    for (const file of files) {
      it(path.relative(FIXTURES, file), () => {
        const xml = readFileSync(file, "utf8");
        assert.deepEqual(parseXml(xml), xml2jsRead(xml));
      });
    }
    for (const xml of CONSTRUCTS) {
      it(JSON.stringify(xml).slice(0, 60), () => assert.deepEqual(parseXml(xml), xml2jsRead(xml)));
    }
    it("reads back hostile text written by the builder", () => {
      for (const s of [...HOSTILE_TEXT, HOSTILE_ONE_LINE, HOSTILE_MULTI_LINE, "crlf\r\nand\ttab"]) {
        const node: XmlNode = { name: "r", attrs: { v: s }, children: [{ name: "leaf", attrs: {}, children: [], text: s }] };
        const xml = buildXml(node);
        assert.deepEqual(parseXml(xml), xml2jsRead(xml));
        assert.deepEqual(parseXml(xml), node);
      }
    });
  });

  describe("refuses what is not well-formed, saying where", () => {
    const cases: [string, RegExp][] = [
      ["", /empty XML document/],
      ["  \n ", /empty XML document/],
      ["<a><b></a>", /line 1, column 7: <\/a> closes <b>/],
      ["<a>\n  <b>\n</a>", /line 3, column 1: <\/a> closes <b>/],
      ["<a>", /<a> is not closed/],
      ["<a", /<a> is not closed/],
      ["text<a/>", /line 1, column 1: text before the root element/],
      ["<a/>x", /content after the root element/],
      ["<a/><b/>", /content after the root element/],
      ["</a>", /<\/a> closes nothing/],
      ["<a b='1' b='2'/>", /attribute b of <a> is repeated/],
      ["<a b=1/>", /value of attribute b is not quoted/],
      ["<a b/>", /attribute b of <a> has no value/],
      ["<a b='x/>", /value of attribute b is not closed/],
      ["<a b='<'/>", /< in the value of attribute b/],
      ["<a b='1'c='2'/>", /expected white space, > or \/> in <a>/],
      ["<a>&foo;</a>", /line 1, column 4: unknown or malformed reference &foo;/],
      ["<a>&toString;</a>", /unknown or malformed reference &toString;/],
      ["<a>&amp</a>", /unknown or malformed reference/],
      ["<a>&#0;</a>", /unknown or malformed reference &#0;/],
      ["<a>&#xD800;</a>", /unknown or malformed reference/],
      ["<a>&#x110000;</a>", /unknown or malformed reference/],
      ['<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', /document type declarations are not accepted/],
      ["<a><!DOCTYPE a></a>", /document type declarations are not accepted/],
      ["<a><!-- open</a>", /comment is not closed/],
      ["<a><![CDATA[ open</a>", /CDATA section is not closed/],
      ["<a><? open</a>", /processing instruction is not closed/],
      ["<1a/>", /expected an element name/],
      ["<a></ a>", /expected an element name/],
    ];
    for (const [xml, expected] of cases) {
      it(JSON.stringify(xml), () => {
        assert.throws(
          () => parseXml(xml),
          (e: unknown) => e instanceof XmlError && expected.test(e.message),
        );
      });
    }
  });

  it("reads a deeply nested document without exhausting the stack", () => {
    const depth = 200_000;
    const tree = parseXml("<a>".repeat(depth) + "x" + "</a>".repeat(depth));
    let node = tree;
    let seen = 1;
    while (node.children[0]) {
      node = node.children[0];
      seen++;
    }
    assert.equal(seen, depth);
    assert.equal(node.text, "x");
  });
});
