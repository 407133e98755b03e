import { strict as assert } from "node:assert";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type AddressInfo, type Server as NetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";

import { TransportError } from "../../../provider/transport/errors";
import { openLink } from "../../../provider/transport/openLink";
import { remoteProxyCommand } from "../../../provider/transport/remoteCommand";
import type { Link, SshTarget } from "../../../provider/transport/types";
import { ED25519 } from "./fixtures";
import { startFakeSshd, type FakeSshd } from "./support/fakeSshd";
import { ed25519KeyPair } from "./support/testKeys";

const PASSWORD = "pw-Secret-123";
const clientKey = ed25519KeyPair();

function knownHostsFor(...servers: FakeSshd[]): string {
  return servers.map((s) => `[127.0.0.1]:${s.port} ${s.hostKeyLine}`).join("\n");
}

function target(server: FakeSshd, extra: Partial<SshTarget> = {}): SshTarget {
  return {
    host: "127.0.0.1",
    port: server.port,
    user: "kvmtest",
    auth: { password: PASSWORD },
    hostKey: { kind: "known-hosts", text: knownHostsFor(server) },
    readyTimeoutMs: 5000,
    ...extra,
  };
}

/** Writes bytes and reads the same number back. */
async function roundTrip(stream: Duplex, payload: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  const done = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= payload.length) {
        stream.off("data", onData);
        resolve();
      }
    };
    stream.on("data", onData);
  });
  stream.write(payload);
  await done;
  return Buffer.concat(chunks);
}

