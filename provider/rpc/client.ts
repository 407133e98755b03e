import type { Duplex } from "node:stream";
import { decodeRemoteError, RpcLinkError, RpcProtocolError } from "./errors";
import { FramingError, PacketFramer } from "./framer";
import { KeepaliveMonitor, KeepaliveOptions, silenceError } from "./keepalive";
import { LinkWriter } from "./linkWriter";
import { encodePacket, encodePacketParts, Packet, PacketHeader } from "./packet";
import {
  KEEPALIVE_PROGRAM,
  KEEPALIVE_PROTOCOL_VERSION,
  KeepaliveProc,
  PacketStatus,
  PacketType,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
  STREAM_INLINE_BYTES,
} from "./protocol";
import { StreamChannel, StreamPacketHandler } from "./streamChannel";
import { XdrReader } from "./xdr";

/** Options of an {@link RpcClient}. */
export interface RpcClientOptions {
  /** Names the link in errors, e.g. "kvm@host:22 qemu:///system"; never holds secrets. */
  description?: string;
  /** Program number for calls (libvirt's remote program by default). */
  program?: number;
  /** Program version for calls. */
  version?: number;
  /**
   * Settles with why the carrier (e.g. the SSH link) went down, once it has (the
   * transport's `Link.closed`). When the stream ends, the client waits briefly for it,
   * so a lost SSH link is reported as such, not as the daemon closing its end.
   */
  linkClosed?: Promise<Error | undefined>;
  /**
   * Milliseconds since the carrier last heard from its far end (SSH keepalive answers
   * included; the transport's `Link.silentMs`). When the daemon stays silent, it tells
   * a frozen daemon (the link still answers) from a frozen link.
   */
  linkSilentMs?: () => number;
}

/** How long a stream's end waits for the carrier's reason before failing calls without it. */
const LINK_REASON_WAIT_MS = 5000;

/** Decodes a reply payload; the reader holds exactly the payload. */
export type ReplyDecoder<T> = (reader: XdrReader) => T;

/** Receives asynchronous MESSAGE packets (libvirt events). */
export type MessageHandler = (proc: number, payload: Buffer) => void;

interface PendingCall {
  proc: number;
  onReply(packet: Packet): void;
  onLinkError(err: Error): void;
}

const FIRST_SERIAL = 1;
const MAX_SERIAL = 0xffffffff;

/**
 * A client of libvirt's RPC protocol over one byte stream.
 *
 * Calls are pipelined: each gets a serial and waits in a map until the reply
 * with that serial arrives, so many calls share one link. When the link
 * fails or closes, every waiting call and stream is failed with an
 * {@link RpcLinkError} — none is left hanging, and none is mistaken for a
 * libvirt error such as "not found".
 */
export class RpcClient {
  private readonly framer = new PacketFramer();
  private readonly calls = new Map<number, PendingCall>();
  private readonly streams = new Map<number, StreamPacketHandler>();
  private readonly messageHandlers = new Set<MessageHandler>();
  private readonly closeHandlers = new Set<(err?: Error) => void>();
  private readonly program: number;
  private readonly version: number;
  private nextSerial = FIRST_SERIAL;
  private failure?: Error;
  private keepalive?: KeepaliveMonitor;
  private readonly pausedBy = new Set<number>();
  private readonly linkClosed?: Promise<Error | undefined>;
  private readonly linkSilentMs?: () => number;
  private ending = false;
  private readonly writer: LinkWriter;

  /** Names the link in errors. */
  readonly description: string;

  /**
   * @param link the byte stream to the daemon (an SSH channel or a unix socket)
   * @param options description and program
   */
  constructor(
    private readonly link: Duplex,
    options: RpcClientOptions = {},
  ) {
    this.description = options.description ?? "libvirt link";
    this.program = options.program ?? REMOTE_PROGRAM;
    this.version = options.version ?? REMOTE_PROTOCOL_VERSION;
    this.linkClosed = options.linkClosed;
    this.linkSilentMs = options.linkSilentMs;
    link.on("data", (chunk: Buffer) => this.onData(chunk));
    this.writer = new LinkWriter(link, () => this.failure !== undefined);
    link.on("error", (err: Error) => this.linkEnded(`link error: ${err.message}`, err));
    // Without a carrier to ask, the stream's peer is the daemon's socket itself.
    link.on("end", () => this.linkEnded("the daemon closed the link"));
    link.on("close", () => this.linkEnded("link closed"));
  }

  /** True once the link failed or was closed; every later call rejects at once. */
  get isClosed(): boolean {
    return this.failure !== undefined;
  }

  /** Number of calls waiting for a reply (for tests and diagnostics). */
  get pendingCalls(): number {
    return this.calls.size;
  }

