import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  encodePacket,
  encodePacketParts,
  ErrorCode,
  HEADER_BYTES,
  LENGTH_BYTES,
  LibvirtError,
  MAX_STREAM_CHUNK_BYTES,
  openDownload,
  PacketStatus,
  PacketType,
  RpcClient,
  RpcLinkError,
  SSH_CHANNEL_PACKET_BYTES,
  STREAM_CHUNK_BYTES,
  STREAM_INLINE_BYTES,
  UploadStream,
  encodeRemoteError,
} from "../../../provider/rpc";
import { duplexPair } from "../../support/duplexPair";
import { FakeDaemon } from "../../support/fakeDaemon";
import { PacketBuilder } from "../../support/packetBuilder";
import { until } from "../../support/until";

const UPLOAD = 208;
const DOWNLOAD = 209;

function setup(): { client: RpcClient; daemon: FakeDaemon } {
  const [clientEnd, daemonEnd] = duplexPair();
  return { client: new RpcClient(clientEnd), daemon: new FakeDaemon(daemonEnd) };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe("RPC streams", () => {
  it("cuts an upload into chunks of at most 256 KiB and finishes with an empty OK", async () => {
    const { client, daemon } = setup();
    const data = Buffer.alloc(MAX_STREAM_CHUNK_BYTES * 3 + 1000, 7);
    const got: Buffer[] = [];
    let finishSerial = 0;
    daemon.on(UPLOAD, () => ({ reply: Buffer.alloc(0) }));
    daemon.onStream(UPLOAD, (p) => {
      if (p.header.status === PacketStatus.Continue) got.push(p.payload);
      if (p.header.status === PacketStatus.Ok) {
        finishSerial = p.header.serial;
        daemon.send(PacketBuilder.stream(UPLOAD).serial(p.header.serial).withStatus(PacketStatus.Ok).bytes());
      }
    });
    const upload = await UploadStream.open(client, UPLOAD, Buffer.alloc(0));
    await upload.write(data.subarray(0, 100_000));
    await upload.write(data.subarray(100_000));
    await upload.finish();
    assert.ok(
      got.every((c) => c.length <= MAX_STREAM_CHUNK_BYTES),
      "a chunk exceeded the limit",
    );
    assert.deepEqual(Buffer.concat(got), data);
    const callSerial = daemon.received.find((p) => p.header.type === PacketType.Call)!.header.serial;
    assert.equal(finishSerial, callSerial, "stream packets must carry the call's serial");
  });

  it("sends full chunks as 256 KiB packets, a whole number of SSH packets", async () => {
    const { client, daemon } = setup();
    const data = Buffer.alloc(STREAM_CHUNK_BYTES * 2 + 10);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    const got: Buffer[] = [];
    daemon.on(UPLOAD, () => ({ reply: Buffer.alloc(0) }));
    daemon.onStream(UPLOAD, (p) => {
      if (p.header.status === PacketStatus.Continue) got.push(p.payload);
      if (p.header.status === PacketStatus.Ok)
        daemon.send(PacketBuilder.stream(UPLOAD).serial(p.header.serial).withStatus(PacketStatus.Ok).bytes());
    });
    const upload = await UploadStream.open(client, UPLOAD, Buffer.alloc(0));
    await upload.write(data);
    await upload.finish();
    assert.deepEqual(
      got.map((c) => c.length),
      [STREAM_CHUNK_BYTES, STREAM_CHUNK_BYTES, 10],
    );
    assert.equal((LENGTH_BYTES + HEADER_BYTES + STREAM_CHUNK_BYTES) % SSH_CHANNEL_PACKET_BYTES, 0);
    assert.deepEqual(Buffer.concat(got), data);
  });

  it("encodes a packet in two parts that read as the whole packet, the second a view of the data", () => {
    const header = { prog: 1, vers: 1, proc: UPLOAD, type: PacketType.Stream, serial: 9, status: PacketStatus.Continue };
    const payload = Buffer.alloc(STREAM_CHUNK_BYTES, 3);
    const [head, rest] = encodePacketParts(header, payload, STREAM_INLINE_BYTES);
    assert.equal(head.length, SSH_CHANNEL_PACKET_BYTES);
    assert.deepEqual(Buffer.concat([head, rest]), encodePacket(header, payload));
    assert.equal(rest.buffer, payload.buffer, "the data past the head was copied");
    const [short, none] = encodePacketParts(header, payload.subarray(0, 5), STREAM_INLINE_BYTES);
    assert.deepEqual(Buffer.concat([short, none]), encodePacket(header, payload.subarray(0, 5)));
  });

  it("reports the daemon's stream error from finish", async () => {
    const { client, daemon } = setup();
    daemon.on(UPLOAD, () => ({ reply: Buffer.alloc(0) }));
    daemon.onStream(UPLOAD, (p) => {
      if (p.header.status === PacketStatus.Ok) {
        const err = encodeRemoteError({ code: ErrorCode.OperationFailed, domain: 18, message: "no space left" });
        daemon.send(PacketBuilder.stream(UPLOAD).serial(p.header.serial).withStatus(PacketStatus.Error).raw(err).bytes());
      }
    });
    const upload = await UploadStream.open(client, UPLOAD, Buffer.alloc(0));
    await upload.write(Buffer.alloc(10));
    await assert.rejects(upload.finish(), (e: unknown) => e instanceof LibvirtError && /no space left/.test(e.message));
  });

  it("sends an empty ERROR packet to abort an upload whose source fails", async () => {
    const { client, daemon } = setup();
    const statuses: number[] = [];
    daemon.on(UPLOAD, () => ({ reply: Buffer.alloc(0) }));
    daemon.onStream(UPLOAD, (p) => statuses.push(p.header.status));
    const upload = await UploadStream.open(client, UPLOAD, Buffer.alloc(0));
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from("abc");
      throw new Error("source broke");
    }
    await assert.rejects(upload.pump(failing()), /source broke/);
    await until(() => statuses.length === 2, "the abort packet");
    assert.deepEqual(statuses, [PacketStatus.Continue, PacketStatus.Error]);
  });

  it("waits for the link to drain between chunks", async () => {
    const [clientEnd, daemonEnd] = duplexPair({ highWaterMark: 1024 });
    const client = new RpcClient(clientEnd);
    const daemon = new FakeDaemon(daemonEnd);
    daemon.on(UPLOAD, () => ({ reply: Buffer.alloc(0) }));
    let drains = 0;
    clientEnd.on("drain", () => drains++);
    daemon.onStream(UPLOAD, (p) => {
      if (p.header.status === PacketStatus.Ok)
        daemon.send(PacketBuilder.stream(UPLOAD).serial(p.header.serial).withStatus(PacketStatus.Ok).bytes());
    });
    const upload = await UploadStream.open(client, UPLOAD, Buffer.alloc(0));
    await upload.write(Buffer.alloc(MAX_STREAM_CHUNK_BYTES * 4));
    await upload.finish();
    assert.ok(drains >= 1, "the upload never waited for drain");
  });

  it("downloads data packets into a readable and ends on the daemon's OK", async () => {
    const { client, daemon } = setup();
    const parts = [Buffer.alloc(1000, 1), Buffer.alloc(262120, 2), Buffer.alloc(5, 3)];
    daemon.on(DOWNLOAD, (p) => {
      setImmediate(() => {
        for (const part of parts) daemon.send(PacketBuilder.stream(DOWNLOAD).serial(p.header.serial).raw(part).bytes());
        daemon.send(PacketBuilder.stream(DOWNLOAD).serial(p.header.serial).withStatus(PacketStatus.Ok).bytes());
      });
      return { reply: Buffer.alloc(0) };
    });
    const readable = await openDownload(client, DOWNLOAD, Buffer.alloc(0));
    const data = await readAll(readable);
    assert.equal(createHash("sha256").update(data).digest("hex"), createHash("sha256").update(Buffer.concat(parts)).digest("hex"));
    await until(() => daemon.received.some((p) => p.header.type === PacketType.Stream), "the end acknowledgement");
    await new Promise((r) => setTimeout(r, 10));
    const ack = daemon.received.filter((p) => p.header.type === PacketType.Stream);
    assert.deepEqual(
      ack.map((p) => p.header.status),
      [PacketStatus.Ok],
      "the client acknowledges the end once",
    );
  });

  it("treats an empty data packet as the end of a download", async () => {
    const { client, daemon } = setup();
    daemon.on(DOWNLOAD, (p) => {
      setImmediate(() => {
        daemon.send(PacketBuilder.stream(DOWNLOAD).serial(p.header.serial).raw(Buffer.from("xyz")).bytes());
        daemon.send(PacketBuilder.stream(DOWNLOAD).serial(p.header.serial).bytes());
      });
      return { reply: Buffer.alloc(0) };
    });
    assert.equal((await readAll(await openDownload(client, DOWNLOAD, Buffer.alloc(0)))).toString(), "xyz");
  });

  it("fails a download with the link error when the link drops mid-stream", async () => {
    const { client, daemon } = setup();
    daemon.on(DOWNLOAD, (p) => {
      setImmediate(() => {
        daemon.send(PacketBuilder.stream(DOWNLOAD).serial(p.header.serial).raw(Buffer.alloc(10)).bytes());
        setImmediate(() => daemon.end.destroy());
      });
      return { reply: Buffer.alloc(0) };
    });
    const readable = await openDownload(client, DOWNLOAD, Buffer.alloc(0));
    await assert.rejects(readAll(readable), RpcLinkError);
  });
});
