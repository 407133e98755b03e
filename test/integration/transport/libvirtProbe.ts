/**
 * Proves a link reaches a libvirt daemon by speaking the first packet of libvirt's
 * RPC protocol by hand (the RPC layer is not used here on purpose: these tests are
 * about the transport only).
 */
import type { Duplex } from "node:stream";

/** REMOTE_PROGRAM, the main libvirt RPC program number. */
const REMOTE_PROGRAM = 0x20008086;
const REMOTE_PROTOCOL_VERSION = 1;
/** REMOTE_PROC_AUTH_LIST: the first call libvirt's own client makes. */
const PROC_AUTH_LIST = 66;
const TYPE_CALL = 0;
const TYPE_REPLY = 1;
const STATUS_OK = 0;

/** The six header fields after the length word. */
export interface PacketHeader {
  readonly length: number;
  readonly prog: number;
  readonly vers: number;
  readonly proc: number;
  readonly type: number;
  readonly serial: number;
  readonly status: number;
}

/** The 28-byte AUTH_LIST call: length word, then the header, no payload. */
export function authListCall(serial: number): Buffer {
  const packet = Buffer.alloc(28);
  packet.writeUInt32BE(28, 0); // total length, including this word
  packet.writeUInt32BE(REMOTE_PROGRAM, 4);
  packet.writeUInt32BE(REMOTE_PROTOCOL_VERSION, 8);
  packet.writeUInt32BE(PROC_AUTH_LIST, 12);
  packet.writeUInt32BE(TYPE_CALL, 16);
  packet.writeUInt32BE(serial, 20);
  packet.writeUInt32BE(STATUS_OK, 24);
  return packet;
}

/** Reads exactly one packet from the stream (or rejects after `timeoutMs`). */
export function readPacket(stream: Duplex, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const cleanup = (): void => {
      clearTimeout(timer);
      stream.off("data", onData);
      stream.off("end", onEnd);
    };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 4) return;
      const length = buffered.readUInt32BE(0);
      if (buffered.length < length) return;
      cleanup();
      // Anything after the packet is not expected in these tests; put it back anyway.
      if (buffered.length > length) stream.unshift(buffered.subarray(length));
      stream.pause();
      resolve(buffered.subarray(0, length));
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error(`stream ended after ${buffered.length} bytes, before a whole packet`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no packet within ${timeoutMs} ms (got ${buffered.length} bytes)`));
    }, timeoutMs);
    stream.on("data", onData);
    stream.once("end", onEnd);
    // A previous read paused the stream; a new 'data' listener alone does not resume it.
    stream.resume();
  });
}

/** Decodes the header of a packet. */
export function headerOf(packet: Buffer): PacketHeader {
  return {
    length: packet.readUInt32BE(0),
    prog: packet.readUInt32BE(4),
    vers: packet.readUInt32BE(8),
    proc: packet.readUInt32BE(12),
    type: packet.readUInt32BE(16),
    serial: packet.readUInt32BE(20),
    status: packet.readUInt32BE(24),
  };
}

/** Sends AUTH_LIST and returns the reply's header; the caller checks it. */
export async function authListRoundTrip(stream: Duplex, serial = 1): Promise<PacketHeader> {
  const reply = readPacket(stream);
  stream.write(authListCall(serial));
  return headerOf(await reply);
}

/** What a successful AUTH_LIST reply header looks like. */
export function expectedAuthListReply(serial: number, length: number): PacketHeader {
  return { length, prog: REMOTE_PROGRAM, vers: REMOTE_PROTOCOL_VERSION, proc: PROC_AUTH_LIST, type: TYPE_REPLY, serial, status: STATUS_OK };
}
