/**
 * Reads XML text into {@link XmlNode} trees in one pass over the string.
 *
 * Every document libvirt sends back is read here, a few per resource on each preview; going
 * through a general event parser and then reshaping its objects was the largest share of a
 * no-op preview's CPU time. This reader builds the tree directly and accepts exactly what
 * libvirt and a user's override document need: elements, attributes, character data, the five
 * predefined and numeric character references, CDATA sections, comments and processing
 * instructions. It refuses document type declarations (nothing libvirt writes has one, and
 * entity declarations are how XML bombs work) and everything that is not well-formed.
 *
 * Character data is kept as written (no line-end or attribute-value whitespace folding), so
 * what a build wrote reads back the same.
 */
import type { XmlNode } from "./node";

/** Why a text is not a well-formed document, and where. */
export class XmlSyntaxError extends Error {
  override readonly name = "XmlSyntaxError";

  /**
   * @param reason what is wrong
   * @param line 1-based line of the offending character
   * @param column 1-based column of the offending character
   */
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

// XML 1.0 Name, ASCII plus any non-ASCII character (as the builder's check accepts).
const NAME = /[A-Za-z_:\u00C0-\uFFFF][A-Za-z0-9._:\-\u00B7\u00C0-\uFFFF]*/y;
const SPACE = /[ \t\r\n]*/y;
const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ["lt", "<"],
  ["gt", ">"],
  ["amp", "&"],
  ["quot", '"'],
  ["apos", "'"],
]);

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;

/** An element being read: its node and the character data seen so far between its children. */
interface Open {
  node: XmlNode;
  texts: string[];
}

/**
 * Parses a whole document and returns its root element.
 * @throws XmlSyntaxError when the text is not one well-formed element, with the position.
 */
export function readXml(text: string): XmlNode {
  return new DocumentReader(text).document();
}

class DocumentReader {
  private pos = 0;

  constructor(private readonly src: string) {
    // A byte-order mark is encoding metadata, not content.
    if (src.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  document(): XmlNode {
    this.skipMisc();
    if (this.pos >= this.src.length) this.fail("no root element");
    if (this.src.charCodeAt(this.pos) !== LT) this.fail("text before the root element");
    const root = this.elements();
    this.skipMisc();
    if (this.pos < this.src.length) this.fail("content after the root element");
    return root;
  }

  /**
   * Reads the element starting at `pos` with all its descendants. Iterative, so that a deeply
   * nested hostile document fails or succeeds without exhausting the call stack.
   */
  private elements(): XmlNode {
    const src = this.src;
    const stack: Open[] = [];
    for (;;) {
      const next = src.charCodeAt(this.pos + 1);
      if (next === SLASH) {
        const closed = this.endTag(stack);
        if (stack.length === 0) return closed;
      } else if (next === BANG) {
        const cdata = this.markupDeclaration();
        if (cdata !== undefined) stack[stack.length - 1]?.texts.push(cdata);
      } else if (next === QUESTION) {
        this.skipInstruction();
      } else {
        const open = this.startTag();
        const parent = stack[stack.length - 1];
        if (parent) parent.node.children.push(open.node);
        if (open.empty) {
          if (!parent) return open.node;
        } else {
          stack.push({ node: open.node, texts: [] });
        }
      }
      const lt = src.indexOf("<", this.pos);
      const top = stack[stack.length - 1];
      if (!top) this.fail("unexpected end of the root element");
      if (lt < 0) this.fail(`<${top.node.name}> is not closed`, src.length);
      if (lt > this.pos) top.texts.push(this.characters(src.slice(this.pos, lt), this.pos));
      this.pos = lt;
    }
  }

  /** Reads `<name attr="v"…>` or `<name…/>`. */
  private startTag(): { node: XmlNode; empty: boolean } {
    this.pos++;
    const name = this.name("an element name");
    const node: XmlNode = { name, attrs: {}, children: [] };
    for (;;) {
      const before = this.pos;
      this.skipSpace();
      const c = this.src.charCodeAt(this.pos);
      if (c === GT) {
        this.pos++;
        return { node, empty: false };
      }
      if (c === SLASH && this.src.charCodeAt(this.pos + 1) === GT) {
        this.pos += 2;
        return { node, empty: true };
      }
      if (Number.isNaN(c)) this.fail(`<${name}> is not closed`);
      if (this.pos === before) this.fail(`expected white space, > or /> in <${name}>`);
      const attr = this.name(`an attribute name in <${name}>`);
      this.skipSpace();
      if (this.src.charCodeAt(this.pos) !== EQUALS) this.fail(`attribute ${attr} of <${name}> has no value`);
      this.pos++;
      this.skipSpace();
      if (Object.prototype.hasOwnProperty.call(node.attrs, attr)) this.fail(`attribute ${attr} of <${name}> is repeated`);
      node.attrs[attr] = this.attributeValue(attr);
    }
  }

  private attributeValue(attr: string): string {
    const quote = this.src[this.pos];
    if (quote !== '"' && quote !== "'") this.fail(`the value of attribute ${attr} is not quoted`);
    const start = this.pos + 1;
    const end = this.src.indexOf(quote, start);
    if (end < 0) this.fail(`the value of attribute ${attr} is not closed`);
    const raw = this.src.slice(start, end);
    const lt = raw.indexOf("<");
    if (lt >= 0) this.fail(`< in the value of attribute ${attr}`, start + lt);
    this.pos = end + 1;
    return this.characters(raw, start);
  }

  /** Reads `</name>` and closes the innermost open element, which must be `name`. */
  private endTag(stack: Open[]): XmlNode {
    const at = this.pos;
    this.pos += 2;
    const name = this.name("an element name");
    this.skipSpace();
    if (this.src.charCodeAt(this.pos) !== GT) this.fail(`expected > to end </${name}`);
    this.pos++;
    const open = stack.pop();
    if (!open) this.fail(`</${name}> closes nothing`, at);
    if (open.node.name !== name) this.fail(`</${name}> closes <${open.node.name}>`, at);
    finishText(open);
    return open.node;
  }

  /** A comment (skipped) or a CDATA section (its text); anything else after `<!` is refused. */
  private markupDeclaration(): string | undefined {
    const src = this.src;
    if (src.startsWith("<!--", this.pos)) {
      const end = src.indexOf("-->", this.pos + 4);
      if (end < 0) this.fail("comment is not closed");
      this.pos = end + 3;
      return undefined;
    }
    if (src.startsWith("<![CDATA[", this.pos)) {
      const end = src.indexOf("]]>", this.pos + 9);
      if (end < 0) this.fail("CDATA section is not closed");
      const text = src.slice(this.pos + 9, end);
      this.pos = end + 3;
      return text;
    }
    if (src.startsWith("<!DOCTYPE", this.pos)) this.fail("document type declarations are not accepted");
    return this.fail("unknown markup after <!");
  }

  private skipInstruction(): void {
    const end = this.src.indexOf("?>", this.pos + 2);
    if (end < 0) this.fail("processing instruction is not closed");
    this.pos = end + 2;
  }

  /** White space, comments and processing instructions, as allowed around the root element. */
  private skipMisc(): void {
    for (;;) {
      this.skipSpace();
      if (this.src.startsWith("<!--", this.pos)) this.markupDeclaration();
      else if (this.src.startsWith("<?", this.pos)) this.skipInstruction();
      else if (this.src.startsWith("<!", this.pos)) this.markupDeclaration();
      else return;
    }
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.pos;
    SPACE.test(this.src);
    this.pos = SPACE.lastIndex;
  }

  private name(what: string): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.src);
    if (!m) this.fail(`expected ${what}`);
    this.pos = NAME.lastIndex;
    return m[0];
  }

