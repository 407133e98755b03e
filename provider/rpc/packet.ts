import { HEADER_BYTES, LENGTH_BYTES, MAX_PACKET_BYTES, PacketStatus, PacketType } from "./protocol";

/** The six words after the length of every packet. */
export interface PacketHeader {
  /** Program number (remote or keepalive). */
  prog: number;
  /** Program version. */
  vers: number;
  /** Procedure number within the program. */
  proc: number;
  /** Call, reply, message, stream… */
  type: PacketType;
  /** Matches a reply (or stream packet) to the call that started it. */
  serial: number;
  /** OK, error or continue. */
  status: PacketStatus;
}

/** One decoded packet: header plus its still-encoded payload. */
export interface Packet {
  /** The decoded header. */
  header: PacketHeader;
  /** The payload bytes (XDR for calls and replies, raw for stream data). */
  payload: Buffer;
}

/**
 * Encodes one packet: length word, header, payload.
 * @throws RangeError when the packet would exceed the protocol's limit
 */
export function encodePacket(header: PacketHeader, payload: Uint8Array = Buffer.alloc(0)): Buffer {
  const out = headerWith(header, payload, payload.length);
  out.set(payload, LENGTH_BYTES + HEADER_BYTES);
  return out;
}

/**
 * Encodes one packet as two writes: the length word and header with the first `inline`
 * payload bytes copied behind them, then the rest of the payload as a view of `payload`.
 * Stream data goes out this way so that a 256 KiB chunk is not copied once more on its way
 * into the SSH channel (which copies it into SSH packets anyway); the caller must leave
 * those bytes unchanged until the link has taken them.
 * @throws RangeError when the packet would exceed the protocol's limit
 */
export function encodePacketParts(header: PacketHeader, payload: Uint8Array, inline: number): [Buffer, Buffer] {
  const cut = Math.min(inline, payload.length);
  const head = headerWith(header, payload, cut);
  head.set(payload.subarray(0, cut), LENGTH_BYTES + HEADER_BYTES);
  return [head, Buffer.from(payload.buffer, payload.byteOffset + cut, payload.length - cut)];
}

/** A buffer holding the length word and header of a packet carrying `payload`, with room for `inline` payload bytes. */
function headerWith(header: PacketHeader, payload: Uint8Array, inline: number): Buffer {
  const total = LENGTH_BYTES + HEADER_BYTES + payload.length;
  if (total > MAX_PACKET_BYTES) {
    throw new RangeError(`packet of ${total} bytes exceeds the ${MAX_PACKET_BYTES}-byte protocol limit`);
  }
  const out = Buffer.allocUnsafe(LENGTH_BYTES + HEADER_BYTES + inline);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(header.prog, 4);
  out.writeUInt32BE(header.vers, 8);
  out.writeInt32BE(header.proc, 12);
  out.writeUInt32BE(header.type, 16);
  out.writeUInt32BE(header.serial, 20);
  out.writeUInt32BE(header.status, 24);
  return out;
}

/** Decodes the header words of a complete packet (length word included in `buf`). */
export function decodeHeader(buf: Buffer): PacketHeader {
  return {
    prog: buf.readUInt32BE(4),
    vers: buf.readUInt32BE(8),
    proc: buf.readInt32BE(12),
    type: buf.readUInt32BE(16),
    serial: buf.readUInt32BE(20),
    status: buf.readUInt32BE(24),
  };
}
