import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";

import { resolveSshHost, type SshHostRequest } from "../../../provider/transport/sshConfig";
import { parseSshConfig, SshConfigError } from "../../../provider/transport/sshConfigFile";

const FILE = "/home/ops/.ssh/config";
const context = { home: "/home/ops", localUser: "ops" };

/** Resolves `request` (a name, or the name with explicit values) through config text. */
function resolve(text: string, request: string | SshHostRequest) {
  return resolveSshHost(parseSshConfig(text, FILE), typeof request === "string" ? { host: request } : request, context);
}

/** Asserts that `fn` throws an SshConfigError naming the file, `line` and matching `reason`. */
function throwsAt(fn: () => unknown, line: number | undefined, reason: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SshConfigError, String(e));
    assert.equal(e.file, FILE);
    assert.equal(e.line, line, e.message);
    assert.match(e.message, new RegExp(`^ssh config ${FILE}${line === undefined ? "" : ` line ${line}`}: `));
    assert.match(e.message, reason);
    return true;
  });
}

describe("transport/sshConfig: a host through an OpenSSH client config", () => {
  it("takes HostName, Port, User of the alias's Host section", () => {
    const text = "Host hv1\n  HostName 10.0.0.5\n  Port 2222\n  User admin\n";
    assert.deepEqual(resolve(text, "hv1"), { host: "10.0.0.5", port: 2222, user: "admin", identityFiles: [], knownHostsFiles: [] });
  });

  it("leaves a name no section matches as it is", () => {
    assert.deepEqual(resolve("Host hv1\n  Port 2222\n", "hv2"), { host: "hv2", identityFiles: [], knownHostsFiles: [] });
  });

  it("keeps the first value obtained: earlier sections and global lines win over later ones", () => {
    const text = [
      "Port 2000",
      "Host hv*",
      "  User first",
      "  Port 3000",
      "Host hv1",
      "  User second",
      "  HostName one.example",
      "Host *",
      "  HostName two.example",
    ].join("\n");
    assert.deepEqual(resolve(text, "hv1"), { host: "one.example", port: 2000, user: "first", identityFiles: [], knownHostsFiles: [] });
  });

  it("matches patterns with *, ? (exactly one character), several patterns and !negation", () => {
    const text = ["Host web? db-* !db-secret", "  User matched", "Host *", "  User other"].join("\n");
    const user = (name: string) => resolve(text, name).user;
    assert.equal(user("web1"), "matched");
    assert.equal(user("web12"), "other", "? stands for one character");
    assert.equal(user("db-main"), "matched");
    assert.equal(user("db-secret"), "other", "a matching negated pattern vetoes the section");
    assert.equal(user("WEB1"), "matched", "host names compare without case");
  });

  it("lets the caller's port and login win over the file's", () => {
    const text = "Host hv1\n  Port 2222\n  User admin\n";
    assert.deepEqual(resolve(text, { host: "hv1", port: 22, user: "root" }), {
      host: "hv1",
      port: 22,
      user: "root",
      identityFiles: [],
      knownHostsFiles: [],
    });
  });

  it("expands %h in HostName and ~, %d, %u, %h, %r, %p, %n, %% in paths", () => {
    const text = [
      "Host hv1",
      "  HostName %h.lab.example",
      "  User admin",
      "  Port 2200",
      "  IdentityFile ~/.ssh/id_%h",
      "  IdentityFile %d/keys/%u-%r-%p-%n%%",
      "  UserKnownHostsFile ~/.ssh/kh_%n /etc/kh",
    ].join("\n");
    const host = resolve(text, "hv1");
    assert.equal(host.host, "hv1.lab.example");
    assert.deepEqual(host.identityFiles, ["/home/ops/.ssh/id_hv1.lab.example", "/home/ops/keys/ops-admin-2200-hv1%"]);
    assert.deepEqual(host.knownHostsFiles, ["/home/ops/.ssh/kh_hv1", "/etc/kh"]);
  });

  it("keeps every IdentityFile line in order (they add up), and only the first UserKnownHostsFile line", () => {
    const text = [
      "Host hv1",
      "  IdentityFile /a",
      "  UserKnownHostsFile /kh1",
      "Host *",
      "  IdentityFile /b",
      "  UserKnownHostsFile /kh2",
    ].join("\n");
    const host = resolve(text, "hv1");
    assert.deepEqual(host.identityFiles, ["/a", "/b"]);
    assert.deepEqual(host.knownHostsFiles, ["/kh1"]);
  });

  it("reads keywords without regard to case, with = separators and quotes", () => {
    const text = 'host hv1\n  HOSTNAME=10.0.0.5\n  identityfile "/keys/my key"\n';
    assert.deepEqual(resolve(text, "hv1"), { host: "10.0.0.5", identityFiles: ["/keys/my key"], knownHostsFiles: [] });
  });

  it("skips Match sections, never running their exec", () => {
    const text = [
      'Match exec "touch /tmp/pkvm-should-not-exist"',
      "  Port 1",
      "Match all",
      "  User nobody",
      "Host hv1",
      "  Port 2222",
    ].join("\n");
    const host = resolve(text, "hv1");
    assert.equal(host.port, 2222);
    assert.equal(host.user, undefined);
    assert.equal(existsSync("/tmp/pkvm-should-not-exist"), false, "a Match exec command ran");
  });
});

