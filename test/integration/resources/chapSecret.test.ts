/**
 * The libvirt secret an iscsi-direct pool's CHAP password lives in, as the
 * StoragePool kind manages it, against host A's daemon.
 */
import assert from "node:assert/strict";
import { ConnectionPool, LibvirtConnection, SecretUsageType } from "../../../provider/libvirt";
import { chapSecretUsage, hasChapSecret, putChapSecret, removeChapSecret } from "../../../provider/resources/pool/chapSecret";
import { buildSecretXml, parseSecretXml } from "../../../provider/xml";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";

describe("StoragePool's CHAP secret on host A", function () {
  this.timeout(60_000);
  const direct = new ConnectionPool({ idleMs: 100 });
  const pool = `pkvm-chapsecret-${process.pid % 100000}`;
  let conn: LibvirtConnection;

  before(async () => {
    conn = (await direct.acquire(sshEndpoint(testHosts().a))).connection;
  });

  after(async () => {
    for (const s of await conn.secrets.listAll()) if (s.usageId.startsWith(pool)) await conn.secrets.undefine(s).catch(() => undefined);
    await direct.closeAll();
  });

  it("defines a private secret once, sets its value in place after, and removes it", async () => {
    assert.equal(await hasChapSecret(conn, pool), false);
    assert.deepEqual(await putChapSecret(conn, pool, "first"), { created: true });
    const ref = await conn.secrets.lookupByUsage(SecretUsageType.Iscsi, chapSecretUsage(pool));
    const doc = parseSecretXml(await conn.secrets.xmlDesc(ref));
    assert.equal(doc.private, true, "the value must never be readable through the API");
    assert.equal(doc.ephemeral, false, "the value must survive a daemon restart");
    assert.equal(await hasChapSecret(conn, pool), true);

    assert.deepEqual(await putChapSecret(conn, pool, "second"), { created: false });
    assert.equal(
      (await conn.secrets.lookupByUsage(SecretUsageType.Iscsi, chapSecretUsage(pool))).uuid,
      ref.uuid,
      "the value was set in place, not in a new secret",
    );

    await removeChapSecret(conn, pool);
    assert.equal(await hasChapSecret(conn, pool), false);
    await removeChapSecret(conn, pool); // gone already: nothing to do
  });

  it("refuses, and leaves alone, a secret with the same usage that someone else made", async () => {
    const usage = chapSecretUsage(`${pool}-foreign`);
    const theirs = await conn.secrets.define(
      buildSecretXml({ private: true, description: "made by hand", usage: { type: "iscsi", target: usage } }),
    );
    try {
      await assert.rejects(
        putChapSecret(conn, `${pool}-foreign`, "pw"),
        /exists on the host and was not made for this pool's CHAP password/,
      );
      await removeChapSecret(conn, `${pool}-foreign`);
      assert.equal((await conn.secrets.lookupByUsage(SecretUsageType.Iscsi, usage)).uuid, theirs.uuid, "a foreign secret was removed");
    } finally {
      await conn.secrets.undefine(theirs);
    }
  });
});