function isKind(kind: TransportError["kind"], check?: (e: TransportError) => void) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof TransportError, `expected TransportError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    assert.ok(!error.message.includes(PASSWORD), "message leaks the password");
    check?.(error);
    return true;
  };
}

describe("transport/openLink against an in-process SSH server", function () {
  this.timeout(15000);
  const links: Link[] = [];
  const servers: FakeSshd[] = [];
  const start = async (...args: Parameters<typeof startFakeSshd>): Promise<FakeSshd> => {
    const server = await startFakeSshd(...args);
    servers.push(server);
    return server;
  };
  const open = async (...args: Parameters<typeof openLink>): Promise<Link> => {
    const link = await openLink(...args);
    links.push(link);
    return link;
  };
  afterEach(async () => {
    await Promise.all(links.splice(0).map((l) => l.close()));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it("carries bytes both ways over the exec channel running the proxy command", async () => {
    const server = await start({ password: PASSWORD });
    const link = await open({ uri: "qemu:///system", ssh: target(server) });
    const payload = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
    assert.deepEqual(await roundTrip(link.stream, payload), payload);
    assert.deepEqual(server.commands, [remoteProxyCommand({ uri: "qemu:///system" })]);
    assert.equal(link.description, `kvmtest@127.0.0.1:${server.port}`);
  });

  it("authenticates with a private key given as text", async () => {
    const server = await start({ authorizedKey: clientKey.public });
    const link = await open({ uri: "qemu:///system", ssh: target(server, { auth: { privateKey: clientKey.private } }) });
    assert.equal((await roundTrip(link.stream, Buffer.from("hi"))).toString(), "hi");
  });

  it("falls back to keyboard-interactive for password-only PAM setups", async () => {
    const server = await start({ password: PASSWORD, keyboardInteractiveOnly: true });
    const link = await open({ uri: "qemu:///system", ssh: target(server) });
    assert.equal((await roundTrip(link.stream, Buffer.from("ki"))).toString(), "ki");
    assert.ok(server.authAttempts.includes("keyboard-interactive"));
  });

  it("closes cleanly: EOF reaches the proxy, the connection ends, closed settles undefined", async () => {
    const server = await start({ password: PASSWORD });
    const link = await openLink({ uri: "qemu:///system", ssh: target(server) });
    await link.close();
    assert.equal(await link.closed, undefined);
    assert.equal(server.channelEofs.length, 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(server.clients.size, 0);
    await link.close(); // idempotent
  });

  it("refuses an unknown host before sending any credentials", async () => {
    const server = await start({ password: PASSWORD });
    await assert.rejects(
      openLink({ uri: "qemu:///system", ssh: target(server, { hostKey: { kind: "known-hosts", text: "" } }) }),
      isKind("host-key", (e) => {
        assert.equal(e.hostKey?.reason, "unknown");
        assert.ok(e.message.includes(`[127.0.0.1]:${server.port}`));
        assert.ok(e.message.includes(e.hostKey?.fingerprint ?? "?"));
        assert.ok(e.message.includes(server.hostKeyBase64), "gives the line to add");
      }),
    );
    assert.deepEqual(server.authAttempts, []);
  });

  it("refuses a changed host key with a distinct reason", async () => {
    const server = await start({ password: PASSWORD });
    const text = `[127.0.0.1]:${server.port} ${ED25519.type} ${ED25519.base64}`;
    await assert.rejects(
      openLink({ uri: "qemu:///system", ssh: target(server, { hostKey: { kind: "known-hosts", text } }) }),
      isKind("host-key", (e) => {
        assert.equal(e.hostKey?.reason, "changed");
        assert.deepEqual(e.hostKey?.expected, [ED25519.fingerprint]);
        assert.match(e.message, /CHANGED/);
      }),
    );
    assert.deepEqual(server.authAttempts, []);
  });

  it("accepts the right pinned fingerprint and refuses a wrong one", async () => {
    const server = await start({ password: PASSWORD });
    let seen = "";
    await assert.rejects(
      openLink({ uri: "qemu:///system", ssh: target(server, { hostKey: { kind: "fingerprint", fingerprint: ED25519.fingerprint } }) }),
      isKind("host-key", (e) => {
        assert.equal(e.hostKey?.reason, "pinned-mismatch");
        seen = e.hostKey?.fingerprint ?? "";
      }),
    );
    const link = await open({ uri: "qemu:///system", ssh: target(server, { hostKey: { kind: "fingerprint", fingerprint: seen } }) });
    assert.equal((await roundTrip(link.stream, Buffer.from("pin"))).toString(), "pin");
  });

  it("reports a refused password as an auth error saying what was tried", async () => {
    const server = await start({ password: "another" });
    await assert.rejects(
      openLink({ uri: "qemu:///system", ssh: target(server) }),
      isKind("auth", (e) => assert.match(e.message, /tried: password/)),
    );
  });

  it("reports connection refused as a connect error naming the host", async () => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1");
    await once(probe, "listening");
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    await assert.rejects(
      openLink({ uri: "qemu:///system", ssh: { host: "127.0.0.1", port, user: "kvmtest", auth: { password: PASSWORD } } }),
      isKind("connect", (e) => assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port}.*ECONNREFUSED`))),
    );
  });

  /** Runs `fn` against a port that accepts TCP but never speaks SSH; `fn` must fail within `withinMs`. */
  async function againstSilentServer(withinMs: number, fn: (port: number) => Promise<void>): Promise<void> {
    const silent: NetServer = createServer(() => undefined);
    silent.listen(0, "127.0.0.1");
    await once(silent, "listening");
    const started = Date.now();
    try {
      await fn((silent.address() as AddressInfo).port);
      assert.ok(Date.now() - started < withinMs);
    } finally {
      silent.close();
    }
  }

  it("times out a server that accepts TCP but never speaks SSH", () =>
    againstSilentServer(3000, (port) =>
      assert.rejects(
        openLink({ uri: "qemu:///system", ssh: { host: "127.0.0.1", port, user: "u", auth: { password: PASSWORD }, readyTimeoutMs: 300 } }),
        isKind("timeout"),
      ),
    ));

  it("bounds every step by the endpoint's connect timeout, naming the step and the host", () =>
    againstSilentServer(2000, (port) =>
      assert.rejects(
        openLink({
          uri: "qemu:///system",
          connectTimeoutMs: 300,
          ssh: { host: "127.0.0.1", port, user: "u", auth: { password: PASSWORD } },
        }),
        isKind("timeout", (e) =>
          assert.match(e.message, new RegExp(`^u@127\\.0\\.0\\.1:${port}: SSH handshake and login: not finished within 0\\.3 s`)),
        ),
      ),
    ));

  it("refuses a connect timeout that is not a positive number", async () => {
    await assert.rejects(
      openLink({ uri: "qemu:///system", connectTimeoutMs: 0 }),
      isKind("config", (e) => assert.match(e.message, /connectTimeoutMs/)),
    );
  });

  it("surfaces the remote proxy's exit status and stderr through closed", async () => {
    const server = await start({
      password: PASSWORD,
      exec: (_command, channel) => {
        channel.stderr.write("sh: 1: exec: nc: not found\n");
        channel.exit(127);
        channel.end();
      },
    });
    const link = await open({ uri: "qemu:///system", ssh: target(server) });
    const error = await link.closed;
    assert.ok(error instanceof TransportError);
    assert.equal(error.kind, "channel");
    assert.equal(error.exitCode, 127);
    assert.match(error.message, /exited with status 127/);
    assert.match(error.message, /nc: not found/);
    assert.equal(error.stderr, "sh: 1: exec: nc: not found");
  });

  it("reports a dropped connection through closed, and tears everything down", async () => {
    const server = await start({ password: PASSWORD });
    const link = await open({ uri: "qemu:///system", ssh: target(server) });
    for (const client of server.clients) client.end();
    const error = await link.closed;
    assert.ok(error instanceof TransportError);
    assert.equal(error.kind, "closed");
  });

  it("reports a refused exec channel as a channel error", async () => {
    const server = await start({ password: PASSWORD, refuseSessions: true });
    await assert.rejects(openLink({ uri: "qemu:///system", ssh: target(server) }), isKind("channel"));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(server.clients.size, 0, "the connection was closed after the failure");
  });

  it("reaches a target through a jump host, checking each host key", async () => {
    const bastion = await start({ authorizedKey: clientKey.public, allowForwarding: true });
    const inner = await start({ password: PASSWORD });
    const jump = target(bastion, { auth: { privateKey: clientKey.private } });
    const link = await open({ uri: "qemu:///system", ssh: target(inner, { jump }) });
    assert.equal((await roundTrip(link.stream, Buffer.from("via bastion"))).toString(), "via bastion");
    assert.equal(link.description, `kvmtest@127.0.0.1:${inner.port} via kvmtest@127.0.0.1:${bastion.port}`);
    assert.equal(inner.commands.length, 1);
    assert.equal(bastion.commands.length, 0);
    await link.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(inner.clients.size + bastion.clients.size, 0);
  });

  it("refuses the target's unknown key even when the bastion is trusted", async () => {
    const bastion = await start({ password: PASSWORD, allowForwarding: true });
    const inner = await start({ password: PASSWORD });
    const jump = target(bastion);
    await assert.rejects(
      openLink({ uri: "qemu:///system", ssh: target(inner, { jump, hostKey: { kind: "known-hosts", text: knownHostsFor(bastion) } }) }),
      isKind("host-key", (e) => assert.equal(e.target, `kvmtest@127.0.0.1:${inner.port}`)),
    );
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(bastion.clients.size, 0, "the bastion connection was closed after the failure");
  });

  it("reports a bastion that refuses to forward as a connect error", async () => {
    const bastion = await start({ password: PASSWORD, allowForwarding: false });
    const inner = await start({ password: PASSWORD });
    await assert.rejects(
      openLink({ uri: "qemu:///system", ssh: target(inner, { jump: target(bastion) }) }),
      isKind("connect", (e) => assert.match(e.message, /could not open a TCP forward/)),
    );
  });

  it("rejects an invalid endpoint before connecting, listing all problems", async () => {
    await assert.rejects(
      openLink({ uri: "qemu+ssh://h/system", socketPath: "x", ssh: { host: "h", user: "u", auth: { password: PASSWORD }, port: 0 } }),
      isKind("config", (e) => {
        assert.match(e.message, /names a transport/);
        assert.match(e.message, /socketPath "x" must be absolute/);
        assert.match(e.message, /ssh\.port must be/);
      }),
    );
  });
});

