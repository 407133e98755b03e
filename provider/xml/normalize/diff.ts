/**
 * The comparison engine: walks a desired and a live tree side by side and
 * reports what differs, by property path. "Preserve user intent": a field the
 * desired tree leaves undefined is not compared, and unmodelled XML (`extra`,
 * `other` devices) is compared as "the desired part must be contained in the
 * live part", since libvirt only ever adds to what it was given.
 */
import { XmlExtra, XmlNode, buildXml } from "../node";
import { Size, sizeToBytes, unitFactor } from "../size";

/** One way in which the live document does not mean what the desired one does. */
export interface Difference {
  /** Property path, e.g. `memory`, `devices.disks[vdb].target.bus`, `devices.other[watchdog#0].@action`. */
  path: string;
  /** `changed`: both set, unequal. `missing`: desired set, live lacks it. `unexpected`: live has an entry desired does not list. */
  kind: "changed" | "missing" | "unexpected";
  /** The desired value, rendered for people. */
  desired?: string;
  /** The live value, rendered for people. */
  live?: string;
}

/**
 * A list compared entry by entry under stable keys (rendered `path[key]`).
 * `strict`: live entries without a desired counterpart are reported.
 */
export class Keyed<T> {
  constructor(
    readonly entries: ReadonlyMap<string, T>,
    readonly strict: boolean,
  ) {}

  /** Builds a keyed list; on duplicate keys later entries get `#n` suffixes. */
  static of<T>(items: readonly T[], key: (item: T, index: number) => string, strict: boolean): Keyed<T> {
    const m = new Map<string, T>();
    items.forEach((item, i) => {
      let k = key(item, i);
      for (let n = 1; m.has(k); n++) k = `${key(item, i)}#${n}`;
      m.set(k, item);
    });
    return new Keyed(m, strict);
  }
}

function isSize(v: unknown): v is Size {
  return typeof v === "object" && v !== null && "value" in v && "unit" in v && (typeof v.value === "number" || typeof v.value === "bigint");
}

function isNode(v: unknown): v is XmlNode {
  return typeof v === "object" && v !== null && "name" in v && "attrs" in v && "children" in v && Array.isArray(v.children);
}

function isExtra(v: unknown): v is XmlExtra {
  return typeof v === "object" && v !== null && "attrs" in v && "children" in v && !("name" in v);
}

function renderSize(v: Size): string {
  const bytes = sizeToBytes(v);
  for (const unit of ["TiB", "GiB", "MiB", "KiB"] as const) {
    const f = unitFactor(unit);
    if (bytes >= f && bytes % f === 0n) return `${bytes} bytes (${bytes / f} ${unit})`;
  }
  return `${bytes} bytes`;
}

function isXmlNode(v: unknown): v is XmlNode {
  const n = v as XmlNode;
  return typeof v === "object" && v !== null && typeof n.name === "string" && typeof n.attrs === "object" && Array.isArray(n.children);
}

/** Renders a value for a difference message; unmodelled elements as the XML a user wrote. */
export function render(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (isSize(v)) return renderSize(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (isXmlNode(v)) return buildXml(v).replace(/^<\?xml[^>]*\?>\s*/, "");
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === "bigint" ? x.toString() : x instanceof Keyed ? Object.fromEntries(x.entries) : x,
  );
}

function sub(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function diffChildren(path: string, desired: XmlNode[], live: XmlNode[], out: Difference[]): void {
  // Same-named children pair up in order: <boot>[0] with <boot>[0], …
  const seen = new Map<string, number>();
  for (const d of desired) {
    const i = seen.get(d.name) ?? 0;
    seen.set(d.name, i + 1);
    const l = live.filter((c) => c.name === d.name)[i];
    const p = sub(path, `<${d.name}>${i > 0 ? `[${i}]` : ""}`);
    if (!l) out.push({ path: p, kind: "missing", desired: render(d) });
    else diffNode(p, d, l, out);
  }
}

function diffAttrs(path: string, desired: Record<string, string>, live: Record<string, string>, out: Difference[]): void {
  for (const [k, v] of Object.entries(desired)) {
    const lv = live[k];
    if (lv === undefined) out.push({ path: sub(path, `@${k}`), kind: "missing", desired: render(v) });
    else if (lv !== v) out.push({ path: sub(path, `@${k}`), kind: "changed", desired: render(v), live: render(lv) });
  }
}

function diffNode(path: string, d: XmlNode, l: XmlNode, out: Difference[]): void {
  diffAttrs(path, d.attrs, l.attrs, out);
  if (d.text !== undefined && d.text !== l.text)
    out.push({
      path: sub(path, "#text"),
      kind: l.text === undefined ? "missing" : "changed",
      desired: render(d.text),
      live: render(l.text),
    });
  diffChildren(path, d.children, l.children, out);
}

/**
 * Compares a desired value with a live one and appends the differences.
 * Objects recurse by field, {@link Keyed} lists by key, arrays by position,
 * sizes as bytes, XML remainders by containment.
 */
export function diffValue(path: string, desired: unknown, live: unknown, out: Difference[]): void {
  if (desired === undefined) return;
  if (isExtra(desired)) {
    const l = isExtra(live) ? live : { attrs: {}, children: [] };
    diffAttrs(path, desired.attrs, l.attrs, out);
    diffChildren(path, desired.children, l.children, out);
    for (const [name, rest] of Object.entries(desired.nested ?? {})) diffValue(sub(path, `<${name}>`), rest, l.nested?.[name], out);
    return;
  }
  if (live === undefined && !(desired instanceof Keyed)) {
    out.push({ path, kind: "missing", desired: render(desired) });
    return;
  }
  if (desired instanceof Keyed) {
    const l = live instanceof Keyed ? (live as Keyed<unknown>).entries : new Map<string, unknown>();
    for (const [k, v] of (desired as Keyed<unknown>).entries) {
      const p = `${path}[${k}]`;
      if (!l.has(k)) out.push({ path: p, kind: "missing", desired: render(v) });
      else diffValue(p, v, l.get(k), out);
    }
    if (desired.strict) {
      for (const [k, v] of l) if (!desired.entries.has(k)) out.push({ path: `${path}[${k}]`, kind: "unexpected", live: render(v) });
    }
    return;
  }
  if (isSize(desired)) {
    if (!isSize(live) || sizeToBytes(desired) !== sizeToBytes(live))
      out.push({ path, kind: "changed", desired: render(desired), live: render(live) });
    else if ("extra" in desired) diffValue(path, desired.extra, "extra" in live ? live.extra : undefined, out);
    return;
  }
  if (isNode(desired)) {
    if (!isNode(live) || live.name !== desired.name) out.push({ path, kind: "changed", desired: render(desired), live: render(live) });
    else diffNode(path, desired, live, out);
    return;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) {
      out.push({ path, kind: "changed", desired: render(desired), live: render(live) });
      return;
    }
    desired.forEach((d: unknown, i) => diffValue(`${path}[${i}]`, d, live[i], out));
    return;
  }
  if (typeof desired === "object" && desired !== null) {
    if (typeof live !== "object" || live === null) {
      out.push({ path, kind: "changed", desired: render(desired), live: render(live) });
      return;
    }
    for (const [k, v] of Object.entries(desired)) {
      // An object's `extra` is its remainder: named by the owner's path.
      diffValue(k === "extra" ? path : sub(path, k), v, (live as Record<string, unknown>)[k], out);
    }
    return;
  }
  if (desired !== live) out.push({ path, kind: "changed", desired: render(desired), live: render(live) });
}
