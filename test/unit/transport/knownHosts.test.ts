import { strict as assert } from "node:assert";

import { knownHostName } from "../../../provider/transport/hostPatterns";
import { checkHostKey, knownKeyTypes, parseKnownHosts } from "../../../provider/transport/knownHosts";
import { blob, ECDSA, ED25519, ED25519_OTHER, hashedHost, line, OPENSSH_HASHED_LINE, RSA } from "./fixtures";

describe("transport/knownHosts", () => {
  describe("parseKnownHosts", () => {
    it("skips comments and blank lines, keeps line numbers, handles CRLF", () => {
      const text = ["# a comment", "", "   ", line("kvm1", ED25519), "\t# indented comment", `${line("kvm2", ECDSA)} some comment\r`].join(
        "\n",
      );
      const parsed = parseKnownHosts(text);
      assert.deepEqual(parsed.problems, []);
      assert.deepEqual(
        parsed.entries.map((e) => [e.line, e.keyType]),
        [
          [4, "ssh-ed25519"],
          [6, "ecdsa-sha2-nistp256"],
        ],
      );
    });

    it("reads @revoked and @cert-authority markers", () => {
      const parsed = parseKnownHosts([`@revoked ${line("*", ED25519)}`, `@cert-authority ${line("*.lan", ECDSA)}`].join("\n"));
      assert.deepEqual(
        parsed.entries.map((e) => e.marker),
        ["revoked", "cert-authority"],
      );
    });

    it("reports malformed lines without dropping the good ones", () => {
      const text = [
        "@bogus kvm1 ssh-ed25519 AAAA",
        "kvm1 ssh-ed25519",
        "kvm1 1024 35 1234567",
        "kvm1 ssh-ed25519 not_base64!",
        `kvm1 ssh-rsa ${ED25519.base64}`,
        "|1|garbage ssh-ed25519 AAAA",
        line("kvm1", ED25519),
      ].join("\n");
      const parsed = parseKnownHosts(text);
      assert.equal(parsed.entries.length, 1);
      assert.equal(parsed.entries[0]?.line, 7);
      assert.deepEqual(
        parsed.problems.map((p) => p.line),
        [1, 2, 3, 4, 5, 6],
      );
      assert.match(parsed.problems[0]?.message ?? "", /unknown marker/);
      assert.match(parsed.problems[4]?.message ?? "", /does not match the key data/);
    });
  });

  describe("checkHostKey", () => {
    const check = (text: string, host: string, port: number, key = blob(ED25519)) =>
      checkHostKey(parseKnownHosts(text), knownHostName(host, port), key);

    it("trusts a plain entry for the host on port 22", () => {
      assert.deepEqual(check(line("kvm1", ED25519), "kvm1", 22), { status: "trusted", line: 1 });
    });

    it("needs the [host]:port form for other ports", () => {
      assert.equal(check(line("127.0.0.1", ED25519), "127.0.0.1", 2222).status, "unknown");
      assert.equal(check(line("[127.0.0.1]:2222", ED25519), "127.0.0.1", 2222).status, "trusted");
      assert.equal(check(line("[127.0.0.1]:2222", ED25519), "127.0.0.1", 2223).status, "unknown");
      assert.equal(check(line("[127.0.0.1]:2222", ED25519), "127.0.0.1", 22).status, "unknown");
    });

    it("matches comma lists and wildcards, case-insensitively", () => {
      assert.equal(check(line("kvm0,KVM1.lan,kvm2", ED25519), "kvm1.LAN", 22).status, "trusted");
      assert.equal(check(line("*.lan", ED25519), "kvm7.lan", 22).status, "trusted");
      assert.equal(check(line("kvm?", ED25519), "kvm7", 22).status, "trusted");
      assert.equal(check(line("[*.lan]:2222", ED25519), "kvm7.lan", 2222).status, "trusted");
    });

    it("honours negation", () => {
      const text = line("*.lan,!evil.lan", ED25519);
      assert.equal(check(text, "kvm1.lan", 22).status, "trusted");
      assert.equal(check(text, "evil.lan", 22).status, "unknown");
    });

    it("matches hashed entries made in the test with HMAC-SHA1", () => {
      const text = [line(hashedHost("[127.0.0.1]:2222"), ED25519), line(hashedHost("kvm1"), ECDSA)].join("\n");
      assert.deepEqual(check(text, "127.0.0.1", 2222), { status: "trusted", line: 1 });
      assert.deepEqual(check(text, "kvm1", 22, blob(ECDSA)), { status: "trusted", line: 2 });
      assert.equal(check(text, "127.0.0.1", 2223).status, "unknown");
    });

    it("matches a hashed line written by ssh-keygen -H itself", () => {
      assert.deepEqual(check(OPENSSH_HASHED_LINE, "127.0.0.1", 2222), { status: "trusted", line: 1 });
      assert.equal(check(OPENSSH_HASHED_LINE, "127.0.0.1", 22).status, "unknown");
    });

    it("reports CHANGED when the host is listed with another key of the same type", () => {
      const verdict = check(["# header", line("kvm1", ED25519_OTHER)].join("\n"), "kvm1", 22);
      assert.deepEqual(verdict, { status: "changed", expected: [{ line: 2, fingerprint: ED25519_OTHER.fingerprint }] });
    });

    it("reports unknown (not changed) when only other key types are listed, naming them", () => {
      const verdict = check([line("kvm1", ECDSA), line("kvm1", RSA)].join("\n"), "kvm1", 22);
      assert.deepEqual(verdict, { status: "unknown", otherKeyTypes: ["ecdsa-sha2-nistp256", "ssh-rsa"], certAuthorityLines: [] });
    });

    it("trusts when any of several same-type entries matches", () => {
      const text = [line("kvm1", ED25519_OTHER), line("kvm1", ED25519)].join("\n");
      assert.deepEqual(check(text, "kvm1", 22), { status: "trusted", line: 2 });
    });

    it("refuses a revoked key even if it is also listed as trusted, whatever the order", () => {
      const trustedFirst = [line("kvm1", ED25519), `@revoked ${line("*", ED25519)}`].join("\n");
      const revokedFirst = [`@revoked ${line("*", ED25519)}`, line("kvm1", ED25519)].join("\n");
      assert.deepEqual(check(trustedFirst, "kvm1", 22), { status: "revoked", line: 2 });
      assert.deepEqual(check(revokedFirst, "kvm1", 22), { status: "revoked", line: 1 });
    });

    it("ignores a revocation for other hosts and for other keys", () => {
      assert.equal(check([line("kvm1", ED25519), `@revoked ${line("kvm2", ED25519)}`].join("\n"), "kvm1", 22).status, "trusted");
      assert.equal(check([line("kvm1", ED25519), `@revoked ${line("*", ECDSA)}`].join("\n"), "kvm1", 22).status, "trusted");
    });

    it("does not trust @cert-authority keys but reports their lines", () => {
      const verdict = check(`@cert-authority ${line("*.lan", ED25519)}`, "kvm1.lan", 22);
      assert.deepEqual(verdict, { status: "unknown", otherKeyTypes: [], certAuthorityLines: [1] });
    });
  });

  describe("knownKeyTypes", () => {
    it("lists the plain key types known for a host, without markers or other hosts", () => {
      const text = [line("kvm1", ECDSA), `@revoked ${line("*", RSA)}`, line("kvm2", ED25519), line("kvm1", RSA), line("kvm1", ECDSA)].join(
        "\n",
      );
      assert.deepEqual(knownKeyTypes(parseKnownHosts(text), "kvm1"), ["ecdsa-sha2-nistp256", "ssh-rsa"]);
    });
  });
});
