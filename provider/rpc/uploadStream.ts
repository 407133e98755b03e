import type { RpcClient } from "./client";
import { decodeRemoteError, RpcProtocolError } from "./errors";
import { Packet } from "./packet";
import { PacketStatus, STREAM_CHUNK_BYTES } from "./protocol";
import { StreamChannel } from "./streamChannel";

/**
 * The sending side of a stream opened by a call (volume upload).
 *
 * Bytes are cut into packets of {@link STREAM_CHUNK_BYTES}, and each write
 * waits while the link's buffer is full, so a large upload never queues more
 * than the link's buffer and one chunk in memory. The link holds on to the
 * bytes it was given rather than copying them: a caller must not change them
 * until the upload is finished (buffers read from a file or a socket never are).
 */
export class UploadStream {
  private error?: Error;
  private done = false;
  private confirm?: { resolve(): void; reject(err: Error): void };
  private channel!: StreamChannel;

  private constructor(private readonly proc: number) {}

  /**
   * Calls `proc` with `args` and returns the stream once the daemon accepted it.
   * @throws LibvirtError when the daemon refuses the call (e.g. no such volume)
   */
  static async open(client: RpcClient, proc: number, args: Uint8Array): Promise<UploadStream> {
    const upload = new UploadStream(proc);
    upload.channel = await client.openStream(proc, args, {
      onPacket: (packet) => upload.onPacket(packet),
      onLinkError: (err) => upload.onFailure(err),
    });
    return upload;
  }

  /** Sends bytes, which must stay unchanged until the upload is finished; resolves when the link can take more. */
  async write(data: Uint8Array): Promise<void> {
    for (let offset = 0; offset < data.length; offset += STREAM_CHUNK_BYTES) {
      this.assertOpen();
      await this.channel.send(PacketStatus.Continue, data.subarray(offset, offset + STREAM_CHUNK_BYTES));
    }
  }

  /** Sends everything from an async source (a file or HTTP body), then finishes. */
  async pump(source: AsyncIterable<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of source) await this.write(chunk);
    } catch (err) {
      await this.abort();
      throw err;
    }
    await this.finish();
  }

  /**
   * Tells the daemon the data is complete and waits for its confirmation.
   * @throws LibvirtError when the daemon could not store the data
   */
  async finish(): Promise<void> {
    this.assertOpen();
    this.done = true;
    const confirmed = new Promise<void>((resolve, reject) => (this.confirm = { resolve, reject }));
    await this.channel.send(PacketStatus.Ok);
    try {
      await confirmed;
    } finally {
      this.channel.release();
    }
  }

  /** Abandons the upload; the daemon discards the stream. Never throws. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.channel.send(PacketStatus.Error);
    } catch {
      // The link is gone already: nothing left to abort.
    }
    this.channel.release();
  }

  private assertOpen(): void {
    if (this.error) throw this.error;
    if (this.done) throw new RpcProtocolError("the upload stream was already finished or aborted");
  }

  private onPacket(packet: Packet): void {
    if (packet.header.status === PacketStatus.Ok) {
      if (this.confirm) this.confirm.resolve();
      else this.onFailure(new RpcProtocolError("the daemon ended the upload stream before it was finished"));
      return;
    }
    if (packet.header.status === PacketStatus.Error) {
      this.onFailure(decodeRemoteError(packet.payload, this.proc));
      return;
    }
    this.onFailure(new RpcProtocolError("the daemon sent data on an upload stream"));
  }

  private onFailure(err: Error): void {
    if (this.error) return;
    this.error = err;
    this.confirm?.reject(err);
  }
}
