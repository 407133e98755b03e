import assert from "node:assert/strict";
import { ConnectionPool, LibvirtConnection } from "../../../provider/libvirt";
import { RpcLinkError } from "../../../provider/rpc";
import type { SshTarget } from "../../../provider/transport";
import { duplexPair } from "../../support/duplexPair";
import { FakeDaemon } from "../../support/fakeDaemon";
import { startFakeSshd, type FakeSshd } from "../transport/support/fakeSshd";
import { xdr } from "./wire";

const AUTH_LIST = 66;
const CONNECT_OPEN = 1;
const PASSWORD = "pw-Secret-123";

/** Opens over an in-memory link to a daemon that answers only what `answer` sets up. */
function openAgainst(answer: (daemon: FakeDaemon) => void, options: { timeoutMs: number; linkSilentMs?: () => number }) {
  const [clientEnd, daemonEnd] = duplexPair();
  answer(new FakeDaemon(daemonEnd));
  return LibvirtConnection.open(clientEnd, {
    uri: "test:///default",
    description: "kvm@hv1:22 test:///default",
    keepalive: false,
    timeoutMs: options.timeoutMs,
    ...(options.linkSilentMs === undefined ? {} : { link: { linkSilentMs: options.linkSilentMs } }),
  });
}

/** Asserts `promise` fails with an RpcLinkError matching `pattern` within `withinMs`. */
async function failsWithin(promise: Promise<unknown>, withinMs: number, pattern: RegExp): Promise<RpcLinkError> {
  const started = Date.now();
  const error = await promise.then(
    () => assert.fail("the open succeeded"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RpcLinkError, String(error));
  assert.match(error.message, pattern);
  assert.ok(Date.now() - started < withinMs, `took ${Date.now() - started} ms`);
  return error;
}

describe("libvirt handshake: bounded, naming the step and the host", () => {
  it("fails a daemon that never answers the authentication list", async () => {
    await failsWithin(
      openAgainst((d) => d.on(AUTH_LIST, () => ({ silence: true })), { timeoutMs: 200 }),
      1500,
      /^kvm@hv1:22 test:\/\/\/default: libvirt handshake \(authentication list\): no answer within 0\.2 s/,
    );
  });

  it("names the open when the daemon stops answering there", async () => {
    const answer = (d: FakeDaemon): void => {
      d.on(AUTH_LIST, () => ({ reply: xdr((w) => w.array([0], (x, a) => x.int(a))) })).on(CONNECT_OPEN, () => ({ silence: true }));
    };
    await failsWithin(openAgainst(answer, { timeoutMs: 200 }), 1500, /libvirt handshake \(connect open\): no answer within 0\.2 s/);
  });

  it("blames the daemon when the carrier says the link still answers", async () => {
    const error = await failsWithin(
      openAgainst((d) => d.on(AUTH_LIST, () => ({ silence: true })), { timeoutMs: 200, linkSilentMs: () => 0 }),
      1500,
      /the SSH link is alive, so the libvirt daemon is not answering/,
    );
    assert.equal(error.side, "daemon");
  });

  it("leaves a connection that opened in time alone once the time is up", async () => {
    const conn = await openAgainst(
      (d) =>
        d
          .on(AUTH_LIST, () => ({ reply: xdr((w) => w.array([0], (x, a) => x.int(a))) }))
          .on(CONNECT_OPEN, () => ({ reply: xdr() }))
          .on(60, () => ({ reply: xdr((w) => w.int(0)) })),
      { timeoutMs: 100 },
    );
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(conn.isClosed, false);
    await conn.close();
  });
});

describe("connection pool: one budget from TCP connect to the end of the handshake", function () {
  this.timeout(10000);
  let server: FakeSshd | undefined;
  const pool = new ConnectionPool({ idleMs: 10 });
  afterEach(async () => {
    await pool.closeAll();
    await server?.stop();
  });

  it("fails a daemon that accepts the link but never answers, within the configured time", async () => {
    // The "proxy" on the host takes the bytes and never answers, as a stopped libvirtd does.
    server = await startFakeSshd({ password: PASSWORD, exec: (_command, channel) => void channel.on("data", () => undefined) });
    const ssh: SshTarget = {
      host: "127.0.0.1",
      port: server.port,
      user: "kvmtest",
      auth: { password: PASSWORD },
      hostKey: { kind: "known-hosts", text: `[127.0.0.1]:${server.port} ${server.hostKeyLine}` },
    };
    const error = await failsWithin(
      pool.acquire({ uri: "qemu:///system", ssh, connectTimeoutMs: 1000 }),
      2500,
      /libvirt handshake \(authentication list\): no answer within/,
    );
    assert.ok(error.message.startsWith(`kvmtest@127.0.0.1:${server.port} qemu:///system: `), error.message);
    assert.equal(pool.size, 0);
  });
});
