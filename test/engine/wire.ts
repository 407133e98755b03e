/**
 * Property values as they travel between the Pulumi SDK, the engine and a provider: plain JSON
 * plus a few "signature" objects (secrets, resource references, assets) and a sentinel string
 * for values not known during a preview. Pure functions only: no I/O here.
 */

/** A JSON value, the shape of every property value on the wire. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A JSON object: a property map. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** The string Pulumi sends in place of a value that is not known yet (during a preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The key that marks an object as a special value (secret, resource reference, asset, …). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** The signature of a secret: `{ [SIG_KEY]: SECRET_SIG, value }`. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** The signature of a resource reference: `{ [SIG_KEY]: RESOURCE_SIG, urn, id? }`. */
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** The key under which a dynamic resource carries its serialized provider. */
export const PROVIDER_KEY = "__provider";

/**
 * `value` when it is a string; throws otherwise. For tests that use an output as text (a key,
 * a path, an address): `String()` would turn an object or an unknown into text that only
 * fails later, far from the cause.
 */
export function textOf(value: JsonValue | undefined): string {
  if (typeof value !== "string") throw new TypeError(`expected a string, got ${JSON.stringify(value)}`);
  return value;
}

/** True for a plain JSON object (not an array, not null). */
export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when `value` is Pulumi's unknown sentinel. */
export function isUnknown(value: JsonValue | undefined): boolean {
  return value === UNKNOWN;
}

/** True when `value` is a secret-wrapped value. */
export function isSecret(value: JsonValue | undefined): value is JsonObject {
  return isObject(value) && value[SIG_KEY] === SECRET_SIG;
}

/** Wraps `value` as a secret, as the engine marks a property secret on the wire. */
export function makeSecret(value: JsonValue): JsonObject {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** True when `value` is, or contains anywhere, a secret. */
export function containsSecrets(value: JsonValue | undefined): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecrets);
  if (isObject(value)) return Object.values(value).some(containsSecrets);
  return false;
}

/** True when `value` is, or contains anywhere, the unknown sentinel. */
export function containsUnknowns(value: JsonValue | undefined): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknowns);
  if (isObject(value)) return Object.values(value).some(containsUnknowns);
  return false;
}

/**
 * The value a provider that does not accept secrets or resource references receives, as the
 * engine prepares it: secrets unwrapped, a resource reference replaced by its id (custom
 * resource) or its URN (component).
 */
export function toProviderValue(value: JsonValue): JsonValue {
  if (isSecret(value)) return toProviderValue(value.value ?? null);
  if (Array.isArray(value)) return value.map(toProviderValue);
  if (isObject(value)) {
    if (value[SIG_KEY] === RESOURCE_SIG) {
      const id = value.id;
      return typeof id === "string" && id !== "" ? id : (value.urn ?? null);
    }
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = toProviderValue(v);
    return out;
  }
  return value;
}

/** {@link toProviderValue} over a property map. */
export function toProviderProps(props: JsonObject): JsonObject {
  return toProviderValue(props) as JsonObject;
}

/** The top-level keys of `props` whose values are or contain a secret. */
export function secretKeys(props: JsonObject): string[] {
  return Object.keys(props).filter((k) => containsSecrets(props[k]));
}

/** `props` with the named top-level keys wrapped as secrets (for values sent back to the SDK). */
export function withSecrets(props: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = { ...props };
  for (const k of keys) {
    const v = out[k];
    if (v !== undefined && !isSecret(v)) out[k] = makeSecret(v);
  }
  return out;
}

/** A copy of `props` without the serialized provider. */
export function withoutProvider(props: JsonObject): JsonObject {
  const out: JsonObject = { ...props };
  delete out[PROVIDER_KEY];
  return out;
}

/** A copy of `props` carrying `provider` as its serialized provider, as every call to the host must. */
export function withProvider(props: JsonObject, provider: string): JsonObject {
  return { ...props, [PROVIDER_KEY]: provider };
}

/** Structural equality of two wire values (key order ignored). */
export function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The top-level keys whose values differ between `olds` and `news` (added, removed or changed), sorted. */
export function changedKeys(olds: JsonObject, news: JsonObject): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  return [...keys].filter((k) => !deepEqual(olds[k], news[k])).sort();
}

/** A deep copy of a JSON value (state must never share objects with what tests hold). */
export function clone<T extends JsonValue>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
