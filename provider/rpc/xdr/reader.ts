import { XdrError } from "./errors";
import { pad4 } from "./writer";

/**
 * Decodes XDR (RFC 4506) values from one buffer, front to back.
 *
 * Every variable-length read takes a maximum: a length field is attacker- or
 * bug-controlled, and honouring it blindly would allocate whatever it says.
 */
export class XdrReader {
  private pos = 0;

  /** @param buf the encoded bytes; the reader never copies or changes them */
  constructor(private readonly buf: Buffer) {}

  /** Bytes not yet read. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Signed 32-bit integer. */
  int(): number {
    this.need(4, "int");
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Unsigned 32-bit integer. */
  uint(): number {
    this.need(4, "unsigned int");
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Boolean: any non-zero 32-bit value is true, as libvirt's C code reads it. */
  bool(): boolean {
    return this.int() !== 0;
  }

  /** Signed 64-bit `hyper`. */
  hyper(): bigint {
    this.need(8, "hyper");
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Unsigned 64-bit `unsigned hyper`. */
  uhyper(): bigint {
    this.need(8, "unsigned hyper");
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** IEEE 754 double precision (XDR `double`), big-endian. */
  double(): number {
    this.need(8, "double");
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /**
   * Variable-length opaque data.
   * @param max the largest length accepted
   */
  opaque(max: number): Buffer {
    const size = this.uint();
    if (size > max) throw new XdrError(`opaque length ${size} exceeds limit ${max}`);
    return this.fixedOpaque(size);
  }

  /** Fixed-length opaque data of `size` bytes (plus padding). Returns a copy. */
  fixedOpaque(size: number): Buffer {
    const padded = pad4(size);
    this.need(padded, `opaque[${size}]`);
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + size));
    this.pos += padded;
    return out;
  }

  /**
   * UTF-8 string.
   * @param max the largest byte length accepted
   */
  string(max: number): string {
    const size = this.uint();
    if (size > max) throw new XdrError(`string length ${size} exceeds limit ${max}`);
    this.need(pad4(size), `string[${size}]`);
    const s = this.buf.toString("utf8", this.pos, this.pos + size);
    this.pos += pad4(size);
    return s;
  }

  /** Optional value: a present flag, then the value when present. */
  optional<T>(decode: (r: XdrReader) => T): T | undefined {
    const present = this.uint();
    if (present === 0) return undefined;
    if (present !== 1) throw new XdrError(`optional flag must be 0 or 1, got ${present}`);
    return decode(this);
  }

  /**
   * Variable-length array.
   * @param max the largest element count accepted
   */
  array<T>(max: number, decode: (r: XdrReader) => T): T[] {
    const count = this.uint();
    if (count > max) throw new XdrError(`array length ${count} exceeds limit ${max}`);
    // Each element takes at least 4 bytes: a count beyond that is a lie.
    if (count * 4 > this.remaining) throw new XdrError(`array length ${count} exceeds the data left`);
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(decode(this));
    return items;
  }

  /** Asserts everything was read: trailing bytes mean we decoded the wrong type. */
  end(): void {
    if (this.remaining !== 0) throw new XdrError(`${this.remaining} unexpected trailing bytes`);
  }

  private need(bytes: number, what: string): void {
    if (this.pos + bytes > this.buf.length) {
      throw new XdrError(`need ${bytes} bytes for ${what} at offset ${this.pos}, have ${this.remaining}`);
    }
  }
}
