import assert from "node:assert/strict";
import { connectionAt, describeIdentity, identityOf, sameHost, storedIdentity } from "../../../../provider/resources/common/hostIdentity";

describe("resources/common/hostIdentity: where an object lives, as state records it", () => {
  const env = { USER: "ops" };

  it("resolves what the transport would use: port 22, the current user, libvirt's default URI", () => {
    assert.deepEqual(identityOf({ host: "hv1" }, env), { host: "hv1", port: 22, user: "ops", uri: "qemu:///system" });
    assert.deepEqual(identityOf({ host: "hv1", port: 2222, user: "root", uri: "qemu:///session" }, env), {
      host: "hv1",
      port: 2222,
      user: "root",
      uri: "qemu:///session",
    });
    assert.deepEqual(identityOf({}, env), { uri: "qemu:///system" });
    assert.deepEqual(identityOf({ socketPath: "/run/x.sock" }, env), { uri: "qemu:///system", socketPath: "/run/x.sock" });
  });

  it("holds no secret and no way in: keys, passwords, known_hosts and jump hosts stay out", () => {
    const identity = identityOf(
      { host: "hv1", privateKey: "KEY", passphrase: "PP", password: "PW", knownHostsPath: "/k", jump: { host: "bastion" } },
      env,
    );
    assert.deepEqual(Object.keys(identity).sort(), ["host", "port", "uri", "user"]);
  });

  it("names the same hypervisor by host, port, URI and socket; another login is the same host", () => {
    const a = identityOf({ host: "hv1" }, env);
    assert.equal(sameHost(a, identityOf({ host: "hv1", user: "other" }, env)), true);
    assert.equal(sameHost(a, identityOf({ host: "hv2" }, env)), false);
    assert.equal(sameHost(a, identityOf({ host: "hv1", port: 2222 }, env)), false);
    assert.equal(sameHost(a, identityOf({ host: "hv1", uri: "qemu:///session" }, env)), false);
    assert.equal(sameHost(a, identityOf({}, env)), false);
  });

  it("reads a stored identity back, and nothing from a state that has none", () => {
    const a = identityOf({ host: "hv1", port: 2222 }, env);
    assert.deepEqual(storedIdentity(JSON.parse(JSON.stringify(a))), a);
    assert.equal(storedIdentity(undefined), undefined);
    assert.equal(storedIdentity("hv1"), undefined);
    assert.equal(storedIdentity({ host: "hv1" }), undefined, "no URI: not an identity");
  });

  it("reaches a recorded host with today's way in", () => {
    const recorded = identityOf({ host: "hv1", port: 2222, user: "ops" }, env);
    const today = { host: "hv2", port: 22, user: "admin", privateKeyPath: "/id", knownHostsPath: "/kh", connectTimeoutSeconds: 5 };
    assert.deepEqual(connectionAt(recorded, today), {
      host: "hv1",
      port: 2222,
      user: "ops",
      uri: "qemu:///system",
      socketPath: undefined,
      privateKeyPath: "/id",
      knownHostsPath: "/kh",
      connectTimeoutSeconds: 5,
    });
    const local = connectionAt(identityOf({}, env), today);
    assert.equal(local.host, undefined, "the local socket takes no SSH fields");
    assert.equal(local.privateKeyPath, undefined);
  });

  it("says where in messages", () => {
    assert.equal(describeIdentity(identityOf({ host: "hv1" }, env)), "ops@hv1:22 qemu:///system");
    assert.equal(describeIdentity(identityOf({}, env)), "the local socket (qemu:///system)");
  });
});
