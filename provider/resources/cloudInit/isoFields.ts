/**
 * Field encoders of ISO 9660 (ECMA-119): the standard stores most numbers
 * twice, little-endian then big-endian, so a reader on either kind of
 * machine can take its own half.
 */

/** Bytes per logical sector (and per logical block: this writer uses one size). */
export const SECTOR = 2048;

/** The fixed moment written into every date field, so equal content gives equal bytes. */
export const EPOCH = { year: 1970, month: 1, day: 1 } as const;

/** Writes a 16-bit number both-endian (4 bytes). */
export function both16(buf: Buffer, at: number, value: number): void {
  buf.writeUInt16LE(value, at);
  buf.writeUInt16BE(value, at + 2);
}

/** Writes a 32-bit number both-endian (8 bytes). */
export function both32(buf: Buffer, at: number, value: number): void {
  buf.writeUInt32LE(value, at);
  buf.writeUInt32BE(value, at + 4);
}

/** Writes ASCII text padded with spaces to `width` bytes. */
export function ascii(buf: Buffer, at: number, width: number, text: string): void {
  buf.fill(0x20, at, at + width);
  buf.write(text.slice(0, width), at, "ascii");
}

/** UCS-2 big-endian, as Joliet stores names and identifiers. */
export function ucs2(text: string): Buffer {
  const out = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) out.writeUInt16BE(text.charCodeAt(i), i * 2);
  return out;
}

/** Writes UCS-2 text padded with UCS-2 spaces to `width` bytes (a Joliet descriptor text field). */
export function ucs2Field(buf: Buffer, at: number, width: number, text: string): void {
  for (let i = 0; i + 1 < width; i += 2) buf.writeUInt16BE(0x0020, at + i);
  ucs2(text).copy(buf, at, 0, width - (width % 2));
}

/** The 7-byte date of a directory record: years since 1900, month, day, h, m, s, GMT offset. */
export function recordDate(buf: Buffer, at: number): void {
  buf[at] = EPOCH.year - 1900;
  buf[at + 1] = EPOCH.month;
  buf[at + 2] = EPOCH.day;
  buf.fill(0, at + 3, at + 7);
}

/** The 17-byte date of a volume descriptor: "YYYYMMDDHHMMSScc" and a GMT offset byte. */
export function descriptorDate(buf: Buffer, at: number, unset = false): void {
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  const text = unset ? "0".repeat(16) : `${pad(EPOCH.year, 4)}${pad(EPOCH.month, 2)}${pad(EPOCH.day, 2)}00000000`;
  buf.write(text, at, "ascii");
  buf[at + 16] = 0;
}
