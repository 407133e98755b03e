/**
 * iscsi-direct pools through the engine, against the tgt targets on host A's
 * loopback: the pool active with its LUN as a volume, the LUN attached to a
 * running VM as a raw disk the guest sees, the CHAP variant with its secret,
 * and a destroy that leaves no pool, no secret and the LUN's data as it was.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CloudInitDisk, StoragePool, VirtualMachine, Volume } from "../../../provider";
import { ConnectionPool, LibvirtConnection, SecretUsageType } from "../../../provider/libvirt";
import { isNotFoundError } from "../../../provider/rpc";
import { parseSecretXml } from "../../../provider/xml";
import { EngineHarness, opsByName, stdoutOf, stepOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { TestIscsiTarget, testStorage } from "../support/storage";
import { consoleFolder, waitForConsole } from "../vm/consoleFile";
import { definitions, guestBoot, since } from "../vm/support";

const { a } = testHosts();
const storage = testStorage();
const tag = `pkvm-iscsi-${process.pid % 100000}`;
/** Where tgt keeps the open target's LUN 1 (scripts/test-hosts). */
const OPEN_LUN_FILE = "/var/lib/pulumi-kvm-test/storage/iscsi-open.img";

/** The key libvirt gives a target's LUN: the portal, the IQN and the LUN number. */
const lunKey = (t: TestIscsiTarget, lun: number) => `ip-${t.host}:${t.port}-iscsi-${t.iqn}-lun-${lun}`;

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

async function gone(p: Promise<unknown>): Promise<boolean> {
  return p.then(
    () => false,
    (e: unknown) => {
      if (isNotFoundError(e)) return true;
      throw e;
    },
  );
}

