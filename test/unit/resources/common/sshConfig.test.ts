import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { resolveConnection, toEndpoint } from "../../../../provider/resources/common/connection";
import { connectionAt, identityOf, isHostOf } from "../../../../provider/resources/common/hostIdentity";
import { SshConfigError } from "../../../../provider/transport";

describe("resources/common/connection: a host named through an ssh config file", () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let file: string;
  let key: string;
  let bastionKey: string;

  before(() => {
    home = mkdtempSync(join(tmpdir(), "pkvm-sshconfig-"));
    mkdirSync(join(home, ".ssh"));
    key = join(home, ".ssh", "id_hv1");
    bastionKey = join(home, ".ssh", "id_bastion");
    writeFileSync(key, "not read by these tests");
    writeFileSync(bastionKey, "not read by these tests");
    writeFileSync(join(home, ".ssh", "kh"), "");
    file = join(home, "config");
    writeFileSync(
      file,
      [
        "Host hv1",
        "  HostName 10.0.0.5",
        "  Port 2222",
        "  User admin",
        "  IdentityFile ~/.ssh/missing",
        "  IdentityFile ~/.ssh/id_%n",
        "  UserKnownHostsFile ~/.ssh/absent ~/.ssh/kh",
        "  ProxyJump bastion",
        "Host bastion",
        "  HostName bastion.example",
        "  User jumper",
        "  IdentityFile ~/.ssh/id_bastion",
        "",
      ].join("\n"),
    );
    env = { HOME: home, USER: "ops" };
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it("reaches the alias's HostName, Port and User, with its keys and first existing known_hosts, through its ProxyJump", () => {
    const { ssh } = toEndpoint({ host: "hv1", sshConfigPath: file }, env);
    const noOwnAuth = { privateKeyFile: undefined, privateKey: undefined, passphrase: undefined, agent: true, password: undefined };
    assert.deepEqual(ssh, {
      host: "10.0.0.5",
      port: 2222,
      user: "admin",
      auth: { ...noOwnAuth, identityFiles: [join(home, ".ssh", "missing"), key] },
      hostKey: { kind: "known-hosts", file: join(home, ".ssh", "kh") },
      jump: {
        host: "bastion.example",
        port: undefined,
        user: "jumper",
        auth: { ...noOwnAuth, identityFiles: [bastionKey] },
        hostKey: { kind: "known-hosts", file: undefined },
        jump: undefined,
      },
    });
  });

  it("lets the connection's own fields win over the file", () => {
    const explicit = {
      host: "hv1",
      sshConfigPath: file,
      port: 22,
      user: "root",
      privateKeyPath: "/id",
      knownHostsPath: "/kh",
      jump: { host: "gw" },
    };
    const ssh = toEndpoint(explicit, env).ssh;
    assert.equal(ssh?.host, "10.0.0.5", "HostName is where the alias leads");
    assert.equal(ssh?.port, 22);
    assert.equal(ssh?.user, "root");
    assert.equal(ssh?.auth.privateKeyFile, "/id");
    assert.equal(ssh?.auth.identityFiles, undefined, "a key of the connection's own replaces the file's");
    assert.deepEqual(ssh?.hostKey, { kind: "known-hosts", file: "/kh" });
    assert.equal(ssh?.jump?.host, "gw", "an explicit jump host replaces ProxyJump");
    const pinned = toEndpoint({ host: "hv1", sshConfigPath: file, hostKeyFingerprint: "SHA256:x" }, env).ssh;
    assert.deepEqual(pinned?.hostKey, { kind: "fingerprint", fingerprint: "SHA256:x" });
    const withKeyText = toEndpoint({ host: "hv1", sshConfigPath: file, privateKey: "KEY" }, env).ssh;
    assert.equal(withKeyText?.auth.identityFiles, undefined, "a key given as text replaces the file's IdentityFile");
  });

  it("reads ~/.ssh/config when no file is named, only when it exists", () => {
    assert.equal(toEndpoint({ host: "hv1" }, env).ssh?.host, "hv1", "no ~/.ssh/config yet");
    writeFileSync(join(home, ".ssh", "config"), "Host hv1\n  HostName 10.0.0.9\n");
    try {
      assert.equal(toEndpoint({ host: "hv1" }, env).ssh?.host, "10.0.0.9");
      assert.equal(toEndpoint({ host: "hv1" }, env, false).ssh?.host, "hv1", "unless the file is left out");
      assert.equal(toEndpoint({ host: "hv1", sshConfigPath: "none" }, env).ssh?.host, "hv1", "or the connection says none");
    } finally {
      rmSync(join(home, ".ssh", "config"));
    }
  });

  it("fails naming the file when the named one cannot be read", () => {
    assert.throws(
      () => toEndpoint({ host: "hv1", sshConfigPath: join(home, "nonexistent") }, env),
      (e: unknown) => e instanceof SshConfigError && /nonexistent: cannot be read \(ENOENT\)/.test(e.message),
    );
  });

  it("records the host the alias stands for as the identity, and counts the name as written as the same host", () => {
    const connection = { host: "hv1", sshConfigPath: file };
    const identity = identityOf(connection, env);
    assert.deepEqual(identity, { host: "10.0.0.5", port: 2222, user: "admin", uri: "qemu:///system" });
    assert.equal(isHostOf(identity, connection, env), true);
    assert.equal(isHostOf(identity, { host: "10.0.0.5", port: 2222 }, env), true, "another name for the same host is no move");
    const before = { host: "hv1", port: 22, user: "ops", uri: "qemu:///system" };
    assert.equal(isHostOf(before, connection, env), true, "a state recorded before ssh config files were read sees no move");
    assert.equal(isHostOf({ ...identity, port: 2223 }, connection, env), false);
  });

  it("reaches a recorded host that the alias still leads to through the alias", () => {
    const connection = { host: "hv1", sshConfigPath: file };
    const reached = connectionAt(identityOf(connection, env), connection, env);
    assert.deepEqual(reached, { host: "hv1", sshConfigPath: file, user: "admin" });
    assert.equal(toEndpoint(reached, env).ssh?.jump?.host, "bastion.example", "ProxyJump kept");
  });

  it("takes kvm:sshConfigPath even for a resource that names another host", () => {
    assert.deepEqual(resolveConnection({ host: "hv2" }, { host: "hv1", user: "ops", sshConfigPath: file }), {
      host: "hv2",
      sshConfigPath: file,
    });
  });
});