describe("transport/sshConfig: ProxyJump", () => {
  const text = [
    "Host hv1",
    "  HostName 10.0.0.5",
    "  ProxyJump bastion",
    "Host bastion",
    "  HostName bastion.example",
    "  User jumper",
    "  Port 2022",
    "  IdentityFile ~/.ssh/bastion",
    "Host edge",
    "  HostName edge.example",
    "  ProxyJump outer",
    "Host inner",
    "  HostName inner.example",
    "  ProxyJump ignored-for-inner",
    "Host deep",
    "  ProxyJump edge,inner",
  ].join("\n");

  it("resolves the jump host through the same file", () => {
    assert.deepEqual(resolve(text, "hv1"), {
      host: "10.0.0.5",
      identityFiles: [],
      knownHostsFiles: [],
      jump: { host: "bastion.example", port: 2022, user: "jumper", identityFiles: ["/home/ops/.ssh/bastion"], knownHostsFiles: [] },
    });
  });

  it("lets user@host:port of a hop win over the hop's own section", () => {
    const jump = resolve("Host hv1\n  ProxyJump root@bastion:22\n" + text, "hv1").jump;
    assert.equal(jump?.host, "bastion.example");
    assert.equal(jump?.user, "root");
    assert.equal(jump?.port, 22);
  });

  it("chains comma-separated hops: the last is the target's bastion, the first follows its own ProxyJump", () => {
    const host = resolve(text, "deep");
    assert.equal(host.jump?.host, "inner.example");
    assert.equal(host.jump?.jump?.host, "edge.example", "inner is reached through edge, not through its own ProxyJump");
    assert.equal(host.jump?.jump?.jump?.host, "outer", "edge is reached through its own ProxyJump");
    assert.equal(host.jump?.jump?.jump?.jump, undefined);
  });

  it("reads ssh:// hops and bracketed IPv6 hops", () => {
    const viaUri = resolve("Host a\n  ProxyJump ssh://ops@gw.example:2200\n", "a").jump;
    assert.deepEqual(viaUri, { host: "gw.example", port: 2200, user: "ops", identityFiles: [], knownHostsFiles: [] });
    const viaV6 = resolve("Host a\n  ProxyJump [fd00::1]:2200\n", "a").jump;
    assert.deepEqual(viaV6, { host: "fd00::1", port: 2200, identityFiles: [], knownHostsFiles: [] });
  });

  it("is none when the first ProxyJump obtained says none", () => {
    assert.equal(resolve("Host hv1\n  ProxyJump none\nHost *\n  ProxyJump bastion\n", "hv1").jump, undefined);
  });

  it("is not read when the caller names its own jump host", () => {
    const host = resolveSshHost(parseSshConfig(text, FILE), { host: "hv1", jumpGiven: true }, context);
    assert.equal(host.jump, undefined);
  });

  it("refuses a loop after eight hops", () => {
    throwsAt(() => resolve("Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n", "a"), undefined, /more than 8 jump hosts/);
  });

  it("refuses a hop that is not [user@]host[:port], naming its line", () => {
    throwsAt(() => resolve("Host a\n  ProxyJump gw:notaport\n", "a"), 2, /"gw:notaport" is not \[user@\]host\[:port\]/);
    throwsAt(() => resolve("Host a\n  ProxyJump gw,@x\n", "a"), 2, /"@x"/);
  });

  it("refuses a ProxyCommand that applies, and ignores one that ProxyJump precedes", () => {
    throwsAt(() => resolve("Host a\n  ProxyCommand nc %h %p\n", "a"), 2, /ProxyCommand is not supported/);
    assert.equal(resolve("Host a\n  ProxyJump gw\n  ProxyCommand nc %h %p\n", "a").jump?.host, "gw");
    assert.equal(resolve("Host a\n  ProxyCommand none\n", "a").jump, undefined);
  });
});

describe("transport/sshConfig: a file that cannot be used names its line", () => {
  it("an unclosed quote", () => {
    throwsAt(() => parseSshConfig('# keys\nHost a\n\n  IdentityFile "/x\n', FILE), 4, /cannot be parsed/);
  });

  it("a keyword without a value", () => {
    throwsAt(() => parseSshConfig("Host a\n  Port 22\nHost\n", FILE), 3, /Host has no value/);
    throwsAt(() => parseSshConfig("Host a\r\n\r\n  User\r\n", FILE), 3, /User has no value/);
  });

  it("a port that is no port, on the line that says it (after blank lines, comments and CRLF)", () => {
    throwsAt(() => resolve("# c\r\n\r\nHost a # x\r\n   \n  Port 99999\r\n", "a"), 5, /Port must be a number from 1 to 65535, not "99999"/);
  });

  it("a token it does not know", () => {
    throwsAt(() => resolve("Host a\n  IdentityFile ~/.ssh/%C\n", "a"), 2, /token %C is not supported/);
    throwsAt(() => resolve("Host a\n  HostName %r.example\n", "a"), 2, /token %r is not supported here \(supported: %% %h\)/);
  });
});
