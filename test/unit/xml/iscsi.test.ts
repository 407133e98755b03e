/**
 * iSCSI pool sources and secrets, over `dumpxml` output libvirt 9.0 wrote for an
 * iscsi-direct pool on the test hosts' tgt target.
 */
import { strict as assert } from "assert";
import { buildPoolXml, buildSecretXml, comparePool, parsePoolXml, parseSecretXml, parseXml } from "../../../provider/xml";

/** `virsh pool-dumpxml` of a running iscsi-direct pool with CHAP (libvirt 9.0). */
const RUNNING = `<pool type='iscsi-direct'>
  <name>pkvm-exp-chap</name>
  <uuid>a98b70b0-dfb6-406d-99d4-a81c98d68e8b</uuid>
  <capacity unit='bytes'>67108352</capacity>
  <allocation unit='bytes'>67108352</allocation>
  <available unit='bytes'>0</available>
  <source>
    <host name='127.0.0.1' port='3260'/>
    <device path='iqn.2026-12.test.pulumi-kvm:chap'/>
    <initiator>
      <iqn name='iqn.2026-12.test.pulumi-kvm:initiator'/>
    </initiator>
    <auth type='chap' username='pkvm-chap'>
      <secret usage='pkvm-exp-chap'/>
    </auth>
  </source>
</pool>`;

/** `virsh secret-dumpxml` of the secret holding its password. */
const SECRET = `<secret ephemeral='no' private='yes'>
  <uuid>f55b51f3-0b8c-406e-b424-9ba949d38bcd</uuid>
  <description>pkvm exp</description>
  <usage type='iscsi'>
    <target>pkvm-exp-chap</target>
  </usage>
</secret>`;

describe("xml/iscsi: pool sources and secrets", () => {
  it("reads an iscsi-direct source: portal, target IQN, initiator, CHAP secret", () => {
    const p = parsePoolXml(RUNNING);
    assert.equal(p.type, "iscsi-direct");
    assert.deepEqual(p.source, {
      hosts: [{ name: "127.0.0.1", port: 3260 }],
      devices: [{ path: "iqn.2026-12.test.pulumi-kvm:chap" }],
      initiator: { iqn: "iqn.2026-12.test.pulumi-kvm:initiator" },
      auth: { type: "chap", username: "pkvm-chap", secret: { usage: "pkvm-exp-chap" } },
    });
    assert.equal(p.target, undefined);
    assert.deepEqual(parsePoolXml(buildPoolXml(p)), p);
  });

  it("compares the pool it would define with what libvirt stores: no difference", () => {
    const desired = parsePoolXml(buildPoolXml({ ...parsePoolXml(RUNNING), uuid: undefined, capacity: undefined }));
    assert.deepEqual(comparePool(desired, parsePoolXml(RUNNING)), []);
  });

  it("finds a changed initiator, username and secret usage", () => {
    const live = parsePoolXml(RUNNING);
    const want = parsePoolXml(RUNNING);
    want.source = {
      ...want.source,
      initiator: { iqn: "iqn.2026-12.test:other" },
      auth: { type: "chap", username: "someone", secret: { usage: "pkvm-other" } },
    };
    const paths = comparePool(want, live).map((d) => d.path);
    for (const p of ["source.initiator.iqn", "source.auth.username", "source.auth.secret.usage"])
      assert.ok(paths.includes(p), `${p} in ${paths.join()}`);
  });

  it("keeps what it does not model inside <initiator>, <iqn> and <auth>", () => {
    const xml = RUNNING.replace("<iqn name=", "<iqn future='1' name=").replace(
      "<secret usage='pkvm-exp-chap'/>",
      "<secret usage='pkvm-exp-chap' x='y'/><later/>",
    );
    const again = parseXml(buildPoolXml(parsePoolXml(xml)));
    const source = again.children.find((c) => c.name === "source");
    const iqn = source?.children.find((c) => c.name === "initiator")?.children[0];
    assert.deepEqual(iqn?.attrs, { name: "iqn.2026-12.test.pulumi-kvm:initiator", future: "1" });
    const auth = source?.children.find((c) => c.name === "auth");
    assert.deepEqual(
      auth?.children.map((c) => [c.name, c.attrs]),
      [
        ["secret", { usage: "pkvm-exp-chap", x: "y" }],
        ["later", {}],
      ],
    );
  });

  it("reads and rebuilds a secret without its value", () => {
    const s = parseSecretXml(SECRET);
    assert.deepEqual(s, {
      ephemeral: false,
      private: true,
      uuid: "f55b51f3-0b8c-406e-b424-9ba949d38bcd",
      description: "pkvm exp",
      usage: { type: "iscsi", target: "pkvm-exp-chap" },
    });
    assert.deepEqual(parseSecretXml(buildSecretXml(s)), s);
  });

  it("escapes a description and usage id XML would misread", () => {
    const hostile = `a<b>&'"]]>`;
    const xml = buildSecretXml({ private: true, description: hostile, usage: { type: "iscsi", target: hostile } });
    assert.ok(!xml.includes("<b>"), xml);
    const s = parseSecretXml(xml);
    assert.equal(s.description, hostile);
    assert.deepEqual(s.usage, { type: "iscsi", target: hostile });
  });

  it("keeps other usage types unmodelled and refuses unknown ones", () => {
    const ceph = parseSecretXml("<secret><usage type='ceph'><name>client.admin</name></usage></secret>");
    assert.equal(ceph.usage?.type, "ceph");
    assert.match(buildSecretXml(ceph), /<name>client\.admin<\/name>/);
    assert.throws(() => parseSecretXml("<secret><usage type='nope'/></secret>"), /unknown secret usage type "nope"/);
    assert.throws(() => parseSecretXml("<secret><usage type='iscsi'/></secret>"), /lacks <target>/);
  });
});
