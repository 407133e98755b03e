import assert from "node:assert/strict";
import { Problems } from "../../../../provider/resources/common/problems";
import { checkChap, iscsiName } from "../../../../provider/resources/pool/iscsiFields";

const ctx = { inputs: {}, program: true };

function name(value: unknown): { value?: string; problems: readonly { property: string; reason: string }[] } {
  const problems = new Problems();
  const v = iscsiName().parse(problems, "target", value, ctx);
  return { value: v, problems: problems.all };
}

describe("iscsi-direct pool inputs: IQNs and CHAP", () => {
  it("accepts iSCSI names in their iqn, eui and naa forms", () => {
    for (const ok of [
      "iqn.2026-12.test.pulumi-kvm:open",
      "iqn.2004-10.com.example",
      "iqn.1992-01.com.example:storage.disk2.sys1.xyz",
      "iqn.2001-04.com.example:storage:diskarrays-sn-a8675309",
      "eui.02004567a425678d",
      "naa.52004567ba64678d",
      "naa.52004567ba64678d52004567ba64678d",
    ])
      assert.deepEqual(name(ok), { value: ok, problems: [] }, ok);
  });

  it("refuses what is no iSCSI name, naming the property and the form", () => {
    for (const bad of [
      "",
      "iqn.2026-13.test:x",
      "iqn.26-12.test:x",
      "IQN.2026-12.test:x",
      "iqn.2026-12.Test:x",
      "iqn.2026-12.test:has space",
      "iqn.2026-12.-test",
      "eui.123",
      "naa.xyz",
      `iqn.2026-12.test:${"a".repeat(220)}`,
      42,
    ]) {
      const r = name(bad);
      assert.equal(r.value, undefined, String(bad));
      assert.equal(r.problems.length, 1, String(bad));
      assert.equal(r.problems[0]?.property, "target");
      assert.match(r.problems[0]?.reason ?? "", /must be an iSCSI name such as "iqn\.2004-10\.com\.example:storage"/);
    }
  });

  it("takes a CHAP account with both fields, and reports each bad one by its path, never quoting the password", () => {
    const ok = new Problems();
    assert.deepEqual(checkChap(ok, "chap", { username: "pkvm-chap", password: "s3cret pass" }), {
      username: "pkvm-chap",
      password: "s3cret pass",
    });
    assert.deepEqual(ok.all, []);

    const bad = new Problems();
    const secret = "line\nbreak-secret";
    assert.equal(checkChap(bad, "chap", { username: "", password: secret, user: "x" }), undefined);
    assert.deepEqual(
      bad.all.map((p) => p.property),
      ["chap.user", "chap.username", "chap.password"],
    );
    assert.ok(!JSON.stringify(bad.all).includes("break-secret"), "a message quotes the password");

    const missing = new Problems();
    assert.equal(checkChap(missing, "chap", { username: "u" }), undefined);
    assert.deepEqual(missing.all, [{ property: "chap.password", reason: "is required" }]);
    const long = new Problems();
    assert.equal(checkChap(long, "chap", { username: "u", password: "p".repeat(256) }), undefined);
    assert.deepEqual(long.all, [{ property: "chap.password", reason: "must be at most 255 bytes" }]);
    const notObject = new Problems();
    assert.equal(checkChap(notObject, "chap", "user:pass"), undefined);
    assert.deepEqual(notObject.all, [{ property: "chap", reason: "must be an object { username, password }" }]);
  });
});
