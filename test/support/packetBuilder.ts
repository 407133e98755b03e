import { encodePacket, PacketStatus, PacketType, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, XdrWriter } from "../../provider/rpc";

/**
 * Builds packets the way the daemon sends them, with a readable chain:
 * `reply(7).serial(3).payload(w => w.int(1)).bytes()`. Each field is named,
 * so a fixture says what it holds instead of being a hex blob.
 */
export class PacketBuilder {
  private prog = REMOTE_PROGRAM;
  private vers = REMOTE_PROTOCOL_VERSION;
  private type = PacketType.Reply;
  private status = PacketStatus.Ok;
  private serialNo = 1;
  private body: Buffer = Buffer.alloc(0);

  private constructor(private readonly proc: number) {}

  /** A REPLY to `proc`. */
  static reply(proc: number): PacketBuilder {
    return new PacketBuilder(proc);
  }

  /** A STREAM packet of `proc`. */
  static stream(proc: number): PacketBuilder {
    const b = new PacketBuilder(proc);
    b.type = PacketType.Stream;
    b.status = PacketStatus.Continue;
    return b;
  }

  /** A MESSAGE (event or keepalive). */
  static message(prog: number, proc: number): PacketBuilder {
    const b = new PacketBuilder(proc);
    b.prog = prog;
    b.type = PacketType.Message;
    b.serialNo = 0;
    return b;
  }

  /** Sets the serial. */
  serial(serial: number): this {
    this.serialNo = serial;
    return this;
  }

  /** Sets the status. */
  withStatus(status: PacketStatus): this {
    this.status = status;
    return this;
  }

  /** Sets the type. */
  withType(type: PacketType): this {
    this.type = type;
    return this;
  }

  /** Sets an XDR payload. */
  payload(build: (w: XdrWriter) => void): this {
    const w = new XdrWriter();
    build(w);
    this.body = Buffer.from(w.toBuffer());
    return this;
  }

  /** Sets raw payload bytes. */
  raw(bytes: Buffer): this {
    this.body = bytes;
    return this;
  }

  /** The encoded packet. */
  bytes(): Buffer {
    return encodePacket(
      { prog: this.prog, vers: this.vers, proc: this.proc, type: this.type, serial: this.serialNo, status: this.status },
      this.body,
    );
  }
}
