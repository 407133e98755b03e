import { MAX_STRING_BYTES, XdrError, XdrReader, XdrWriter } from "../../rpc";

/**
 * How one XDR type of remote_protocol.x travels: written into a call's
 * arguments, read back from a reply. The procedure table is built from these,
 * so a type is described once and both directions agree by construction.
 */
export interface Codec<T> {
  /** Appends the encoding of `value`. */
  write(w: XdrWriter, value: T): void;
  /** Reads one value. */
  read(r: XdrReader): T;
}

/** Nothing: the arguments of a procedure without any, or a reply without a body. */
export const none: Codec<void> = { write: () => undefined, read: () => undefined };

/** XDR `int`. */
export const int: Codec<number> = { write: (w, v) => void w.int(v), read: (r) => r.int() };

/** XDR `unsigned int` (also `unsigned char` and `unsigned short`, which XDR widens to 32 bits). */
export const uint: Codec<number> = { write: (w, v) => void w.uint(v), read: (r) => r.uint() };

/** XDR `hyper`. */
export const hyper: Codec<bigint> = { write: (w, v) => void w.hyper(v), read: (r) => r.hyper() };

/** XDR `unsigned hyper`. */
export const uhyper: Codec<bigint> = { write: (w, v) => void w.uhyper(v), read: (r) => r.uhyper() };

/** An `int` libvirt reads as a truth value (autostart, active, supported). */
export const bool: Codec<boolean> = { write: (w, v) => void w.bool(v), read: (r) => r.bool() };

/** `remote_nonnull_string`, at most REMOTE_STRING_MAX bytes. */
export const string: Codec<string> = { write: (w, v) => void w.string(v), read: (r) => r.string(MAX_STRING_BYTES) };

/** `opaque name[size]`: fixed-length bytes without a length word. */
export function fixedOpaque(size: number): Codec<Buffer> {
  return { write: (w, v) => void w.fixedOpaque(v, size), read: (r) => r.fixedOpaque(size) };
}

/**
 * `opaque name<max>`: a length word, then the bytes (a secret's value, a bitmap of host
 * CPUs). Longer data is refused both ways: the daemon would refuse the call as a whole,
 * naming nothing.
 */
export function opaque(max: number): Codec<Buffer> {
  return {
    write: (w, v) => {
      if (v.length > max) throw new XdrError(`opaque length ${v.length} exceeds limit ${max}`);
      w.opaque(v);
    },
    read: (r) => r.opaque(max),
  };
}

/** `type *name`: a present flag, then the value (`remote_string` is `optional(string)`). */
export function optional<T>(item: Codec<T>): Codec<T | undefined> {
  return {
    write: (w, v) => void w.optional(v, (x, present) => item.write(x, present)),
    read: (r) => r.optional((x) => item.read(x)),
  };
}

/** `type name<max>`: a count, then the elements. */
export function array<T>(max: number, item: Codec<T>): Codec<T[]> {
  return {
    write: (w, v) => void w.array(v, (x, element) => item.write(x, element)),
    read: (r) => r.array(max, (x) => item.read(x)),
  };
}

/**
 * A C enum or a single-valued int on the wire, typed as its TypeScript enum.
 * The daemon may send values newer than the enum knows; they pass through as numbers.
 */
export function enumeration<E extends number>(base: Codec<number>): Codec<E> {
  return { write: (w, v) => base.write(w, v), read: (r) => base.read(r) as E };
}

/**
 * A bitwise OR of an enum's members, or 0 for "none". Every `number` fits
 * (an OR of members is computed, so the compiler cannot narrow it); the type
 * says which enum's members belong there.
 */
export type FlagSet<E extends number> = E | 0;

/**
 * An `unsigned int flags` argument whose bits are the members of `E`.
 * `flags<never>()` is a flags word libvirt reserves: only 0 may be sent.
 */
export function flags<E extends number>(): Codec<FlagSet<E>> {
  return enumeration<FlagSet<E>>(uint);
}

/**
 * An XDR struct: the fields in declaration order, which must be the order of
 * the struct in remote_protocol.x (object keys keep their insertion order).
 */
export function struct<S>(fields: { [K in keyof S]-?: Codec<S[K]> }): Codec<S> {
  const entries = Object.entries<Codec<unknown>>(fields);
  return {
    write: (w, v) => {
      const value = v as Record<string, unknown>;
      for (const [name, field] of entries) field.write(w, value[name]);
    },
    read: (r) => {
      const value: Record<string, unknown> = {};
      for (const [name, field] of entries) value[name] = field.read(r);
      // Every key of S was read above, by the codec the signature ties to it.
      return value as S;
    },
  };
}
