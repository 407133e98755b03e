import { strict as assert } from "node:assert";

import type { LibvirtEndpoint, SshTarget } from "../../../provider/transport/types";
import { validateEndpoint } from "../../../provider/transport/validate";
import { ED25519 } from "./fixtures";

const GOOD: SshTarget = { host: "127.0.0.1", port: 2222, user: "kvmtest", auth: { privateKeyFile: "~/.ssh/id_ed25519" } };
const env = {};

function problems(endpoint: LibvirtEndpoint): string[] {
  return validateEndpoint(endpoint, env);
}

describe("transport/validate", () => {
  it("accepts local and SSH endpoints", () => {
    assert.deepEqual(problems({ uri: "qemu:///system" }), []);
    assert.deepEqual(problems({ uri: "qemu:///system", socketPath: "/run/libvirt/libvirt-sock" }), []);
    assert.deepEqual(problems({ uri: "qemu:///system", ssh: GOOD }), []);
    assert.deepEqual(
      problems({ uri: "qemu:///system", ssh: { ...GOOD, hostKey: { kind: "fingerprint", fingerprint: ED25519.fingerprint } } }),
      [],
    );
    assert.deepEqual(problems({ uri: "qemu:///system", ssh: { ...GOOD, jump: GOOD } }), []);
  });

  it("returns every problem at once", () => {
    const found = problems({
      uri: "qemu+ssh://x/system",
      socketPath: "relative",
      ssh: { host: "", port: 70000, user: "a b", auth: {}, hostKey: { kind: "fingerprint", fingerprint: "nope" } },
    });
    assert.equal(found.length, 7, found.join("\n"));
  });

  it("takes connectAttempts from 1 to 10, whole numbers only", () => {
    for (const connectAttempts of [1, 3, 10]) assert.deepEqual(problems({ uri: "qemu:///system", ssh: GOOD, connectAttempts }), []);
    for (const connectAttempts of [0, 11, 2.5, Number.NaN]) {
      assert.deepEqual(problems({ uri: "qemu:///system", ssh: GOOD, connectAttempts }), [
        "connectAttempts must be an integer from 1 to 10",
      ]);
    }
  });

  it("checks jump hosts with a path in the message", () => {
    const found = problems({ uri: "qemu:///system", ssh: { ...GOOD, jump: { ...GOOD, port: 0 } } });
    assert.deepEqual(found, ["ssh.jump.port must be an integer from 1 to 65535"]);
  });

  it("refuses very long jump chains", () => {
    let target: SshTarget = GOOD;
    for (let i = 0; i < 10; i++) target = { ...GOOD, jump: target };
    assert.ok(problems({ uri: "qemu:///system", ssh: target }).some((p) => /more than 8 jump hosts/.test(p)));
  });

  it("rejects hosts that are not plain names or addresses", () => {
    for (const host of ["-oProxyCommand=id", "a b", "[::1]", "host;id", "x".repeat(300)]) {
      assert.equal(problems({ uri: "qemu:///system", ssh: { ...GOOD, host } }).length, 1, host);
    }
    assert.deepEqual(problems({ uri: "qemu:///system", ssh: { ...GOOD, host: "fe80::1%eth0" } }), []);
  });

  it("needs some auth method; agent: true needs SSH_AUTH_SOCK unless something else is given", () => {
    assert.match(problems({ uri: "qemu:///system", ssh: { ...GOOD, auth: {} } })[0] ?? "", /at least one/);
    assert.match(problems({ uri: "qemu:///system", ssh: { ...GOOD, auth: { agent: true } } })[0] ?? "", /SSH_AUTH_SOCK/);
    assert.deepEqual(
      validateEndpoint({ uri: "qemu:///system", ssh: { ...GOOD, auth: { agent: true } } }, { SSH_AUTH_SOCK: "/tmp/agent" }),
      [],
    );
    assert.deepEqual(problems({ uri: "qemu:///system", ssh: { ...GOOD, auth: { agent: true, password: "pw" } } }), []);
  });

  it("flags a passphrase without a key and known_hosts file plus text", () => {
    const found = problems({
      uri: "qemu:///system",
      ssh: { ...GOOD, auth: { password: "pw", passphrase: "pp" }, hostKey: { kind: "known-hosts", file: "/x", text: "" } },
    });
    assert.equal(found.length, 2);
  });

  it("never echoes secrets", () => {
    const secret = "s3cret-VALUE";
    const found = problems({
      uri: "bad uri",
      ssh: { ...GOOD, port: -1, auth: { password: secret, passphrase: secret, privateKey: ` ${secret}` } },
    });
    assert.ok(found.length > 0);
    assert.ok(found.every((p) => !p.includes(secret)));
  });
});
