import { strict as assert } from "node:assert";

import {
  hashHostName,
  knownHostName,
  matchGlob,
  matchHashedHost,
  matchPatternList,
  parseHashedHost,
} from "../../../provider/transport/hostPatterns";
import { hashedHost } from "./fixtures";

describe("transport/hostPatterns", () => {
  describe("knownHostName", () => {
    it("uses the bare host on port 22 and [host]:port elsewhere, lower-cased", () => {
      assert.equal(knownHostName("Example.ORG"), "example.org");
      assert.equal(knownHostName("example.org", 22), "example.org");
      assert.equal(knownHostName("127.0.0.1", 2222), "[127.0.0.1]:2222");
      assert.equal(knownHostName("::1", 2200), "[::1]:2200");
    });
  });

  describe("matchGlob", () => {
    const cases: Array<[string, string, boolean]> = [
      ["host.example.org", "*.example.org", true],
      ["example.org", "*.example.org", false],
      ["kvm1", "kvm?", true],
      ["kvm12", "kvm?", false],
      ["KVM1.Lan", "kvm1.lan", true],
      ["[10.0.0.5]:2222", "[10.0.0.*]:2222", true],
      ["[10.0.0.5]:2223", "[10.0.0.*]:2222", false],
      ["anything", "*", true],
      ["", "*", true],
      ["abc", "a*b*c", true],
      ["abx", "a*b*c", false],
    ];
    for (const [name, pattern, expected] of cases) {
      it(`${JSON.stringify(name)} ${expected ? "matches" : "does not match"} ${JSON.stringify(pattern)}`, () => {
        assert.equal(matchGlob(name, pattern), expected);
      });
    }

    it("does not blow up on hostile patterns", () => {
      const started = Date.now();
      assert.equal(matchGlob("a".repeat(5000), `${"*a".repeat(200)}b`), false);
      assert.ok(Date.now() - started < 1000);
    });
  });

  describe("matchPatternList", () => {
    it("matches any element of a comma list", () => {
      assert.ok(matchPatternList("kvm2", "kvm1,kvm2,kvm3"));
      assert.ok(!matchPatternList("kvm4", "kvm1,kvm2,kvm3"));
    });

    it("lets a matching negation veto the whole list, in any position", () => {
      assert.ok(matchPatternList("kvm1.lan", "*.lan,!kvm9.lan"));
      assert.ok(!matchPatternList("kvm9.lan", "*.lan,!kvm9.lan"));
      assert.ok(!matchPatternList("kvm9.lan", "!kvm9.lan,*.lan"));
    });

    it("does not match on negations alone", () => {
      assert.ok(!matchPatternList("kvm1.lan", "!kvm9.lan"));
    });

    it("ignores empty elements", () => {
      assert.ok(!matchPatternList("kvm1", ",,"));
      assert.ok(matchPatternList("kvm1", ",kvm1,"));
    });
  });

  describe("hashed host names", () => {
    it("matches a name hashed like ssh-keygen -H, and only that name", () => {
      const field = hashedHost("[127.0.0.1]:2222");
      const parsed = parseHashedHost(field);
      assert.ok(parsed);
      assert.ok(matchHashedHost("[127.0.0.1]:2222", parsed));
      assert.ok(!matchHashedHost("127.0.0.1", parsed));
      assert.ok(!matchHashedHost("[127.0.0.1]:2223", parsed));
    });

    it("computes HMAC-SHA1 keyed by the salt", () => {
      const salt = Buffer.alloc(20, 7);
      const parsed = parseHashedHost(hashedHost("kvm1", salt));
      assert.ok(parsed);
      assert.deepEqual(parsed.salt, salt);
      assert.deepEqual(hashHostName("kvm1", salt), parsed.hash);
    });

    it("rejects malformed hashed fields", () => {
      assert.equal(parseHashedHost("|1|onlyone"), undefined);
      assert.equal(parseHashedHost("|1|!!!|!!!"), undefined);
      assert.equal(parseHashedHost("|2|AAAA|AAAA"), undefined);
      assert.equal(parseHashedHost(`|1|${Buffer.alloc(8).toString("base64")}|${Buffer.alloc(20).toString("base64")}`), undefined);
    });
  });
});