describe("iscsi-direct StoragePool through the engine (host A's tgt targets)", function () {
  this.timeout(600_000);
  const direct = new ConnectionPool({ idleMs: 100 });
  let conn: LibvirtConnection;

  before(async () => {
    conn = (await direct.acquire(sshEndpoint(a))).connection;
  });

  after(async () => {
    await direct.closeAll();
  });

  describe("an open target's LUN as a VM's raw disk", () => {
    const stack = new EngineHarness();
    let dir = "";
    let lunBefore = "";
    const consoleFile = () => path.join(dir, "console.log");

    before(() => {
      dir = consoleFolder("iscsi");
      lunBefore = sha256(OPEN_LUN_FILE);
    });

    after(async () => {
      await stack.destroy();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const program = () => {
      const pool = new StoragePool("pool", {
        name: `${tag}-open`,
        type: "iscsi-direct",
        host: storage.openTarget.host,
        target: storage.openTarget.iqn,
        initiator: storage.initiator,
        connection: connectionTo(a),
      });
      // The LUN is read once the pool is up (its key is known before: portal, IQN, LUN).
      const lun = Volume.get(
        "lun",
        pool.active.apply(() => lunKey(storage.openTarget, 1)),
        { connection: connectionTo(a) },
      );
      const seed = new CloudInitDisk("seed", {
        pool: "default",
        name: `${tag}-seed.iso`,
        userData: "#cloud-config\n#watch-size vda\n",
        metaData: `instance-id: ${tag}\nlocal-hostname: ${tag}\n`,
        connection: connectionTo(a),
      });
      new VirtualMachine("vm", {
        name: `${tag}-vm`,
        ...guestBoot(a),
        memory: "160MiB",
        disks: [{ volumeKey: lun.key }],
        // The test guest's kernel has no AHCI driver: the seed goes on virtio-scsi.
        cloudInit: { disk: seed, bus: "scsi" },
        serialConsole: { type: "file", path: consoleFile() },
        shutdownTimeoutSeconds: 10,
      });
      return { poolPath: pool.path, lunPool: lun.pool, lunCapacity: lun.capacityBytes, poolType: pool.type };
    };

    it("starts the pool, lists LUN 1 as a volume, and the guest sees it as a raw disk; a second run is same", async () => {
      const t0 = Date.now();
      const up = await stack.up(program);
      assert.deepEqual(up.errors, [], stdoutOf(up).join("\n"));
      assert.deepEqual(opsByName(up), { pool: "create", lun: "read", seed: "create", vm: "create" });
      console.log(`      up (pool, LUN read, seed, VM): ${since(t0)} s`);

      // The pool, read with libvirt directly.
      const pool = await conn.pools.lookupByName(`${tag}-open`);
      assert.equal(await conn.pools.isActive(pool), true);
      const keys = (await conn.volumes.listAll(pool)).map((v) => v.key);
      assert.ok(keys.includes(lunKey(storage.openTarget, 1)), keys.join(", "));
      assert.equal(up.exports.lunPool, `${tag}-open`);
      assert.equal(up.exports.lunCapacity, 67108352);
      assert.equal(up.exports.poolType, "iscsi-direct");
      assert.equal(up.exports.poolPath, "", "an iscsi-direct pool has no directory");

      // The running domain names the LUN by pool and volume, as a raw disk.
      const { running } = await definitions(conn, `${tag}-vm`);
      const disk = running?.devices.find((d) => d.kind === "disk" && d.target.dev === "vda");
      assert.ok(disk && disk.kind === "disk", "no vda in the running domain");
      assert.deepEqual(disk.source.type === "volume" && { pool: disk.source.pool, volume: disk.source.volume }, {
        pool: `${tag}-open`,
        volume: "unit:0:0:1",
      });
      assert.equal(disk.driver?.type, "raw");
      // The guest reads the LUN itself: all of its 64 MiB, 131072 sectors of 512 bytes (libvirt's
      // iscsi-direct backend reports one block less as the volume's capacity).
      await waitForConsole(consoleFile(), [/^guest: size vda 131072$/]);

      const again = await stack.up(program);
      assert.deepEqual(again.errors, [], stdoutOf(again).join("\n"));
      assert.deepEqual(opsByName(again), { pool: "same", lun: "read", seed: "same", vm: "same" });
      assert.deepEqual(
        again.calls.filter((c) => ["Create", "Update", "Delete"].includes(c.method)),
        [],
        "a no-change run wrote something",
      );
    });

    it("refuses a Volume in the pool before writing anything, saying how a LUN is used", async () => {
      const up = await stack.up(() => {
        const out = program();
        new Volume("extra", { pool: `${tag}-open`, name: "extra.raw", capacity: "4MiB", format: "raw", connection: connectionTo(a) });
        return out;
      });
      const err = up.errors.find((e) => /iscsi-direct/.test(e.message));
      assert.ok(err, JSON.stringify(up.errors));
      assert.match(err.message, /LUNs, which cannot be created here; read one with Volume\.get/);
      const pool = await conn.pools.lookupByName(`${tag}-open`);
      assert.equal((await conn.volumes.listAll(pool)).length, 2, "LUN 0 and LUN 1, nothing else");
    });

    it("destroys the VM and the pool; the LUN's data is untouched", async () => {
      const down = await stack.destroy();
      assert.deepEqual(down.errors, []);
      assert.equal(await gone(conn.pools.lookupByName(`${tag}-open`)), true);
      assert.equal(await gone(conn.domains.lookupByName(`${tag}-vm`)), true);
      assert.equal(sha256(OPEN_LUN_FILE), lunBefore, "the LUN's backing file changed");
    });
  });

  describe("the CHAP target", () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), "pkvm-iscsi-"));
    const stateFile = path.join(stateDir, "state.json");
    const stack = new EngineHarness({ stateFile });
    const name = `${tag}-chap`;
    const secretOf = () => conn.secrets.lookupByUsage(SecretUsageType.Iscsi, `${name}-chap`);
    const program = (password: string) => () => {
      const pool = new StoragePool("chap", {
        name,
        type: "iscsi-direct",
        host: storage.chapTarget.host,
        port: storage.chapTarget.port,
        target: storage.chapTarget.iqn,
        initiator: storage.initiator,
        chap: { username: storage.chap.username, password },
        connection: connectionTo(a),
      });
      return { active: pool.active };
    };

    after(async () => {
      await stack.destroy();
      rmSync(stateDir, { recursive: true, force: true });
    });

    it("is refused with a wrong password, leaving no pool and no secret", async () => {
      const up = await stack.up(program(`${storage.chap.password}-wrong`));
      assert.match(stepOf(up, "chap")?.error ?? "", /StoragePool .*log ?in/i, JSON.stringify(up.errors));
      assert.equal(
        stack.state.resources.some((r) => r.name === "chap"),
        false,
        "a refused create is not in the state",
      );
      assert.equal(await gone(conn.pools.lookupByName(name)), true, "the pool was left behind");
      assert.equal(await gone(secretOf()), true, "the secret was left behind");
    });

    it("starts with the password in a private secret, never stored or printed in clear", async () => {
      const up = await stack.up(program(storage.chap.password));
      assert.deepEqual(up.errors, [], stdoutOf(up).join("\n"));
      assert.deepEqual(opsByName(up), { chap: "create" });
      assert.equal(up.exports.active, true);
      const secret = parseSecretXml(await conn.secrets.xmlDesc(await secretOf()));
      assert.equal(secret.private, true);
      const pool = await conn.pools.lookupByName(name);
      assert.ok((await conn.volumes.listAll(pool)).some((v) => v.key === lunKey(storage.chapTarget, 1)));
      assert.ok(!readFileSync(stateFile, "utf8").includes(storage.chap.password), "the state file holds the password in clear");
      assert.ok(!stdoutOf(up).join("\n").includes(storage.chap.password), "the password was printed");
      const record = stack.state.resources.find((r) => r.name === "chap");
      assert.deepEqual([...(record?.secretInputs ?? [])].sort(), ["chap"]);

      assert.deepEqual(opsByName(await stack.up(program(storage.chap.password))), { chap: "same" });
    });

    it("changes the password in place: same secret, same pool", async () => {
      const [secretBefore, poolBefore] = [await secretOf(), await conn.pools.lookupByName(name)];
      const changed = await stack.up(program(`${storage.chap.password}-next`));
      assert.deepEqual(changed.errors, [], stdoutOf(changed).join("\n"));
      assert.deepEqual(opsByName(changed), { chap: "update" });
      assert.equal((await secretOf()).uuid, secretBefore.uuid);
      assert.equal((await conn.pools.lookupByName(name)).uuid, poolBefore.uuid);
      // The target knows only the first: the pool logs in again with it after a stop.
      await conn.pools.destroy(poolBefore);
      const wrong = await stack.up(program(`${storage.chap.password}-next`));
      assert.ok(
        wrong.errors.some((e) => /log ?in/i.test(e.message)),
        JSON.stringify(wrong.errors),
      );
      const back = await stack.up(program(storage.chap.password));
      assert.deepEqual(back.errors, [], stdoutOf(back).join("\n"));
      assert.equal(await conn.pools.isActive(poolBefore), true);
    });

    it("shows a secret removed by hand as drift, and up writes it again without replacing the pool", async () => {
      const poolBefore = await conn.pools.lookupByName(name);
      await conn.secrets.undefine(await secretOf());
      const preview = await stack.preview(program(storage.chap.password));
      assert.deepEqual(preview.errors, []);
      assert.deepEqual(opsByName(preview), { chap: "update" });
      assert.match(stdoutOf(preview).join("\n"), /chap\.password: its libvirt secret is missing on the host/);
      const up = await stack.up(program(storage.chap.password));
      assert.deepEqual(up.errors, [], stdoutOf(up).join("\n"));
      assert.equal(parseSecretXml(await conn.secrets.xmlDesc(await secretOf())).private, true);
      assert.equal((await conn.pools.lookupByName(name)).uuid, poolBefore.uuid);
      // The secret holds the password again: the pool logs in after a stop.
      await conn.pools.destroy(poolBefore);
      const restarted = await stack.up(program(storage.chap.password));
      assert.deepEqual(restarted.errors, [], stdoutOf(restarted).join("\n"));
      assert.equal(await conn.pools.isActive(poolBefore), true);
      assert.deepEqual(opsByName(await stack.up(program(storage.chap.password))), { chap: "same" });
    });

    it("destroys the pool and its secret", async () => {
      const down = await stack.destroy();
      assert.deepEqual(down.errors, []);
      assert.equal(await gone(conn.pools.lookupByName(name)), true);
      assert.equal(await gone(secretOf()), true);
    });
  });
});
