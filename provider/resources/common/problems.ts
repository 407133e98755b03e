/**
 * Input validation that reports every problem at once, each naming the
 * property and the rule, so `check` can refuse bad input before any host is
 * contacted.
 */
import { statSync } from "node:fs";

/** One thing wrong with the inputs. */
export interface Problem {
  /** Dotted property path, e.g. `ipv4.dhcp.hosts[1].mac`. */
  property: string;
  /** The rule the value breaks, as a sentence a user can act on. */
  reason: string;
}

/** Collects problems while walking inputs. */
export class Problems {
  private readonly list: Problem[] = [];

  /** Records one problem. */
  add(property: string, reason: string): void {
    this.list.push({ property, reason });
  }

  /** Records problems found by a nested validator under `prefix`. */
  addAll(prefix: string, problems: readonly Problem[]): void {
    for (const p of problems) {
      const property = prefix === "" ? p.property : p.property === "" ? prefix : `${prefix}.${p.property}`;
      this.list.push({ property, reason: p.reason });
    }
  }

  /** Everything recorded. */
  get all(): readonly Problem[] {
    return this.list;
  }
}

/** Libvirt object names: no slash, no control characters, not empty. */
const NAME = /^[^/\x00-\x1f\x7f]+$/;

/** A character an XML document cannot hold (XML 1.0 `Char`): most control characters, U+FFFE, U+FFFF, a lone surrogate. */
const NOT_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Whether `text` can be written in a libvirt document (an XML 1.0 text or attribute). */
export function fitsXml(text: string): boolean {
  return !NOT_XML.test(text);
}

/**
 * The longest name of each kind of libvirt object, in UTF-8 bytes. libvirt
 * keeps files named after the object, with a suffix, in directories whose
 * entries hold at most 255 bytes (NAME_MAX): a domain's `<name>_VARS.fd`
 * (UEFI variables; also `<name>.xml` and `<name>.log`), a network's
 * `<name>.hostsfile` and `<name>.addnhosts` (dnsmasq), a pool's
 * `<name>.xml`; a file volume is a file of its own name.
 */
export const NAME_MAX_BYTES = { domain: 247, network: 245, pool: 251, volume: 255 } as const;

/** A kind of named libvirt object. */
export type NamedObject = keyof typeof NAME_MAX_BYTES;

/** Names a directory holds for itself and its parent: never a volume's. */
const DOT_NAMES = [".", ".."];

/** Checks the name of a libvirt `object` (domain, network, pool, volume). */
export function checkName(problems: Problems, property: string, value: unknown, object: NamedObject, required = true): value is string {
  if (value === undefined || value === null) {
    if (required) problems.add(property, "is required");
    return false;
  }
  if (typeof value !== "string") return refuse(problems, property, "must be a string");
  const max = NAME_MAX_BYTES[object];
  if (!NAME.test(value) || !fitsXml(value) || value.trim() !== value || Buffer.byteLength(value, "utf8") > max) {
    const why = `libvirt names files after a ${object}`;
    return refuse(problems, property, `must be 1-${max} bytes without '/', control characters or surrounding spaces (${why})`);
  }
  if (object === "volume" && DOT_NAMES.includes(value))
    return refuse(problems, property, `cannot be "${value}": a volume is a file of its name in the pool's directory`);
  return true;
}

/** Checks a boolean input. */
export function checkBoolean(problems: Problems, property: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") problems.add(property, "must be true or false");
}

/** Checks that a value is one of a fixed set. */
export function checkEnum<T extends string>(problems: Problems, property: string, value: unknown, allowed: readonly T[]): value is T {
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    problems.add(property, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`);
    return false;
  }
  return true;
}

/** Checks an absolute host path of printable characters. */
export function checkAbsolutePath(problems: Problems, property: string, value: unknown): value is string {
  if (typeof value !== "string" || !value.startsWith("/") || /[\x00-\x1f\x7f]/.test(value) || !fitsXml(value) || value.includes("/../")) {
    problems.add(property, "must be an absolute path without control characters or '..'");
    return false;
  }
  return true;
}

/** Checks that `path` is a regular file on the machine that runs Pulumi. */
export function checkLocalFile(problems: Problems, property: string, path: string): boolean {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return refuse(problems, property, `does not exist on the machine that runs Pulumi: ${path}`);
  }
  return isFile || refuse(problems, property, `is not a regular file: ${path}`);
}

/** Checks an integer within bounds. */
export function checkInteger(problems: Problems, property: string, value: unknown, min: number, max: number): value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    problems.add(property, `must be a whole number from ${min} to ${max}`);
    return false;
  }
  return true;
}

/** A plain object (not null, not a list): the shape of every structured input. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A list input's items; none when unset, and a problem when it is not a list. */
export function listAt(problems: Problems, property: string, value: unknown): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.add(property, "must be a list");
    return [];
  }
  return value;
}

/**
 * Reports every set field of `value` (at `at`; "" for the top level) that is
 * not accepted, e.g. a misspelt one, naming the `known` fields. `what` says
 * what a field is there ("a field here" by default); `accepts` widens what
 * is let through beyond `known` (stored outputs, keys Pulumi adds).
 */
export function checkKnownFields(
  problems: Problems,
  at: string,
  value: Readonly<Record<string, unknown>>,
  known: readonly string[],
  opts: { what?: string; accepts?: (key: string) => boolean } = {},
): void {
  for (const key of Object.keys(value)) {
    if (value[key] === undefined || known.includes(key) || opts.accepts?.(key)) continue;
    problems.add(at === "" ? key : `${at}.${key}`, `is not ${opts.what ?? "a field here"} (known: ${known.join(", ")})`);
  }
}

/** Records a problem and returns false, for validators that chain `ok = … && ok`. */
export function refuse(problems: Problems, property: string, reason: string): false {
  problems.add(property, reason);
  return false;
}
