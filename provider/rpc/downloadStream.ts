import { Readable } from "node:stream";
import type { RpcClient } from "./client";
import { decodeRemoteError, RpcProtocolError } from "./errors";
import { Packet } from "./packet";
import { PacketStatus, PacketType } from "./protocol";
import { StreamChannel } from "./streamChannel";

/**
 * Calls a procedure that sends data back over a stream (volume download) and
 * returns the data as a Node readable stream.
 *
 * Backpressure: when the consumer stops reading, the link itself is paused,
 * so the daemon (through SSH's window) stops sending rather than filling
 * memory. Other calls on the same link wait meanwhile; that is the price of
 * one channel per host.
 */
export async function openDownload(client: RpcClient, proc: number, args: Uint8Array): Promise<Readable> {
  let channel: StreamChannel | undefined;
  let finished = false;
  const readable = new Readable({
    highWaterMark: 1024 * 1024,
    read: () => channel?.setReading(true),
    destroy: (err, callback) => {
      if (!finished && channel) {
        // The consumer gave up early: tell the daemon to stop sending.
        finished = true;
        channel.send(PacketStatus.Error).catch(() => undefined);
        channel.release();
      }
      callback(err);
    },
  });

  const end = (): void => {
    if (finished) return;
    finished = true;
    const ch = channel;
    readable.push(null);
    if (!ch) return;
    // Acknowledge the end as libvirt's own client does (virStreamFinish);
    // the daemon's own confirmation may follow and is ignored once released.
    ch.send(PacketStatus.Ok)
      .catch(() => undefined)
      .finally(() => ch.release());
  };

  const onPacket = (packet: Packet): void => {
    if (finished) return;
    if (packet.header.type === PacketType.StreamHole) {
      finished = true;
      channel?.release();
      readable.destroy(new RpcProtocolError("the daemon sent a sparse-stream hole, which this client did not ask for"));
      return;
    }
    switch (packet.header.status) {
      case PacketStatus.Continue:
        // An empty data packet marks the end on some daemon versions.
        if (packet.payload.length === 0) return end();
        if (!readable.push(packet.payload)) channel?.setReading(false);
        return;
      case PacketStatus.Ok:
        return end();
      default:
        finished = true;
        channel?.release();
        readable.destroy(decodeRemoteError(packet.payload, proc));
    }
  };

  channel = await client.openStream(proc, args, {
    onPacket,
    onLinkError: (err) => {
      if (finished) return;
      finished = true;
      readable.destroy(err);
    },
  });
  if (finished) channel.release();
  return readable;
}
