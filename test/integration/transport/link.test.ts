/**
 * The transport against the real test hosts: sshd on 127.0.0.1:2222 (host A) and
 * :2223 (host B), each in front of its own libvirtd; host A's daemon is also this
 * machine's local socket. Every test closes what it opens; nothing may hang.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  openLink,
  parseKnownHosts,
  sha256Fingerprint,
  TransportError,
  type Link,
  type LibvirtEndpoint,
  type SshAuth,
  type SshTarget,
} from "../../../provider/transport";
import { authListCall, authListRoundTrip, expectedAuthListReply, headerOf, readPacket } from "./libvirtProbe";
import { testHosts, type TestHost } from "../support/hosts";

const PASSPHRASE = "integration passphrase";
const LOCAL_SOCKET = "/var/run/libvirt/libvirt-sock";

describe("transport: links to the real test hosts", function () {
  this.timeout(60_000);
  let env: { a: TestHost; b: TestHost; keyFile: string; knownHostsFile: string; uri: string };
  let dir: string;
  const links: Link[] = [];

  before(async () => {
    // Throws, naming the missing KVM_TEST_* variable, outside `npm test`.
    const { a, b } = testHosts();
    env = { a, b, keyFile: a.keyPath, knownHostsFile: a.knownHostsPath, uri: a.uri };
    dir = await mkdtemp(join(tmpdir(), "transport-it-"));
  });
  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    // Close whatever a failed test left open, so the run cannot hang on it.
    await Promise.all(links.splice(0).map((link) => link.close()));
  });

  const target = (host: TestHost, extra: Partial<SshTarget> = {}): SshTarget => ({
    host: host.host,
    port: host.port,
    user: host.user,
    auth: { privateKeyFile: env.keyFile },
    hostKey: { kind: "known-hosts", file: env.knownHostsFile },
    readyTimeoutMs: 15_000,
    ...extra,
  });
  const endpoint = (ssh: SshTarget, extra: Partial<LibvirtEndpoint> = {}): LibvirtEndpoint => ({ uri: env.uri, ssh, ...extra });
  const open = async (e: LibvirtEndpoint): Promise<Link> => {
    const link = await openLink(e);
    links.push(link);
    return link;
  };
  /** Opens, proves an AUTH_LIST round trip, closes cleanly. */
  const proveAndClose = async (e: LibvirtEndpoint, serial = 1): Promise<Link> => {
    const link = await open(e);
    const header = await authListRoundTrip(link.stream, serial);
    assert.deepEqual(header, expectedAuthListReply(serial, header.length));
    const started = Date.now();
    await link.close();
    assert.equal(await link.closed, undefined);
    assert.ok(Date.now() - started < 5000, `close took ${Date.now() - started} ms`);
    return link;
  };
  const hostKeyOf = async (host: TestHost): Promise<Buffer> => {
    const known = parseKnownHosts(await readFile(env.knownHostsFile, "utf8"));
    const entry = known.entries.find((e) => e.hosts.kind === "patterns" && e.hosts.list === `[${host.host}]:${host.port}`);
    assert.ok(entry, `known_hosts lists [${host.host}]:${host.port}`);
    return entry.key;
  };
  const withAuth = (host: TestHost, auth: SshAuth): SshTarget => target(host, { auth });

  describe("bytes flow", () => {
    it("to host A with a key file and the known_hosts file", async () => {
      const link = await proveAndClose(endpoint(target(env.a)));
      assert.equal(link.description, `${env.a.user}@${env.a.host}:${env.a.port}`);
    });

    it("to host B with a key file and the known_hosts file", async () => {
      await proveAndClose(endpoint(target(env.b)), 7);
    });

    it("to host A through the nc fallback instead of virt-ssh-helper", async () => {
      await proveAndClose(endpoint(target(env.a), { proxy: "netcat", socketPath: LOCAL_SOCKET }));
    });

    it("to host A's daemon through the local socket, without SSH", async () => {
      // Host A is this machine's own libvirtd: its socket must be there.
      assert.ok(existsSync(LOCAL_SOCKET), `${LOCAL_SOCKET} is missing: host A is not up`);
      const link = await proveAndClose({ uri: env.uri });
      assert.equal(link.description, `unix:${LOCAL_SOCKET}`);
    });

    it("to host B through host A as the jump host", async () => {
      const link = await proveAndClose(endpoint(target(env.b, { jump: target(env.a) })));
      assert.equal(link.description, `${env.b.user}@${env.b.host}:${env.b.port} via ${env.a.user}@${env.a.host}:${env.a.port}`);
    });

    it("carries many calls in flight at once on one link", async () => {
      const link = await open(endpoint(target(env.a)));
      const serials = Array.from({ length: 20 }, (_, i) => i + 1);
      // All calls leave before any reply is read: the replies may arrive coalesced.
      link.stream.write(Buffer.concat(serials.map((serial) => authListCall(serial))));
      const seen: number[] = [];
      for (const _ of serials) {
        const header = headerOf(await readPacket(link.stream));
        assert.equal(header.status, 0);
        seen.push(header.serial);
      }
      assert.deepEqual(
        seen.sort((x, y) => x - y),
        serials,
      );
    });
  });

  describe("authentication", () => {
    it("with the key given as text", async () => {
      await proveAndClose(endpoint(withAuth(env.a, { privateKey: await readFile(env.keyFile, "utf8") })));
    });

    it("with an encrypted copy of the key and its passphrase; a wrong passphrase is an auth error", async () => {
      const copy = join(dir, "encrypted_key");
      await copyFile(env.keyFile, copy);
      await chmod(copy, 0o600);
      execFileSync("ssh-keygen", ["-q", "-p", "-N", PASSPHRASE, "-f", copy]);
      await proveAndClose(endpoint(withAuth(env.a, { privateKeyFile: copy, passphrase: PASSPHRASE })));
      await assert.rejects(openLink(endpoint(withAuth(env.a, { privateKeyFile: copy, passphrase: "not it" }))), (e: unknown) => {
        assert.ok(e instanceof TransportError && e.kind === "auth", String(e));
        assert.ok(!e.message.includes("not it"));
        return true;
      });
    });

    describe("through ssh-agent", () => {
      let agent: ChildProcess | undefined;
      let socket: string;
      before(async () => {
        socket = join(dir, "agent.sock");
        // -D keeps the agent in the foreground, so it is our child and we can stop it by pid.
        agent = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
        for (let i = 0; i < 50 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 100));
        const keyCopy = join(dir, "agent_key");
        await copyFile(env.keyFile, keyCopy);
        await chmod(keyCopy, 0o600);
        execFileSync("ssh-add", ["-q", keyCopy], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: "ignore" });
      });
      after(() => {
        agent?.kill("SIGTERM");
      });

      it("named by its socket path", async () => {
        await proveAndClose(endpoint(withAuth(env.a, { agent: socket })));
      });

      it("found through SSH_AUTH_SOCK", async () => {
        const saved = process.env["SSH_AUTH_SOCK"];
        process.env["SSH_AUTH_SOCK"] = socket;
        try {
          await proveAndClose(endpoint(withAuth(env.b, { agent: true })));
        } finally {
          if (saved === undefined) delete process.env["SSH_AUTH_SOCK"];
          else process.env["SSH_AUTH_SOCK"] = saved;
        }
      });
    });
  });

  describe("host keys", () => {
    it("accepts host A's pinned fingerprint", async () => {
      const fingerprint = sha256Fingerprint(await hostKeyOf(env.a));
      await proveAndClose(endpoint(target(env.a, { hostKey: { kind: "fingerprint", fingerprint } })));
    });

    it("refuses a wrong pinned fingerprint", async () => {
      const fingerprintA = sha256Fingerprint(await hostKeyOf(env.a));
      const fingerprintB = sha256Fingerprint(await hostKeyOf(env.b));
      await assert.rejects(
        openLink(endpoint(target(env.a, { hostKey: { kind: "fingerprint", fingerprint: fingerprintB } }))),
        (e: unknown) => {
          assert.ok(e instanceof TransportError && e.kind === "host-key", String(e));
          assert.equal(e.hostKey?.reason, "pinned-mismatch");
          assert.equal(e.hostKey?.fingerprint, fingerprintA);
          return true;
        },
      );
    });

    it("refuses host A when known_hosts lists another key for it: CHANGED", async () => {
      const keyB = await hostKeyOf(env.b);
      const file = join(dir, "known_hosts_changed");
      await writeFile(file, `[${env.a.host}]:${env.a.port} ssh-ed25519 ${keyB.toString("base64")}\n`);
      await assert.rejects(openLink(endpoint(target(env.a, { hostKey: { kind: "known-hosts", file } }))), (e: unknown) => {
        assert.ok(e instanceof TransportError && e.kind === "host-key", String(e));
        assert.equal(e.hostKey?.reason, "changed");
        assert.match(e.message, /CHANGED/);
        assert.deepEqual(e.hostKey?.expected, [sha256Fingerprint(keyB)]);
        return true;
      });
    });

    it("refuses host A when known_hosts is empty, naming host and fingerprint", async () => {
      const keyA = await hostKeyOf(env.a);
      const file = join(dir, "known_hosts_empty");
      await writeFile(file, "");
      await assert.rejects(openLink(endpoint(target(env.a, { hostKey: { kind: "known-hosts", file } }))), (e: unknown) => {
        assert.ok(e instanceof TransportError && e.kind === "host-key", String(e));
        assert.equal(e.hostKey?.reason, "unknown");
        assert.ok(e.message.includes(`[${env.a.host}]:${env.a.port}`), e.message);
        assert.ok(e.message.includes(sha256Fingerprint(keyA)), e.message);
        return true;
      });
    });

    it("checks the target's key through the jump host, not just the bastion's", async () => {
      const keyA = await hostKeyOf(env.a);
      const file = join(dir, "known_hosts_only_a");
      await writeFile(file, `[${env.a.host}]:${env.a.port} ssh-ed25519 ${keyA.toString("base64")}\n`);
      const jump = target(env.a, { hostKey: { kind: "known-hosts", file } });
      await assert.rejects(openLink(endpoint(target(env.b, { jump, hostKey: { kind: "known-hosts", file } }))), (e: unknown) => {
        assert.ok(e instanceof TransportError && e.kind === "host-key", String(e));
        assert.equal(e.target, `${env.b.user}@${env.b.host}:${env.b.port}`);
        return true;
      });
    });
  });

  describe("failures", () => {
    it("surfaces the remote proxy's stderr when it cannot reach the daemon", async () => {
      const link = await open(endpoint(target(env.a), { proxy: "netcat", socketPath: "/nonexistent/libvirt-sock" }));
      // The proxy fails as soon as it starts, without any traffic; the link reports why.
      const error = await link.closed;
      assert.ok(error instanceof TransportError, String(error));
      assert.equal(error.kind, "channel");
      assert.notEqual(error.exitCode, 0);
      assert.match(error.stderr ?? "", /nonexistent|No such file/i);
    });

    it("reports a closed port as a connect error naming the host", async () => {
      await assert.rejects(openLink(endpoint({ ...target(env.a), port: 1 })), (e: unknown) => {
        assert.ok(e instanceof TransportError && e.kind === "connect", String(e));
        assert.match(e.message, new RegExp(`${env.a.host}:1`));
        return true;
      });
    });
  });
});
