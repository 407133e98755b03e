/**
 * The `iscsi-direct` member of StoragePool's union: what `check` accepts and
 * refuses, the definition written, and drift against what libvirt 9.0 writes
 * back for it (captured from the test hosts' tgt target).
 */
import assert from "node:assert/strict";
import { sharedConnectionPool, PoolRef } from "../../../../provider/libvirt";
import { parseSpec, replacementsOf } from "../../../../provider/resources/common/kindSpec";
import { poolReplacements } from "../../../../provider/resources/pool/drift";
import { poolKind, PoolLive, PoolSpec } from "../../../../provider/resources/pool/kind";
import { poolModelOf } from "../../../../provider/resources/pool/model";
import { handler } from "../../../../provider/resources/runtime";
import type { StoragePoolArgs } from "../../../../provider/resources/pool/resource";
import { buildPoolXml, parsePoolXml } from "../../../../provider/xml";
import { conn } from "../../../support/badInputCases";

const TARGET = "iqn.2026-12.test.pulumi-kvm:chap";
const INITIATOR = "iqn.2026-12.test.pulumi-kvm:initiator";
const OPEN = { name: "pkvm-lun", type: "iscsi-direct", host: "127.0.0.1", target: TARGET, initiator: INITIATOR };
const CHAP = { ...OPEN, chap: { username: "pkvm-chap", password: "Secr3t-pass" } };

async function failures(inputs: Record<string, unknown>): Promise<string[]> {
  const result = await handler("StoragePool").check({}, { ...inputs, connection: conn });
  assert.equal(sharedConnectionPool().size, 0, "check contacted a host");
  return (result.failures ?? []).map((f) => `${f.property}: ${f.reason.slice(f.property.length + 1)}`);
}

function spec(inputs: Record<string, unknown>): PoolSpec {
  const { spec: s, problems } = parseSpec(poolKind, inputs, {}, true);
  assert.deepEqual(problems, []);
  return s!;
}

/** `virsh pool-dumpxml --inactive` of the CHAP pool as libvirt 9.0 stored it. */
const STORED = `<pool type='iscsi-direct'>
  <name>pkvm-lun</name>
  <uuid>a98b70b0-dfb6-406d-99d4-a81c98d68e8b</uuid>
  <capacity unit='bytes'>0</capacity>
  <allocation unit='bytes'>0</allocation>
  <available unit='bytes'>0</available>
  <source>
    <host name='127.0.0.1' port='3260'/>
    <device path='${TARGET}'/>
    <initiator>
      <iqn name='${INITIATOR}'/>
    </initiator>
    <auth type='chap' username='pkvm-chap'>
      <secret usage='pkvm-lun-chap'/>
    </auth>
  </source>
</pool>`;

const live = (definition: string, more: Partial<PoolLive> = {}): PoolLive => ({
  ref: {} as PoolRef,
  definition: parsePoolXml(definition),
  active: true,
  autostart: true,
  capacity: 0n,
  available: 0n,
  chapSecret: true,
  ...more,
});

