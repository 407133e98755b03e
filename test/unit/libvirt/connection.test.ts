import assert from "node:assert/strict";
import { AuthType, DriverFeature } from "../../../provider/libvirt";
import { PacketType } from "../../../provider/rpc";
import { fakeConnection, itSends, xdr } from "./wire";

describe("typed calls on the connection: bytes on the wire", () => {
  it("opens as libvirt's own client does: auth list, open the URI, ask for keepalive and the update order", async () => {
    const { conn, daemon } = await fakeConnection();
    const calls = daemon.received.filter((p) => p.header.type === PacketType.Call);
    assert.deepEqual(
      calls.map((p) => p.header.proc),
      [66, 1, 60, 60],
    );
    assert.deepEqual(calls[0]?.payload, xdr());
    assert.deepEqual(
      calls[1]?.payload,
      xdr((w) => w.uint(1).string("test:///default").uint(0)),
    );
    assert.deepEqual(
      calls.slice(2).map((p) => p.payload),
      [xdr((w) => w.int(10)), xdr((w) => w.int(16))],
    );
    assert.equal(conn.networkUpdateInDocumentedOrder, true);
    await conn.close();
  });

  it("asks polkit when the daemon offers only polkit, before opening", async () => {
    const { conn, daemon } = await fakeConnection({ auth: [2] });
    const calls = daemon.received.filter((p) => p.header.type === PacketType.Call);
    assert.deepEqual(
      calls.map((p) => p.header.proc),
      [66, 70, 1, 60, 60],
    );
    assert.deepEqual(calls[1]?.payload, xdr());
    await conn.close();
  });

  it("refuses a daemon that requires SASL", async () => {
    await assert.rejects(fakeConnection({ auth: [1] }), /requires SASL authentication/);
  });

  itSends([
    {
      name: "authList",
      call: (c) => c.authList(),
      proc: 66,
      reply: (w) => w.uint(2).int(0).int(2),
      returns: [AuthType.None, AuthType.Polkit],
    },
    { name: "libVersion", call: (c) => c.libVersion(), proc: 157, reply: (w) => w.uhyper(10_000_000n), returns: 10_000_000n },
    {
      // Four host CPUs, 0, 1 and 3 online; bits past the host's CPU count are not CPUs.
      name: "onlineCpus",
      call: (c) => c.onlineCpus(),
      proc: 293,
      args: (w) => w.int(1).int(1).uint(0),
      reply: (w) =>
        w
          .opaque(Buffer.from([0b1011_1011]))
          .uint(3)
          .int(4),
      returns: [0, 1, 3],
    },
    {
      name: "supportsFeature",
      call: (c) => c.supportsFeature(DriverFeature.NetworkUpdateHasCorrectOrder),
      proc: 60,
      args: (w) => w.int(16),
      reply: (w) => w.int(1),
      returns: true,
    },
    {
      name: "domainCapabilities",
      call: (c) => c.domainCapabilities({ arch: "x86_64", virtType: "kvm" }),
      proc: 342,
      args: (w) => w.uint(0).uint(1).string("x86_64").uint(0).uint(1).string("kvm").uint(0),
      reply: (w) => w.string("<domainCapabilities/>"),
      returns: "<domainCapabilities/>",
    },
    { name: "close", call: (c) => c.close(), proc: 2 },
  ]);
});
