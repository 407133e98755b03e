import { decodeHeader, Packet } from "./packet";
import { HEADER_BYTES, LENGTH_BYTES, MAX_PACKET_BYTES, PacketStatus, PacketType } from "./protocol";

/**
 * Raised when the byte stream cannot be cut into packets (a length outside the
 * protocol's bounds, an unknown type or status). The link must then be failed:
 * once framing is lost, no later byte can be trusted, and skipping would leave
 * the waiting call hanging.
 */
export class FramingError extends Error {
  /** @param message what was wrong with the stream */
  constructor(message: string) {
    super(message);
    this.name = "FramingError";
  }
}

/**
 * Cuts a byte stream, delivered in chunks of any size, into packets.
 *
 * Holds at most one partial packet. Chunks are kept as a list and joined
 * only once a packet is complete, so a 32 MiB packet arriving in 16 KiB
 * pieces is copied once, not a thousand times.
 */
export class PacketFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected = 0; // total length of the packet being assembled, 0 = unknown yet

  /**
   * Adds bytes and returns every packet they complete, in order.
   * @throws FramingError when the stream is malformed
   */
  push(chunk: Buffer): Packet[] {
    const out: Packet[] = [];
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    for (;;) {
      if (this.expected === 0) {
        if (this.buffered < LENGTH_BYTES) break;
        this.expected = this.peekLength();
      }
      if (this.buffered < this.expected) break;
      out.push(this.take(this.expected));
      this.expected = 0;
    }
    return out;
  }

  /** Bytes held that do not yet form a packet. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private peekLength(): number {
    const first = this.chunks[0];
    const head = first !== undefined && first.length >= LENGTH_BYTES ? first : this.joined();
    const length = head.readUInt32BE(0);
    if (length < LENGTH_BYTES + HEADER_BYTES || length > MAX_PACKET_BYTES) {
      throw new FramingError(`packet length ${length} outside ${LENGTH_BYTES + HEADER_BYTES}..${MAX_PACKET_BYTES}`);
    }
    return length;
  }

  private take(length: number): Packet {
    const all = this.joined();
    const bytes = all.subarray(0, length);
    const rest = all.subarray(length);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    const header = decodeHeader(bytes);
    if (header.type > PacketType.StreamHole) throw new FramingError(`unknown packet type ${header.type}`);
    if (header.status > PacketStatus.Continue) throw new FramingError(`unknown packet status ${header.status}`);
    return { header, payload: bytes.subarray(LENGTH_BYTES + HEADER_BYTES) };
  }

  /** The bytes held, as one buffer; joins the chunks only when there are several, and keeps the join. */
  private joined(): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && this.chunks.length === 1) return first;
    const all = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [all];
    return all;
  }
}
