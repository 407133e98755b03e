import { strict as assert } from "node:assert";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { TransportError } from "../../../provider/transport/errors";
import { createHostKeyCheck, loadHostKeyCheck } from "../../../provider/transport/hostKeyCheck";
import type { HostKeyPolicy, SshTarget } from "../../../provider/transport/types";
import { blob, ECDSA, ED25519, ED25519_OTHER, line, RSA } from "./fixtures";

function target(hostKey: HostKeyPolicy, port = 2222): SshTarget {
  return { host: "127.0.0.1", port, user: "kvmtest", auth: { password: "hunter2-secret" }, hostKey };
}

function refusal(hostKey: HostKeyPolicy, presented: Buffer, port = 2222): TransportError {
  const result = createHostKeyCheck(target(hostKey, port)).check(presented);
  assert.ok(result instanceof TransportError, "expected a refusal");
  assert.equal(result.kind, "host-key");
  assert.ok(!result.message.includes("hunter2-secret"));
  return result;
}

describe("transport/hostKeyCheck", () => {
  describe("known_hosts policy", () => {
    it("accepts a listed key", () => {
      const check = createHostKeyCheck(target({ kind: "known-hosts", text: line("[127.0.0.1]:2222", ED25519) }));
      assert.equal(check.check(blob(ED25519)), undefined);
    });

    it("refuses an unknown host, naming host:port, the fingerprint and how to trust it", () => {
      const error = refusal({ kind: "known-hosts", text: "" }, blob(ED25519));
      assert.equal(error.hostKey?.reason, "unknown");
      assert.equal(error.hostKey?.fingerprint, ED25519.fingerprint);
      assert.equal(error.target, "kvmtest@127.0.0.1:2222");
      assert.match(error.message, /\[127\.0\.0\.1\]:2222 is not listed/);
      assert.ok(error.message.includes(ED25519.fingerprint));
      assert.ok(error.message.includes(`[127.0.0.1]:2222 ssh-ed25519 ${ED25519.base64}`), "gives the line to add");
      assert.ok(error.message.includes("ssh-keyscan -p 2222 -t ed25519 127.0.0.1"), "gives the ssh-keyscan command");
    });

    it("omits -p from the ssh-keyscan hint on port 22", () => {
      const error = refusal({ kind: "known-hosts", text: "" }, blob(ECDSA), 22);
      assert.ok(error.message.includes("ssh-keyscan -t ecdsa 127.0.0.1"));
    });

    it("refuses a changed key with a distinct message: CHANGED, seen vs expected", () => {
      const error = refusal({ kind: "known-hosts", text: line("[127.0.0.1]:2222", ED25519_OTHER) }, blob(ED25519));
      assert.equal(error.hostKey?.reason, "changed");
      assert.deepEqual(error.hostKey?.expected, [ED25519_OTHER.fingerprint]);
      assert.match(error.message, /CHANGED/);
      assert.ok(error.message.includes(ED25519.fingerprint), "names the fingerprint seen");
      assert.ok(error.message.includes(ED25519_OTHER.fingerprint), "names the fingerprint expected");
    });

    it("refuses a revoked key", () => {
      const text = [line("[127.0.0.1]:2222", ED25519), `@revoked ${line("*", ED25519)}`].join("\n");
      const error = refusal({ kind: "known-hosts", text }, blob(ED25519));
      assert.equal(error.hostKey?.reason, "revoked");
      assert.match(error.message, /REVOKED/);
    });

    it("explains that @cert-authority entries are not supported", () => {
      const error = refusal({ kind: "known-hosts", text: `@cert-authority ${line("*", ECDSA)}` }, blob(ED25519));
      assert.equal(error.hostKey?.reason, "unknown");
      assert.match(error.message, /host certificates are not supported/);
    });

    it("says which other key types are known when the server presented a new type", () => {
      const error = refusal({ kind: "known-hosts", text: line("[127.0.0.1]:2222", RSA) }, blob(ED25519));
      assert.equal(error.hostKey?.reason, "unknown");
      assert.match(error.message, /only with ssh-rsa keys/);
    });

    it("prefers the key types it can check", () => {
      const text = [line("[127.0.0.1]:2222", ECDSA), line("other", ED25519)].join("\n");
      assert.deepEqual(createHostKeyCheck(target({ kind: "known-hosts", text })).preferredKeyTypes, ["ecdsa-sha2-nistp256"]);
    });
  });

  describe("pinned fingerprint policy", () => {
    it("accepts the pinned key (padding tolerated)", () => {
      const check = createHostKeyCheck(target({ kind: "fingerprint", fingerprint: `${ED25519.fingerprint}=` }));
      assert.equal(check.check(blob(ED25519)), undefined);
    });

    it("refuses any other key, naming both fingerprints and suggesting keyType", () => {
      const error = refusal({ kind: "fingerprint", fingerprint: ECDSA.fingerprint }, blob(ED25519));
      assert.equal(error.hostKey?.reason, "pinned-mismatch");
      assert.ok(error.message.includes(ED25519.fingerprint) && error.message.includes(ECDSA.fingerprint));
      assert.match(error.message, /set keyType/);
    });

    it("asks for the pinned key type when given", () => {
      const check = createHostKeyCheck(target({ kind: "fingerprint", fingerprint: ECDSA.fingerprint, keyType: "ecdsa-sha2-nistp256" }));
      assert.deepEqual(check.preferredKeyTypes, ["ecdsa-sha2-nistp256"]);
    });

    it("rejects a malformed pin as a config error", () => {
      assert.throws(
        () => createHostKeyCheck(target({ kind: "fingerprint", fingerprint: "MD5:aa:bb" })),
        (e: unknown) => e instanceof TransportError && e.kind === "config",
      );
    });
  });

  describe("loadHostKeyCheck", () => {
    let dir: string;
    before(async () => (dir = await mkdtemp(join(tmpdir(), "kh-"))));
    after(async () => rm(dir, { recursive: true, force: true }));

    it("reads the known_hosts file and names it in refusals", async () => {
      const file = join(dir, "known_hosts");
      await writeFile(file, `${line("[127.0.0.1]:2222", ED25519_OTHER)}\n`);
      const check = await loadHostKeyCheck(target({ kind: "known-hosts", file }));
      const error = check.check(blob(ED25519));
      assert.equal(error?.hostKey?.reason, "changed");
      assert.ok(error?.message.includes(file));
      assert.ok(error?.message.includes(`ssh-keygen -R '[127.0.0.1]:2222' -f ${file}`));
    });

    it("treats a missing file as empty: every host is unknown", async () => {
      const check = await loadHostKeyCheck(target({ kind: "known-hosts", file: join(dir, "absent") }));
      assert.equal(check.check(blob(ED25519))?.hostKey?.reason, "unknown");
    });

    it("fails with host-key when the file cannot be read", async () => {
      // A directory: unreadable as a file even for root, unlike a chmod 0 file.
      const file = dir;
      await assert.rejects(
        loadHostKeyCheck(target({ kind: "known-hosts", file })),
        (e: unknown) => e instanceof TransportError && e.kind === "host-key",
      );
    });
  });
});
