import { XdrError } from "./errors";

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * Builds XDR (RFC 4506) encoded bytes into a growing buffer.
 *
 * Every method returns `this`, so encoders read as one chain. Values outside
 * their XDR type's range throw instead of wrapping: a silently truncated
 * number would reach libvirt as a different request.
 */
export class XdrWriter {
  private buf: Buffer;
  private pos = 0;

  /** @param initialSize first allocation in bytes; the buffer doubles as needed */
  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Signed 32-bit integer. */
  int(value: number): this {
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      throw new XdrError(`int out of range: ${value}`);
    }
    this.reserve(4);
    this.buf.writeInt32BE(value, this.pos);
    this.pos += 4;
    return this;
  }

  /** Unsigned 32-bit integer (also XDR `enum` flags and `unsigned char/short`). */
  uint(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
      throw new XdrError(`unsigned int out of range: ${value}`);
    }
    this.reserve(4);
    this.buf.writeUInt32BE(value, this.pos);
    this.pos += 4;
    return this;
  }

  /** Boolean as a 32-bit 0 or 1 (libvirt's `int` flags such as autostart). */
  bool(value: boolean): this {
    return this.int(value ? 1 : 0);
  }

  /** Signed 64-bit `hyper`. */
  hyper(value: bigint): this {
    if (value < INT64_MIN || value > INT64_MAX) throw new XdrError(`hyper out of range: ${value}`);
    this.reserve(8);
    this.buf.writeBigInt64BE(value, this.pos);
    this.pos += 8;
    return this;
  }

  /** Unsigned 64-bit `unsigned hyper`. */
  uhyper(value: bigint): this {
    if (value < 0n || value > UINT64_MAX) throw new XdrError(`unsigned hyper out of range: ${value}`);
    this.reserve(8);
    this.buf.writeBigUInt64BE(value, this.pos);
    this.pos += 8;
    return this;
  }

  /** IEEE 754 double precision (XDR `double`), big-endian. */
  double(value: number): this {
    this.reserve(8);
    this.buf.writeDoubleBE(value, this.pos);
    this.pos += 8;
    return this;
  }

  /** Variable-length opaque data: length, bytes, zero padding to 4. */
  opaque(data: Uint8Array): this {
    this.uint(data.length);
    return this.fixedOpaque(data, data.length);
  }

  /** Fixed-length opaque data (no length prefix), e.g. a 16-byte UUID. */
  fixedOpaque(data: Uint8Array, size: number): this {
    if (data.length !== size) throw new XdrError(`fixed opaque needs ${size} bytes, got ${data.length}`);
    const padded = pad4(size);
    this.reserve(padded);
    this.buf.set(data, this.pos);
    this.buf.fill(0, this.pos + size, this.pos + padded);
    this.pos += padded;
    return this;
  }

  /** UTF-8 string, encoded as variable-length opaque data. */
  string(value: string): this {
    return this.opaque(Buffer.from(value, "utf8"));
  }

  /**
   * Optional value (`type *name` in XDR): a present flag, then the value.
   * @param value the value, or undefined for "absent"
   * @param encode writes the value when present
   */
  optional<T>(value: T | undefined, encode: (w: this, v: T) => void): this {
    if (value === undefined) return this.uint(0);
    this.uint(1);
    encode(this, value);
    return this;
  }

  /**
   * Variable-length array: count, then each element.
   * @param encode writes one element
   */
  array<T>(items: readonly T[], encode: (w: this, v: T) => void): this {
    this.uint(items.length);
    for (const item of items) encode(this, item);
    return this;
  }

  /** Raw bytes with no XDR framing (stream payloads). */
  raw(data: Uint8Array): this {
    this.reserve(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
    return this;
  }

  /** The bytes written, as a view of the internal buffer (do not keep writing after taking it). */
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private reserve(bytes: number): void {
    const need = this.pos + bytes;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

/** Rounds a byte count up to XDR's 4-byte alignment. */
export function pad4(size: number): number {
  return (size + 3) & ~3;
}
