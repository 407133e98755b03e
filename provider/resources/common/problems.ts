/**
 * Input validation that reports every problem at once, each naming the
 * property and the rule, so `check` can refuse bad input before any host is
 * contacted.
 */

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

/** Libvirt object names: no slash, no control characters, not empty, at most 255 bytes. */
const NAME = /^[^/\x00-\x1f\x7f]{1,255}$/;

/** Checks a libvirt object name (domain, network, pool, volume). */
export function checkName(problems: Problems, property: string, value: unknown, required = true): value is string {
  if (value === undefined || value === null) {
    if (required) problems.add(property, "is required");
    return false;
  }
  if (typeof value !== "string") {
    problems.add(property, "must be a string");
    return false;
  }
  if (!NAME.test(value) || value.trim() !== value) {
    problems.add(property, "must be 1-255 characters without '/', control characters or surrounding spaces");
    return false;
  }
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
  if (typeof value !== "string" || !value.startsWith("/") || /[\x00-\x1f\x7f]/.test(value) || value.includes("/../")) {
    problems.add(property, "must be an absolute path without control characters or '..'");
    return false;
  }
  return true;
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

/** Reports every field of `value` (at `at`) that is not among `known`, e.g. a misspelt one. */
export function checkKnownFields(problems: Problems, at: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value))
    if (!known.includes(key) && value[key] !== undefined) problems.add(`${at}.${key}`, `is not a field here (known: ${known.join(", ")})`);
}

/** Records a problem and returns false, for validators that chain `ok = … && ok`. */
export function refuse(problems: Problems, property: string, reason: string): false {
  problems.add(property, reason);
  return false;
}
