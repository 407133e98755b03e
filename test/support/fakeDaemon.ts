import type { Duplex } from "node:stream";
import { encodeRemoteError, Packet, PacketFramer, PacketStatus, PacketType } from "../../provider/rpc";
import { PacketBuilder } from "./packetBuilder";

/** What a handler may answer to a call. */
export type FakeAnswer = { reply: Buffer } | { error: { code: number; domain: number; message: string } } | { silence: true };

/**
 * A daemon stand-in for unit tests of the RPC client: it cuts the client's
 * bytes into packets and answers calls through handlers keyed by procedure.
 * Everything it receives is recorded, so tests can assert on the exact
 * packets the client sent (stream chunks, keepalive PONGs…).
 */
export class FakeDaemon {
  /** Every packet received from the client, in order. */
  readonly received: Packet[] = [];
  private readonly framer = new PacketFramer();
  private readonly handlers = new Map<number, (packet: Packet) => FakeAnswer>();
  private readonly streamHandlers = new Map<number, (packet: Packet) => void>();

  /** @param end the daemon's side of the link */
  constructor(readonly end: Duplex) {
    end.on("data", (chunk: Buffer) => {
      for (const packet of this.framer.push(chunk)) this.onPacket(packet);
    });
  }

  /** Answers calls to `proc`. */
  on(proc: number, handler: (packet: Packet) => FakeAnswer): this {
    this.handlers.set(proc, handler);
    return this;
  }

  /** Receives STREAM packets for `proc`. */
  onStream(proc: number, handler: (packet: Packet) => void): this {
    this.streamHandlers.set(proc, handler);
    return this;
  }

  /** Sends raw bytes to the client. */
  send(bytes: Buffer): void {
    this.end.write(bytes);
  }

  private onPacket(packet: Packet): void {
    this.received.push(packet);
    const { header } = packet;
    if (header.type === PacketType.Stream) {
      this.streamHandlers.get(header.proc)?.(packet);
      return;
    }
    if (header.type !== PacketType.Call) return;
    const handler = this.handlers.get(header.proc);
    const answer: FakeAnswer = handler ? handler(packet) : { error: { code: 39, domain: 7, message: `unknown procedure: ${header.proc}` } };
    if ("silence" in answer) return;
    const reply = PacketBuilder.reply(header.proc).serial(header.serial);
    if ("error" in answer) {
      this.send(reply.withStatus(PacketStatus.Error).raw(encodeRemoteError(answer.error)).bytes());
    } else {
      this.send(reply.raw(answer.reply).bytes());
    }
  }
}
