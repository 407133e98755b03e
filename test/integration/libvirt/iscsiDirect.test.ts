/**
 * iscsi-direct pools and the secrets their CHAP logins use, through the typed
 * calls, against the test hosts' tgt targets on host A's loopback.
 */
import assert from "node:assert/strict";
import { ConnectionPool, LibvirtConnection, PoolRef, SecretRef, SecretUsageType } from "../../../provider/libvirt";
import { ErrorCode, LibvirtError } from "../../../provider/rpc";
import { Pool, PoolAuth, buildPoolXml, buildSecretXml, parsePoolXml, parseSecretXml } from "../../../provider/xml";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { TestIscsiTarget, testStorage } from "../support/storage";

describe("typed libvirt calls: iscsi-direct pools and secrets (host A over SSH)", function () {
  this.timeout(120_000);
  const pool = new ConnectionPool({ idleMs: 100 });
  const tag = `pkvm-iscsi-${process.pid}`;
  const storage = testStorage();
  let conn: LibvirtConnection;

  const poolDoc = (name: string, target: TestIscsiTarget, auth?: PoolAuth): Pool => ({
    type: "iscsi-direct",
    name,
    source: {
      hosts: [{ name: target.host, port: target.port }],
      devices: [{ path: target.iqn }],
      initiator: { iqn: storage.initiator },
      auth,
    },
  });

  async function removePool(p: PoolRef): Promise<void> {
    if (await conn.pools.isActive(p)) await conn.pools.destroy(p);
    await conn.pools.undefine(p);
  }

  before(async () => {
    conn = (await pool.acquire(sshEndpoint(testHosts().a))).connection;
  });

  after(async () => {
    // Whatever a failed test left, so reruns start clean.
    for (const p of await conn.pools.listAll()) if (p.name.startsWith(tag)) await removePool(p).catch(() => undefined);
    for (const s of await conn.secrets.listAll()) if (s.usageId.startsWith(tag)) await conn.secrets.undefine(s).catch(() => undefined);
    await pool.closeAll();
  });

  it("starts an open target's pool and lists its LUN as a volume", async () => {
    const p = await conn.pools.define(buildPoolXml(poolDoc(`${tag}-open`, storage.openTarget)));
    await conn.pools.start(p);
    try {
      assert.equal(await conn.pools.isActive(p), true);
      const live = parsePoolXml(await conn.pools.xmlDesc(p));
      assert.equal(live.type, "iscsi-direct");
      assert.equal(live.source?.initiator?.iqn, storage.initiator);
      assert.equal(live.target, undefined, "an iscsi-direct pool has no target path");
      const vols = await conn.volumes.listAll(p);
      // LUN 0 is tgt's controller (0 bytes); LUN 1 is the 64 MiB disk.
      const lun1 = vols.find((v) => v.key.endsWith(`${storage.openTarget.iqn}-lun-1`));
      assert.ok(lun1, `LUN 1 among ${vols.map((v) => v.key).join(", ")}`);
      assert.equal(lun1.name, "unit:0:0:1");
      const info = await conn.volumes.info(lun1);
      assert.ok(info.capacity > 60n * 1024n * 1024n && info.capacity <= 64n * 1024n * 1024n, `capacity ${info.capacity}`);
    } finally {
      await removePool(p);
    }
  });

  it("defines, reads, looks up and undefines a private iSCSI secret", async () => {
    const usage = `${tag}-lookup`;
    const s = await conn.secrets.define(
      buildSecretXml({ ephemeral: false, private: true, description: "a <test> & more", usage: { type: "iscsi", target: usage } }),
    );
    try {
      assert.equal(s.usageType, SecretUsageType.Iscsi);
      assert.equal(s.usageId, usage);
      assert.deepEqual(await conn.secrets.lookupByUsage(SecretUsageType.Iscsi, usage), s);
      assert.deepEqual(await conn.secrets.lookupByUuid(s.uuid), s);
      const doc = parseSecretXml(await conn.secrets.xmlDesc(s));
      assert.deepEqual(doc, {
        ephemeral: false,
        private: true,
        uuid: s.uuid,
        description: "a <test> & more",
        usage: { type: "iscsi", target: usage },
      });
      assert.ok((await conn.secrets.listAll()).some((x) => x.uuid === s.uuid));
    } finally {
      await conn.secrets.undefine(s);
    }
    for (const gone of [conn.secrets.lookupByUsage(SecretUsageType.Iscsi, usage), conn.secrets.lookupByUuid(s.uuid)]) {
      const err = await gone.then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof LibvirtError && err.code === ErrorCode.NoSecret && err.isNotFound(), String(err));
    }
  });

  it("starts the CHAP target's pool with the secret's password, and is refused with a wrong one", async () => {
    const usage = `${tag}-chap`;
    const s: SecretRef = await conn.secrets.define(
      buildSecretXml({ ephemeral: false, private: true, usage: { type: "iscsi", target: usage } }),
    );
    const auth = { type: "chap", username: storage.chap.username, secret: { usage } };
    const p = await conn.pools.define(buildPoolXml(poolDoc(`${tag}-chap`, storage.chapTarget, auth)));
    try {
      await conn.secrets.setValue(s, Buffer.from(`${storage.chap.password}-wrong`));
      const refused = await conn.pools.start(p).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(refused instanceof LibvirtError, `a wrong password must be refused, got ${String(refused)}`);
      assert.match(refused.message, /log ?in/i);
      assert.equal(await conn.pools.isActive(p), false);

      // The value is replaced in place: same secret, same UUID.
      await conn.secrets.setValue(s, Buffer.from(storage.chap.password));
      await conn.pools.start(p);
      assert.equal(await conn.pools.isActive(p), true);
      const vols = await conn.volumes.listAll(p);
      assert.ok(
        vols.some((v) => v.key.endsWith(`${storage.chapTarget.iqn}-lun-1`)),
        vols.map((v) => v.key).join(", "),
      );
      assert.deepEqual(parsePoolXml(await conn.pools.xmlDesc(p)).source?.auth, auth);
    } finally {
      await removePool(p);
      await conn.secrets.undefine(s);
    }
  });

  it("refuses the CHAP target without credentials", async () => {
    const p = await conn.pools.define(buildPoolXml(poolDoc(`${tag}-nochap`, storage.chapTarget)));
    try {
      await assert.rejects(conn.pools.start(p), LibvirtError);
      assert.equal(await conn.pools.isActive(p), false);
    } finally {
      await removePool(p);
    }
  });
});