  /** Character data with its references replaced; `at` is where `raw` starts, for messages. */
  private characters(raw: string, at: number): string {
    let amp = raw.indexOf("&");
    if (amp < 0) return raw;
    let out = "";
    let from = 0;
    while (amp >= 0) {
      const semi = raw.indexOf(";", amp + 1);
      const ref = semi < 0 ? "" : raw.slice(amp + 1, semi);
      const value = referenced(ref);
      if (value === undefined) this.fail(`unknown or malformed reference &${ref.slice(0, 16)}${semi < 0 ? "" : ";"}`, at + amp);
      out += raw.slice(from, amp) + value;
      from = semi + 1;
      amp = raw.indexOf("&", from);
    }
    return out + raw.slice(from);
  }

  private fail(reason: string, at = this.pos): never {
    let line = 1;
    let lineStart = 0;
    for (let i = this.src.indexOf("\n"); i >= 0 && i < at; i = this.src.indexOf("\n", i + 1)) {
      line++;
      lineStart = i + 1;
    }
    throw new XmlSyntaxError(reason, line, at - lineStart + 1);
  }
}

/** The text a reference (`amp`, `#60`, `#x3C`) stands for; undefined when it is none. */
function referenced(ref: string): string | undefined {
  if (ref.charCodeAt(0) !== 0x23) return PREDEFINED.get(ref);
  const hex = ref[1] === "x";
  const digits = ref.slice(hex ? 2 : 1);
  if (!(hex ? /^[0-9A-Fa-f]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) return undefined;
  const code = parseInt(digits, hex ? 16 : 10);
  // XML 1.0's Char production: no NUL or other C0 controls but tab and line ends, no surrogates.
  const allowed =
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  return allowed ? String.fromCodePoint(code) : undefined;
}

/**
 * Gives a closed element its text. A leaf keeps its character data byte for byte, white space
 * included; between child elements white space is indentation, and other text (mixed content,
 * which libvirt never writes) is kept trimmed so that re-indenting on build cannot grow it.
 */
function finishText(open: Open): void {
  const { node, texts } = open;
  if (texts.length === 0) return;
  if (node.children.length === 0) {
    node.text = texts.length === 1 ? texts[0] : texts.join("");
    return;
  }
  const meaningful = texts.map((t) => t.trim()).filter((t) => t !== "");
  if (meaningful.length > 0) node.text = meaningful.join(" ");
}