  /**
   * Calls a procedure and decodes its reply.
   * @param proc procedure number
   * @param args encoded arguments (XDR), or nothing for a procedure without any
   * @param decode reads the reply; omit for procedures that return nothing
   * @throws LibvirtError when the daemon reports an error
   * @throws RpcLinkError when the link fails before the reply arrives
   */
  call<T = void>(proc: number, args?: Uint8Array, decode?: ReplyDecoder<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const serial = this.allocateSerial();
      this.calls.set(serial, {
        proc,
        onReply: (packet) => {
          if (packet.header.status === PacketStatus.Error) return reject(this.decodeError(packet, proc));
          try {
            resolve(this.decodeReply(packet, proc, decode));
          } catch (err) {
            reject(err);
          }
        },
        onLinkError: reject,
      });
      this.writer.queueCall(this.packet(proc, PacketType.Call, serial, PacketStatus.Ok, args));
    });
  }

  /**
   * Calls a procedure that opens a data stream (volume upload or download).
   * Resolves, once the daemon accepted the call, with a channel that the
   * stream classes use to exchange STREAM packets under the call's serial.
   * @param handler receives the stream's packets, from the moment the call is sent
   */
  openStream(proc: number, args: Uint8Array, handler: StreamPacketHandler): Promise<StreamChannel> {
    return new Promise<StreamChannel>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const serial = this.allocateSerial();
      // Register first: data may follow the reply within the same chunk.
      this.streams.set(serial, handler);
      this.calls.set(serial, {
        proc,
        onReply: (packet) => {
          if (packet.header.status === PacketStatus.Error) {
            this.streams.delete(serial);
            return reject(this.decodeError(packet, proc));
          }
          resolve(this.streamChannel(proc, serial));
        },
        onLinkError: (err) => {
          this.streams.delete(serial);
          reject(err);
        },
      });
      this.writer.write(this.packet(proc, PacketType.Call, serial, PacketStatus.Ok, args));
    });
  }

  /**
   * Starts libvirt's keepalive on this link. Call it only after the daemon
   * agreed to the keepalive feature: from then on it may PING us, and we
   * PING it when it has been silent, failing the link if it stays silent.
   */
  startKeepalive(options: KeepaliveOptions): void {
    if (this.keepalive || this.failure) return;
    this.keepalive = new KeepaliveMonitor(
      options,
      () => this.writer.write(this.keepalivePacket(KeepaliveProc.Ping)),
      // Half the window: the daemon is known silent only for part of it (the check runs
      // on ticks), and a live link answers SSH keepalives far more often than that.
      (silentMs) => this.failAndClose(silenceError(this.description, silentMs, this.linkHeardWithin(silentMs / 2))),
    );
    this.keepalive.start();
  }

  /**
   * Fails every waiting call with `err` and closes the link, as when it dropped: for a
   * caller that gave up waiting (a handshake past its deadline).
   */
  abort(err: Error): void {
    this.failAndClose(err);
  }

  /**
   * True when the carrier heard from its far end within the last `ms` (so the link
   * is alive and a silence is the daemon's); undefined when there is no carrier to ask.
   */
  linkHeardWithin(ms: number): boolean | undefined {
    return this.linkSilentMs === undefined ? undefined : this.linkSilentMs() < ms;
  }

  /** Subscribes to MESSAGE packets of the client's program (libvirt events). */
  onMessage(handler: MessageHandler): () => void {
    this.messageHandlers.add(handler);
    return () => this.messageHandlers.delete(handler);
  }

  /** Subscribes to the link's end; the handler gets the failure, if it was one. */
  onClose(handler: (err?: Error) => void): () => void {
    if (this.failure) {
      handler(this.failure);
      return () => undefined;
    }
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }

  /**
   * Closes the link. Calls still waiting fail with an {@link RpcLinkError}.
   * The caller is expected to have sent libvirt's CONNECT_CLOSE first.
   */
  close(): void {
    this.failAndClose(new RpcLinkError(`${this.description}: client closed`));
  }

  private allocateSerial(): number {
    const serial = this.nextSerial;
    this.nextSerial = serial >= MAX_SERIAL ? FIRST_SERIAL : serial + 1;
    return serial;
  }

  private header(proc: number, type: PacketType, serial: number, status: PacketStatus): PacketHeader {
    return { prog: this.program, vers: this.version, proc, type, serial, status };
  }

  private packet(proc: number, type: PacketType, serial: number, status: PacketStatus, payload?: Uint8Array): Buffer {
    return encodePacket(this.header(proc, type, serial, status), payload);
  }

  private keepalivePacket(proc: KeepaliveProc): Buffer {
    return encodePacket({
      prog: KEEPALIVE_PROGRAM,
      vers: KEEPALIVE_PROTOCOL_VERSION,
      proc,
      type: PacketType.Message,
      serial: 0,
      status: PacketStatus.Ok,
    });
  }

  private streamChannel(proc: number, serial: number): StreamChannel {
    return {
      proc,
      serial,
      send: async (status, payload) => {
        this.throwIfFailed();
        if (!this.writeStreamPacket(proc, serial, status, payload)) {
          await this.writer.waitForDrain();
          // The link may have failed while this send waited for the drain.
          this.throwIfFailed();
        }
      },
      setReading: (reading) => this.setReading(serial, reading),
      release: () => {
        this.streams.delete(serial);
        this.setReading(serial, true);
      },
    };
  }

  /**
   * Writes a stream packet; false when the link asks the sender to wait for 'drain'. Data
   * past the first SSH packet's worth is written uncopied ({@link encodePacketParts}): the
   * SSH channel copies it into its own packets anyway, and the copy saved (with its 256 KiB
   * allocation per packet) was about a sixth of the provider's CPU time in an upload.
   */
  private writeStreamPacket(proc: number, serial: number, status: PacketStatus, payload?: Uint8Array): boolean {
    const header = this.header(proc, PacketType.Stream, serial, status);
    if (payload === undefined || payload.length <= STREAM_INLINE_BYTES) return this.writer.write(encodePacket(header, payload));
    return this.writer.write(...encodePacketParts(header, payload, STREAM_INLINE_BYTES));
  }

  /**
   * Throws the link's failure, if it has one. A method rather than an inline check: the
   * compiler keeps a check's narrowing across an `await`, so a second inline check after
   * one would be typed as unreachable although the link can fail during the wait.
   */
  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Pauses the link while any stream's consumer is full; resumes when none is. */
  private setReading(serial: number, reading: boolean): void {
    if (reading) this.pausedBy.delete(serial);
    else this.pausedBy.add(serial);
    if (this.pausedBy.size > 0) this.link.pause();
    else this.link.resume();
  }

  private onData(chunk: Buffer): void {
    let packets: Packet[];
    try {
      packets = this.framer.push(chunk);
    } catch (err) {
      const reason = err instanceof FramingError ? err.message : String(err);
      this.failAndClose(new RpcLinkError(`${this.description}: malformed data from the daemon: ${reason}`, { cause: err }));
      return;
    }
    for (const packet of packets) {
      if (this.failure) return;
      this.keepalive?.heard();
      this.dispatch(packet);
    }
  }

  private dispatch(packet: Packet): void {
    const { header } = packet;
    if (header.prog === KEEPALIVE_PROGRAM) {
      if (header.proc === KeepaliveProc.Ping) this.writer.write(this.keepalivePacket(KeepaliveProc.Pong));
      return;
    }
    if (header.prog !== this.program) {
      this.failAndClose(new RpcLinkError(`${this.description}: packet for unknown program 0x${header.prog.toString(16)}`));
      return;
    }
    switch (header.type) {
      case PacketType.Reply:
      case PacketType.ReplyWithFds: {
        const call = this.calls.get(header.serial);
        // A reply nobody waits for (e.g. after a stream was aborted) is well
        // formed and harmless: drop it rather than fail every other call.
        if (!call) return;
        this.calls.delete(header.serial);
        call.onReply(packet);
        return;
      }
      case PacketType.Stream:
      case PacketType.StreamHole:
        this.streams.get(header.serial)?.onPacket(packet);
        return;
      case PacketType.Message:
        for (const handler of this.messageHandlers) handler(header.proc, packet.payload);
        return;
      default:
        this.failAndClose(new RpcLinkError(`${this.description}: unexpected packet type ${header.type} from the daemon`));
    }
  }

  private decodeError(packet: Packet, proc: number): Error {
    try {
      return decodeRemoteError(packet.payload, proc);
    } catch (err) {
      return new RpcProtocolError(`${this.description}: undecodable error reply to procedure ${proc}`, { cause: err });
    }
  }

  private decodeReply<T>(packet: Packet, proc: number, decode?: ReplyDecoder<T>): T {
    const reader = new XdrReader(packet.payload);
    try {
      const value = decode ? decode(reader) : (undefined as T);
      reader.end();
      return value;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new RpcProtocolError(`${this.description}: cannot decode the reply to procedure ${proc}: ${reason}`, {
        cause: err,
      });
    }
  }

  /**
   * The stream ended or failed. With a carrier, its reason is awaited (briefly): the
   * stream of a dropped SSH link ends too, and must not read as the daemon closing.
   */
  private linkEnded(fallback: string, cause?: Error): void {
    if (this.failure !== undefined || this.ending) return;
    const own = (): RpcLinkError => new RpcLinkError(`${this.description}: ${fallback}`, cause === undefined ? {} : { cause });
    if (this.linkClosed === undefined) return this.fail(own());
    this.ending = true;
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), LINK_REASON_WAIT_MS).unref());
    void Promise.race([this.linkClosed, timeout]).then(
      (reason) => this.fail(reason === undefined ? own() : new RpcLinkError(`${this.description}: ${reason.message}`, { cause: reason })),
      () => this.fail(own()),
    );
  }

  private failAndClose(err: Error): void {
    this.fail(err);
    this.link.destroy();
  }

  /** Fails everything that waits, once. */
  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.keepalive?.stop();
    const calls = [...this.calls.values()];
    const streams = [...this.streams.values()];
    this.calls.clear();
    this.streams.clear();
    for (const call of calls) call.onLinkError(err);
    for (const stream of streams) stream.onLinkError(err);
    this.writer.releaseDrainWaiters();
    for (const handler of this.closeHandlers) handler(err);
    this.closeHandlers.clear();
  }
}
