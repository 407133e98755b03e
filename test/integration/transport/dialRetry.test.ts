/**
 * Dial retries and the debug switch against the real test hosts: a closed port on this
 * machine, a port that starts listening (a relay to host A's sshd) while the dial is
 * being retried, and host A's sshd and libvirtd behind a debug-logged open.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { chmod, copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { LibvirtConnection } from "../../../provider/libvirt";
import {
  openLink,
  parseKnownHosts,
  sha256Fingerprint,
  TransportError,
  type HostKeyPolicy,
  type HostKeyType,
  type LibvirtEndpoint,
  type Link,
  type SshTarget,
} from "../../../provider/transport";
import { testHosts, type TestHost } from "../support/hosts";
import { LinkProxy } from "../support/linkProxy";
import { authListRoundTrip, expectedAuthListReply } from "./libvirtProbe";

/** A word that must never reach the debug log. */
const PASSPHRASE = "quokka-marmalade-7731";

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Runs `fn` with `PULUMI_KVM_DEBUG` set and stderr captured, restoring both after. */
async function withDebugCaptured<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  const before = process.env["PULUMI_KVM_DEBUG"];
  process.env["PULUMI_KVM_DEBUG"] = "transport";
  process.stderr.write = (chunk: string | Uint8Array): boolean => {
    lines.push(...(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8")).split("\n").filter((line) => line !== ""));
    return true;
  };
  try {
    return { result: await fn(), lines };
  } finally {
    process.stderr.write = write;
    if (before === undefined) delete process.env["PULUMI_KVM_DEBUG"];
    else process.env["PULUMI_KVM_DEBUG"] = before;
  }
}

describe("transport: dial retries and the debug switch, against the real test hosts", function () {
  this.timeout(60_000);
  let a: TestHost;
  let dir: string;
  const links: Link[] = [];
  const proxies: LinkProxy[] = [];

  before(async () => {
    // Throws, naming the missing KVM_TEST_* variable, outside `npm test`.
    a = testHosts().a;
    dir = await mkdtemp(join(tmpdir(), "dial-retry-it-"));
  });
  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await Promise.all(links.splice(0).map((link) => link.close()));
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  });

  const target = (extra: Partial<SshTarget> = {}): SshTarget => ({
    host: a.host,
    port: a.port,
    user: a.user,
    auth: { privateKeyFile: a.keyPath },
    hostKey: { kind: "known-hosts", file: a.knownHostsPath },
    readyTimeoutMs: 15_000,
    ...extra,
  });
  const pinnedKeyOfA = async (): Promise<HostKeyPolicy> => {
    const known = parseKnownHosts(await readFile(a.knownHostsPath, "utf8"));
    const entry = known.entries.find((e) => e.hosts.kind === "patterns" && e.hosts.list === `[${a.host}]:${a.port}`);
    assert.ok(entry, `known_hosts lists [${a.host}]:${a.port}`);
    return { kind: "fingerprint", fingerprint: sha256Fingerprint(entry.key), keyType: entry.keyType as HostKeyType };
  };
  const endpoint = (ssh: SshTarget, extra: Partial<LibvirtEndpoint> = {}): LibvirtEndpoint => ({ uri: a.uri, ssh, ...extra });

  it("retries a closed port the configured number of times, then fails naming the host and the attempts", async () => {
    const port = await closedPort();
    const started = Date.now();
    await assert.rejects(openLink(endpoint(target({ host: "127.0.0.1", port }), { connectAttempts: 3 })), (e: unknown) => {
      assert.ok(e instanceof TransportError && e.kind === "connect", String(e));
      assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port} after 3 attempts over [\\d.]+ s: .*ECONNREFUSED`));
      return true;
    });
    // The backoff between three attempts: 0.5 s, then 1 s.
    assert.ok(Date.now() - started >= 1500, `gave up after ${Date.now() - started} ms`);
  });

  it("connects on a later attempt once the port starts listening", async () => {
    const port = await closedPort();
    // Reached on another port, host A is not under its own name in known_hosts: pin its key.
    const opening = openLink(endpoint(target({ host: "127.0.0.1", port, hostKey: await pinnedKeyOfA() }), { connectAttempts: 4 }));
    // Refused at 0 and 0.5 s; the relay to host A's sshd listens from 0.7 s, before the third try at 1.5 s.
    await new Promise((resolve) => setTimeout(resolve, 700));
    proxies.push(await LinkProxy.start({ host: a.host, port: a.port }, port));
    const link = await opening;
    links.push(link);
    assert.equal(proxies[0]?.accepted, 1);
    const header = await authListRoundTrip(link.stream, 1);
    assert.deepEqual(header, expectedAuthListReply(1, header.length));
  });

  it("with PULUMI_KVM_DEBUG=transport, prints each step of an open, and no secret", async () => {
    const copy = join(dir, "encrypted_key");
    await copyFile(a.keyPath, copy);
    await chmod(copy, 0o600);
    execFileSync("ssh-keygen", ["-q", "-p", "-N", PASSPHRASE, "-f", copy]);
    const where = `${a.user}@${a.host}:${a.port}`;
    const { lines } = await withDebugCaptured(async () => {
      const startedAt = Date.now();
      const link = await openLink(endpoint(target({ auth: { privateKeyFile: copy, passphrase: PASSPHRASE } })));
      links.push(link);
      const connection = await LibvirtConnection.open(link.stream, {
        uri: a.uri,
        description: link.description,
        keepalive: false,
        startedAt,
      });
      // The link first: a daemon that saw libvirt's own close first ends the link itself, a drop.
      await link.close();
      await connection.close();
      // A wrong passphrase (the right one with more after it) must not reach the log either.
      await assert.rejects(openLink(endpoint(target({ auth: { privateKeyFile: copy, passphrase: `${PASSPHRASE}-not` } }))));
    });
    const expected = [
      "dialing \\(attempt 1 of 3\\)",
      "TCP connected",
      "SSH handshake done: kex \\S+, cipher \\S+",
      "host key verified: SHA256:\\S+ \\(known_hosts file .+\\)",
      `authenticated with private key file ${copy}`,
      "channel opened: virt-ssh-helper or nc",
      "libvirt connection opened",
      "link closed",
      "link failed: .*private key file",
    ];
    for (const event of expected) {
      assert.ok(
        lines.some((line) => new RegExp(`^pulumi-kvm: ${where}\\S* \\+\\d+ms ${event}`).test(line)),
        `no line for /${event}/ in:\n${lines.join("\n")}`,
      );
    }
    const keyLines = [...(await readFile(a.keyPath, "utf8")).split("\n"), ...(await readFile(copy, "utf8")).split("\n")].filter(
      (line) => line.length > 20 && !line.startsWith("-----"),
    );
    for (const line of lines) {
      assert.ok(!line.includes(PASSPHRASE), `the passphrase in: ${line}`);
      assert.ok(!keyLines.some((keyLine) => line.includes(keyLine)), `key material in: ${line}`);
    }
  });
});