describe("StoragePool iscsi-direct: check", () => {
  it("accepts an open target, a CHAP target and another port", async () => {
    assert.deepEqual(await failures(OPEN), []);
    assert.deepEqual(await failures(CHAP), []);
    assert.deepEqual(await failures({ ...OPEN, port: 3261 }), []);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["no target", { ...OPEN, target: undefined }, /^target: is required for a pool of type iscsi-direct$/],
    ["no initiator", { ...OPEN, initiator: undefined }, /^initiator: is required for a pool of type iscsi-direct$/],
    ["no portal", { ...OPEN, host: undefined }, /^host: is required for a pool of type iscsi-direct$/],
    ["a target that is no IQN", { ...OPEN, target: "storage-1" }, /^target: must be an iSCSI name such as/],
    ["an upper-case initiator", { ...OPEN, initiator: "IQN.2026-12.X:Y" }, /^initiator: must be an iSCSI name/],
    ["port 0", { ...OPEN, port: 0 }, /^port: .*1.*65535/],
    ["a path", { ...OPEN, path: "/srv/p" }, /^path: does not apply to a pool of type iscsi-direct/],
    ["a device", { ...OPEN, device: "/dev/sdb" }, /^device: does not apply to a pool of type iscsi-direct/],
    ["CHAP without a password", { ...OPEN, chap: { username: "u" } }, /^chap\.password: is required$/],
    ["CHAP with an unknown field", { ...CHAP, chap: { ...CHAP.chap, secretUuid: "x" } }, /^chap\.secretUuid: is not a field here/],
    [
      "a target on a dir pool",
      { name: "p", path: "/srv/p", target: TARGET },
      /^target: does not apply to a pool of type dir \(it is an input of iscsi-direct\)$/,
    ],
  ];
  for (const [title, inputs, expected] of bad) {
    it(`refuses ${title}`, async () => {
      const got = await failures(inputs);
      assert.ok(
        got.some((f) => expected.test(f)),
        got.join("\n"),
      );
    });
  }

  it("never quotes the password in a failure", async () => {
    const got = await failures({ ...OPEN, chap: { username: "", password: "Secr3t\u0007pass" } });
    assert.ok(got.length > 0);
    assert.ok(!got.join("\n").includes("Secr3t"), got.join("\n"));
  });

  it("keeps chap secret in state", () => {
    assert.equal((poolKind.fields.chap as { rules: { secret: boolean } }).rules.secret, true);
  });
});

describe("StoragePool iscsi-direct: the definition written", () => {
  const xml = (inputs: Record<string, unknown>) => buildPoolXml(poolModelOf(spec(inputs))).replace(/>\s+</g, "><");

  it("portal (port 3260 by default), target, initiator; no target path", () => {
    assert.equal(
      xml(OPEN),
      `<pool type="iscsi-direct"><name>pkvm-lun</name><source><host name="127.0.0.1" port="3260"/><device path="${TARGET}"/>` +
        `<initiator><iqn name="${INITIATOR}"/></initiator></source></pool>`,
    );
    assert.match(xml({ ...OPEN, port: 3261 }), /<host name="127\.0\.0\.1" port="3261"\/>/);
  });

  it("CHAP: the username and the secret by its usage id, never the password", () => {
    const out = xml(CHAP);
    assert.match(out, /<auth type="chap" username="pkvm-chap"><secret usage="pkvm-lun-chap"\/><\/auth>/);
    assert.ok(!out.includes("Secr3t"), out);
  });
});

describe("StoragePool iscsi-direct: drift and replacement", () => {
  it("none against libvirt's own spelling", () => {
    assert.deepEqual(poolKind.drift(spec(CHAP), live(STORED)), []);
    const open = STORED.replace(/<auth[\s\S]*<\/auth>/, "");
    assert.deepEqual(poolKind.drift(spec(OPEN), live(open, { chapSecret: undefined })), []);
  });

  it("a missing secret is drift `up` fixes in place, not a replacement", () => {
    const host = live(STORED, { chapSecret: false });
    assert.deepEqual(poolKind.drift(spec(CHAP), host), [
      { property: "chap.password", detail: "its libvirt secret is missing on the host" },
    ]);
    assert.deepEqual(poolReplacements(spec(CHAP), host), []);
  });

  it("another target or initiator on the host is drift only a replacement removes, named by its input", () => {
    const host = live(STORED.replace(`<device path='${TARGET}'/>`, "<device path='iqn.2026-12.test:other'/>"));
    assert.deepEqual(poolKind.drift(spec(CHAP), host), [{ property: "target", detail: "is iqn.2026-12.test:other on the host" }]);
    assert.deepEqual(poolReplacements(spec(CHAP), host), [{ property: "target", declared: TARGET, host: "iqn.2026-12.test:other" }]);
    const other = live(STORED.replace("port='3260'", "port='3261'"));
    assert.deepEqual(poolKind.drift(spec(CHAP), other), [{ property: "port", detail: "is 3261 on the host" }]);
    assert.deepEqual(poolReplacements(spec(CHAP), other), [{ property: "port", declared: "3260", host: "3261" }]);
    const otherUser = live(STORED.replace("username='pkvm-chap'", "username='someone'"));
    assert.deepEqual(poolReplacements(spec(CHAP), otherUser), [{ property: "chap", declared: "user pkvm-chap", host: "user someone" }]);
  });

  it("a new password changes in place; a new username, or CHAP added or removed, replaces the pool", () => {
    const olds = spec(CHAP);
    assert.deepEqual(replacementsOf(poolKind, olds, spec({ ...CHAP, chap: { ...CHAP.chap, password: "other-pass" } })), []);
    assert.deepEqual(replacementsOf(poolKind, olds, spec({ ...CHAP, chap: { ...CHAP.chap, username: "other" } })), ["chap"]);
    assert.deepEqual(replacementsOf(poolKind, olds, spec(OPEN)), ["chap"]);
    assert.deepEqual(replacementsOf(poolKind, olds, spec({ ...CHAP, target: "iqn.2026-12.test:other" })), ["target"]);
  });
});

describe("IscsiDirectPoolArgs: the type agrees with check", () => {
  const accepted: StoragePoolArgs[] = [
    { type: "iscsi-direct", host: "san", target: TARGET, initiator: INITIATOR },
    { type: "iscsi-direct", host: "san", port: 3261, target: TARGET, initiator: INITIATOR, chap: { username: "u", password: "p" } },
  ];
  const refused: StoragePoolArgs[] = [
    // @ts-expect-error an iscsi-direct pool needs its target
    { type: "iscsi-direct", host: "san", initiator: INITIATOR },
    // @ts-expect-error an iscsi-direct pool has no directory
    { type: "iscsi-direct", host: "san", target: TARGET, initiator: INITIATOR, path: "/p" },
    // @ts-expect-error CHAP needs a password
    { type: "iscsi-direct", host: "san", target: TARGET, initiator: INITIATOR, chap: { username: "u" } },
  ];
  it("what the type accepts, check accepts; what it refuses, check refuses", async () => {
    for (const args of accepted) assert.deepEqual(await failures({ name: "p", ...args }), [], JSON.stringify(args));
    for (const args of refused) assert.ok((await failures({ name: "p", ...args })).length > 0, JSON.stringify(args));
  });
});
