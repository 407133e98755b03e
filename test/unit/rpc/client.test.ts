import assert from "node:assert/strict";
import {
  decodeRemoteError,
  encodeRemoteError,
  ErrorCode,
  isNotFoundError,
  KEEPALIVE_PROGRAM,
  LibvirtError,
  PacketStatus,
  PacketType,
  RpcClient,
  RpcLinkError,
  RpcProtocolError,
  XdrWriter,
} from "../../../provider/rpc";
import { duplexPair } from "../../support/duplexPair";
import { FakeDaemon } from "../../support/fakeDaemon";
import { PacketBuilder } from "../../support/packetBuilder";
import { until } from "../../support/until";

function setup(): { client: RpcClient; daemon: FakeDaemon } {
  const [clientEnd, daemonEnd] = duplexPair();
  return { client: new RpcClient(clientEnd, { description: "test link" }), daemon: new FakeDaemon(daemonEnd) };
}

const intReply = (n: number): Buffer => Buffer.from(new XdrWriter().int(n).toBuffer());

describe("RpcClient", () => {
  it("matches replies to calls by serial when they arrive out of order", async () => {
    const { client, daemon } = setup();
    const held: Array<{ serial: number; value: number }> = [];
    daemon.on(100, (p) => {
      held.push({ serial: p.header.serial, value: p.payload.readInt32BE(0) });
      return { silence: true };
    });
    const calls = [1, 2, 3].map((n) => client.call(100, new XdrWriter().int(n * 10).toBuffer(), (r) => r.int()));
    await until(() => held.length === 3, "three calls at the daemon");
    for (const h of held.reverse())
      daemon.send(
        PacketBuilder.reply(100)
          .serial(h.serial)
          .raw(intReply(h.value + 1))
          .bytes(),
      );
    assert.deepEqual(await Promise.all(calls), [11, 21, 31]);
    assert.equal(client.pendingCalls, 0);
  });

  it("keeps 50 calls in flight on one link and resolves each with its own answer", async () => {
    const { client, daemon } = setup();
    daemon.on(7, (p) => ({ reply: intReply(p.payload.readInt32BE(0) * 2) }));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.call(7, new XdrWriter().int(i).toBuffer(), (r) => r.int())),
    );
    assert.deepEqual(
      results,
      Array.from({ length: 50 }, (_, i) => i * 2),
    );
    assert.equal(new Set(daemon.received.map((p) => p.header.serial)).size, 50);
  });

  it("sends the calls made in one turn of the event loop as one write, in order", async () => {
    const [clientEnd, daemonEnd] = duplexPair();
    const writes: number[] = [];
    const write = clientEnd.write.bind(clientEnd);
    clientEnd.write = ((chunk: Buffer, ...rest: never[]) => (writes.push(chunk.length), write(chunk, ...rest))) as typeof clientEnd.write;
    const client = new RpcClient(clientEnd, { description: "test link" });
    const daemon = new FakeDaemon(daemonEnd);
    daemon.on(7, (p) => ({ reply: intReply(p.payload.readInt32BE(0)) }));
    const first = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.call(7, new XdrWriter().int(i).toBuffer(), (r) => r.int())),
    );
    assert.deepEqual(
      first,
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.equal(writes.length, 1, `20 calls took ${writes.length} writes`);
    assert.deepEqual(
      daemon.received.map((p) => p.payload.readInt32BE(0)),
      Array.from({ length: 20 }, (_, i) => i),
    );
    // A call made in a later turn goes in a write of its own.
    assert.equal(await client.call(7, new XdrWriter().int(99).toBuffer(), (r) => r.int()), 99);
    assert.equal(writes.length, 2);
  });

  it("turns an error reply into a LibvirtError carrying code, domain and message", async () => {
    const { client, daemon } = setup();
    daemon.on(23, () => ({
      error: { code: ErrorCode.NoDomain, domain: 10, message: "Domain not found: no domain with matching name 'x'" },
    }));
    const err = await client.call(23).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof LibvirtError);
    assert.equal(err.code, 42);
    assert.equal(err.domain, 10);
    assert.equal(err.proc, 23);
    assert.match(err.message, /no domain with matching name/);
    assert.equal(err.isNotFound(), true);
    assert.equal(isNotFoundError(err), true);
  });

  it("decides not-found by code for domains, networks, pools and volumes, and nothing else", () => {
    for (const code of [42, 43, 49, 50]) assert.equal(new LibvirtError(code, 0, "x").isNotFound(), true, `code ${code}`);
    for (const code of [1, 28, 38, 55, 90]) assert.equal(new LibvirtError(code, 0, "not found").isNotFound(), false, `code ${code}`);
    assert.equal(new LibvirtError(90, 0, "x").isAlreadyExists(), true);
    assert.equal(new LibvirtError(55, 0, "x").isOperationInvalid(), true);
  });

  it("decodes a remote_error with every optional field present", () => {
    const w = new XdrWriter();
    w.int(50)
      .int(18)
      .optional("Storage volume not found", (x, m) => x.string(m))
      .int(2);
    w.optional({}, (x) => x.string("dom").fixedOpaque(Buffer.alloc(16), 16).int(3));
    w.optional("s1", (x, s) => x.string(s))
      .optional("s2", (x, s) => x.string(s))
      .optional("s3", (x, s) => x.string(s));
    w.int(4).int(5);
    w.optional({}, (x) => x.string("net").fixedOpaque(Buffer.alloc(16), 16));
    const err = decodeRemoteError(Buffer.from(w.toBuffer()), 95);
    assert.equal(err.code, 50);
    assert.equal(err.domain, 18);
    assert.equal(err.message, "Storage volume not found");
    assert.equal(err.level, 2);
    assert.equal(err.proc, 95);
    const round = decodeRemoteError(encodeRemoteError({ code: 43, domain: 19, message: "gone" }));
    assert.equal(round.code, 43);
    assert.equal(round.message, "gone");
  });

  it("fails every pending call with a link error when the link drops, never with not-found", async () => {
    const { client, daemon } = setup();
    daemon.on(23, () => ({ silence: true }));
    const pending = Array.from({ length: 5 }, () =>
      client.call(23).then(
        () => "resolved",
        (e: unknown) => e,
      ),
    );
    await until(() => daemon.received.length === 5, "five calls at the daemon");
    daemon.end.destroy();
    const outcomes = await Promise.all(pending);
    for (const err of outcomes) {
      assert.ok(err instanceof RpcLinkError, String(err));
      assert.equal(isNotFoundError(err), false);
    }
    assert.equal(client.isClosed, true);
    await assert.rejects(client.call(23), RpcLinkError);
  });

  it("fails the link, not just one call, on a malformed packet", async () => {
    const { client, daemon } = setup();
    daemon.on(1, () => ({ silence: true }));
    const pending = client.call(1);
    const bad = Buffer.alloc(8);
    bad.writeUInt32BE(3, 0); // a length smaller than the header itself
    daemon.send(bad);
    await assert.rejects(pending, /malformed data from the daemon/);
    assert.equal(client.isClosed, true);
  });

  it("rejects a reply whose payload does not match the expected type, keeping the link", async () => {
    const { client, daemon } = setup();
    daemon.on(5, () => ({ reply: Buffer.alloc(2) }));
    daemon.on(6, () => ({ reply: intReply(9) }));
    await assert.rejects(
      client.call(5, undefined, (r) => r.int()),
      RpcProtocolError,
    );
    assert.equal(await client.call(6, undefined, (r) => r.int()), 9);
  });

  it("answers the daemon's keepalive PING with PONG", async () => {
    const { daemon } = setup();
    daemon.send(PacketBuilder.message(KEEPALIVE_PROGRAM, 1).bytes());
    await until(() => daemon.received.length > 0, "a PONG");
    const pong = daemon.received.find((p) => p.header.prog === KEEPALIVE_PROGRAM);
    assert.ok(pong, "no PONG sent");
    assert.equal(pong.header.proc, 2);
    assert.equal(pong.header.type, PacketType.Message);
  });

  it("fails the link when the daemon stays silent through the keepalive count", async () => {
    const { client, daemon } = setup();
    daemon.on(1, () => ({ silence: true }));
    const pending = client.call(1);
    client.startKeepalive({ intervalMs: 20, count: 2 });
    await assert.rejects(pending, /no answer from the daemon .*keepalive/);
    const pings = daemon.received.filter((p) => p.header.prog === KEEPALIVE_PROGRAM && p.header.proc === 1);
    assert.equal(pings.length, 2);
  });

  it("keeps the link while the daemon answers PINGs", async () => {
    const { client, daemon } = setup();
    daemon.end.on("data", () => undefined);
    const answer = setInterval(() => daemon.send(PacketBuilder.message(KEEPALIVE_PROGRAM, 2).bytes()), 10);
    client.startKeepalive({ intervalMs: 20, count: 1 });
    await new Promise((r) => setTimeout(r, 150));
    clearInterval(answer);
    assert.equal(client.isClosed, false);
    client.close();
  });

  it("delivers MESSAGE packets to subscribers", async () => {
    const { client, daemon } = setup();
    const seen: number[] = [];
    client.onMessage((proc) => seen.push(proc));
    daemon.send(
      PacketBuilder.message(0x20008086, 315)
        .payload((w) => w.int(1))
        .bytes(),
    );
    await until(() => seen.length > 0, "the event");
    assert.deepEqual(seen, [315]);
  });

  it("reports the end of the link to close handlers once", async () => {
    const { client, daemon } = setup();
    const reasons: Array<Error | undefined> = [];
    client.onClose((err) => reasons.push(err));
    daemon.end.end();
    await until(() => reasons.length > 0, "the close");
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(reasons.length, 1);
    assert.ok(reasons[0] instanceof RpcLinkError);
  });

  it("ignores a reply to a serial nobody waits for", async () => {
    const { client, daemon } = setup();
    daemon.on(6, () => ({ reply: intReply(1) }));
    daemon.send(PacketBuilder.reply(6).serial(999).withStatus(PacketStatus.Ok).bytes());
    assert.equal(await client.call(6, undefined, (r) => r.int()), 1);
  });
});
