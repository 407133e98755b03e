/**
 * Reading one modelled element: every attribute or child the model asks for
 * is marked as consumed, and whatever nobody asked for becomes the element's
 * {@link XmlExtra}, so nothing unknown is lost on the way back.
 */
import { XmlError, XmlExtra, XmlNode, element, withExtra } from "./node";
import { Size, SizeElement, SizeUnit, parseSizeUnit } from "./size";

/** Consumption-tracking view of one element (internal to the models). */
export class ElementReader {
  private readonly usedAttrs = new Set<string>();
  private readonly usedChildren = new Set<XmlNode>();
  private readonly nested: Record<string, XmlExtra> = {};

  constructor(readonly node: XmlNode) {}

  /** An attribute's value. */
  attr(name: string): string | undefined {
    this.usedAttrs.add(name);
    return this.node.attrs[name];
  }

  /** An attribute that must be there. */
  requiredAttr(name: string): string {
    const v = this.attr(name);
    if (v === undefined) throw new XmlError(`<${this.node.name}> lacks attribute ${name}`);
    return v;
  }

  /** An integer attribute (decimal or 0x hex, as libvirt writes them). */
  intAttr(name: string): number | undefined {
    const v = this.attr(name);
    return v === undefined ? undefined : parseInteger(v, `${this.node.name}@${name}`);
  }

  /** A `yes`/`no` attribute as a boolean; any other value stays a string. */
  yesNoAttr(name: string): boolean | undefined {
    const v = this.attr(name);
    if (v === undefined) return undefined;
    if (v === "yes") return true;
    if (v === "no") return false;
    // Not ours to interpret: keep it as unmodelled.
    this.usedAttrs.delete(name);
    return undefined;
  }

  /**
   * An attribute whose value must be one of `values`; any other value is left
   * unconsumed, so it survives as unmodelled rather than being mistyped.
   */
  enumAttr<T extends string>(name: string, values: readonly T[]): T | undefined {
    const v = this.node.attrs[name];
    if (v === undefined || !(values as readonly string[]).includes(v)) return undefined;
    this.usedAttrs.add(name);
    return v as T;
  }

  /** An `on`/`off` attribute as a boolean; other values stay unmodelled. */
  onOffAttr(name: string): boolean | undefined {
    const v = this.enumAttr(name, ["on", "off"] as const);
    return v === undefined ? undefined : v === "on";
  }

  /** Children of that name accepted by `pred`; the others stay unmodelled. */
  childrenWhere(name: string, pred: (n: XmlNode) => boolean): XmlNode[] {
    const list = this.node.children.filter((n) => n.name === name && !this.usedChildren.has(n) && pred(n));
    list.forEach((c) => this.usedChildren.add(c));
    return list;
  }

  /** The first child of that name. */
  child(name: string): XmlNode | undefined {
    const c = this.node.children.find((n) => n.name === name && !this.usedChildren.has(n));
    if (c) this.usedChildren.add(c);
    return c;
  }

  /** All children of that name, in order. */
  children(name: string): XmlNode[] {
    const list = this.node.children.filter((n) => n.name === name && !this.usedChildren.has(n));
    list.forEach((c) => this.usedChildren.add(c));
    return list;
  }

  /** A reader over the first child of that name. */
  sub(name: string): ElementReader | undefined {
    const c = this.child(name);
    return c ? new ElementReader(c) : undefined;
  }

  /**
   * The first child of that name, whose content the caller models: its own
   * attributes and unknown children are kept as a nested remainder.
   */
  contentChild(name: string, keepChildren = false): XmlNode | undefined {
    const c = this.child(name);
    if (!c) return undefined;
    const rest: XmlExtra = { attrs: { ...c.attrs }, children: keepChildren ? [] : [...c.children] };
    if (Object.keys(rest.attrs).length > 0 || rest.children.length > 0) this.nested[name] = rest;
    return c;
  }

  /** Text of the first child of that name (an empty element gives ''). */
  childText(name: string): string | undefined {
    const c = this.contentChild(name);
    if (!c) return undefined;
    return c.text ?? "";
  }

  /** Integer text of the first child of that name. */
  childInt(name: string): number | undefined {
    const t = this.childText(name);
    return t === undefined ? undefined : parseInteger(t.trim(), name);
  }

  /** A `<name unit='…'>value</name>` child as a size element. */
  childSize(name: string, defaultUnit: SizeUnit): SizeElement | undefined {
    const c = this.sub(name);
    return c ? putExtra({ ...readSize(c, defaultUnit) }, c) : undefined;
  }

  /** The element's text. */
  text(): string | undefined {
    return this.node.text;
  }

  /** Unconsumed attributes and children, or undefined when there are none. */
  extra(): XmlExtra | undefined {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.node.attrs)) if (!this.usedAttrs.has(k)) attrs[k] = v;
    const children = this.node.children.filter((c) => !this.usedChildren.has(c));
    const nested = Object.keys(this.nested).length > 0 ? { ...this.nested } : undefined;
    if (Object.keys(attrs).length === 0 && children.length === 0 && !nested) return undefined;
    return nested ? { attrs, children, nested } : { attrs, children };
  }
}

/** Reads `unit` and the integer text of a size element. */
export function readSize(r: ElementReader, defaultUnit: SizeUnit): Size {
  const unitAttr = r.attr("unit");
  const unit = unitAttr === undefined ? defaultUnit : parseSizeUnit(unitAttr);
  const text = (r.text() ?? "").trim();
  if (!/^\d+$/.test(text)) throw new XmlError(`<${r.node.name}> is not an integer size: ${JSON.stringify(text)}`);
  const big = BigInt(text);
  return { value: big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big, unit };
}

/** Builds a size element: `<name unit='…'>value</name>` plus its remainder. */
export function buildSizeElement(name: string, s: SizeElement, attrs: Record<string, number | undefined> = {}): XmlNode {
  return withExtra(element(name, { ...attrs, unit: s.unit }, [], String(s.value)), s.extra);
}

/** Parses a decimal or `0x` hexadecimal integer. */
export function parseInteger(v: string, what: string): number {
  const t = v.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  throw new XmlError(`${what} is not an integer: ${JSON.stringify(v)}`);
}

/** Sets `extra` on a parsed object only when there is a remainder. */
export function putExtra<T extends object>(obj: T, r: ElementReader): T & { extra?: XmlExtra } {
  const out: T & { extra?: XmlExtra } = obj;
  const extra = r.extra();
  if (extra) out.extra = extra;
  return out;
}

/** `yes`/`no` for a boolean attribute being built. */
export function yesNo(v: boolean | undefined): string | undefined {
  return v === undefined ? undefined : v ? "yes" : "no";
}

/** `on`/`off` for a boolean attribute being built. */
export function onOff(v: boolean | undefined): string | undefined {
  return v === undefined ? undefined : v ? "on" : "off";
}

/** Removes keys whose value is undefined, so parsed objects stay tidy. */
export function compact<T extends object>(obj: T): T {
  for (const k of Object.keys(obj) as (keyof T)[]) if (obj[k] === undefined) delete obj[k];
  return obj;
}