describe("transport/openLink to a local unix socket", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), "local-link-"))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it("connects, carries bytes, and closes", async () => {
    const path = join(dir, "echo.sock");
    const server = createServer((socket) => socket.pipe(socket));
    server.listen(path);
    await once(server, "listening");
    try {
      const link = await openLink({ uri: "qemu:///system", socketPath: path });
      assert.equal(link.description, `unix:${path}`);
      assert.equal((await roundTrip(link.stream, Buffer.from("local"))).toString(), "local");
      await link.close();
      assert.equal(await link.closed, undefined);
    } finally {
      server.close();
    }
  });

  it("reports the daemon going away through closed", async () => {
    const path = join(dir, "drop.sock");
    const server = createServer((socket) => setTimeout(() => socket.destroy(), 20));
    server.listen(path);
    await once(server, "listening");
    try {
      const link = await openLink({ uri: "qemu:///system", socketPath: path });
      const error = await link.closed;
      assert.equal(error?.kind, "closed");
    } finally {
      server.close();
    }
  });

  it("says the socket is missing", async () => {
    await assert.rejects(
      openLink({ uri: "qemu:///system", socketPath: join(dir, "absent.sock") }),
      isKind("connect", (e) => assert.match(e.message, /ENOENT.*libvirtd running/)),
    );
  });
});
