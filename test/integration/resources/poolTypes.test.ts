import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { StoragePool, VirtualMachine, Volume } from "../../../provider";
import { ConnectionPool, LibvirtConnection } from "../../../provider/libvirt";
import { poolKind } from "../../../provider/resources/pool/kind";
import { poolModelOf } from "../../../provider/resources/pool/model";
import { parseSpec } from "../../../provider/resources/common/kindSpec";
import { isNotFoundError } from "../../../provider/rpc";
import { buildPoolXml, parsePoolXml } from "../../../provider/xml";
import { EngineHarness, opsByName, stdoutOf, textOf } from "../../engine";
import { GOOD_POOLS } from "../../support/poolTypeCases";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { tryVirsh, virsh } from "../support/virsh";
import { consoleFolder, waitForConsole } from "../vm/consoleFile";

const { a } = testHosts();
const tag = `pkvm-fs-${process.pid % 100000}`;
const mountPoint = `/var/lib/libvirt/images/${tag}`;

/** The loop device host A (this machine) keeps free for an fs pool; a missing one fails the tests, never skips them. */
function fsDevice(): string {
  const device = process.env.KVM_TEST_FS_DEVICE;
  if (!device) throw new Error('KVM_TEST_FS_DEVICE is not set: run through `npm test`, or eval "$(scripts/test-hosts env)" first');
  return device;
}

/** Whether /proc/mounts (host A is this machine) lists `what` as a device or a mount point. */
function mounted(what: string): boolean {
  return readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .some((line) => line.split(" ").slice(0, 2).includes(what));
}

/** An fs pool built as ext4 on the device, with a qcow2 volume, a copy of it and an upload; with `vm`, a VM booting from an overlay on the guest image in it. */
function program(device: string, opts: { vm?: boolean; consoleLog?: string } = {}) {
  return () => {
    const connection = connectionTo(a);
    const pool = new StoragePool("pool", { name: tag, type: "fs", device, format: "ext4", build: true, path: mountPoint, connection });
    const data = new Volume("data", { pool: pool.name, name: "data.qcow2", capacity: "16MiB", connection });
    // Uploaded into the fs pool: the test guest's bootable disk, as a VM's base image.
    const base = new Volume("base", {
      pool: pool.name,
      name: "base.raw",
      format: "raw",
      source: { localPath: join(a.guestDir, "disk.img") },
      connection,
    });
    // A full copy into the same pool.
    const copy = new Volume("copy", { pool: pool.name, name: "copy.qcow2", source: { cloneOf: data.key }, connection });
    const out: Record<string, unknown> = { poolPath: pool.path, dataKey: data.key, baseKey: base.key, copyKey: copy.key };
    if (opts.vm) {
      const root = new Volume("root", { pool: pool.name, name: "root.qcow2", source: { backingVolume: base.key }, connection });
      const vm = new VirtualMachine("vm", {
        name: tag,
        domainType: a.domainType === "kvm" ? "kvm" : "qemu",
        memory: "128MiB",
        disks: [{ volumeKey: root.key, bootOrder: 1 }],
        serialConsole: { logFile: opts.consoleLog },
        connection,
      });
      out.rootKey = root.key;
      out.vm = vm.uuid;
    }
    return out;
  };
}

describe("StoragePool types through the engine: an fs pool on a loop device of host A", function () {
  this.timeout(600_000);
  const device = fsDevice();
  const stack = new EngineHarness();
  const direct = new ConnectionPool({ idleMs: 100 });
  const dir = consoleFolder("fspool");
  let conn: LibvirtConnection;

  before(async () => {
    assert.ok(!mounted(device), `${device} is mounted already`);
    // A filesystem left by an earlier run would be kept (never overwritten): start from a blank device.
    execFileSync("wipefs", ["-a", device]);
    conn = (await direct.acquire(sshEndpoint(a))).connection;
  });

  after(async () => {
    await stack.destroy();
    await direct.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates the pool (making ext4 on the device and mounting it) and a qcow2 volume in it; a second run is the same", async () => {
    const up = await stack.up(program(device));
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { pool: "create", data: "create", base: "create", copy: "create" });
    assert.ok(
      stdoutOf(up).some((l) => /building the fs pool's storage/.test(l)),
      stdoutOf(up).join("\n"),
    );
    assert.equal(execFileSync("blkid", ["-o", "value", "-s", "TYPE", device], { encoding: "utf8" }).trim(), "ext4");
    assert.ok(mounted(mountPoint), `${mountPoint} is not mounted`);
    assert.equal(textOf(up.exports.poolPath), mountPoint);
    assert.equal(textOf(up.exports.dataKey), `${mountPoint}/data.qcow2`);
    const vol = await conn.volumes.lookupByKey(`${mountPoint}/data.qcow2`);
    assert.match(await conn.volumes.xmlDesc(vol), /<format type='qcow2'\/>/);
    assert.ok(existsSync(`${mountPoint}/base.raw`), "the upload is not on the mounted filesystem");
    assert.equal(textOf(up.exports.copyKey), `${mountPoint}/copy.qcow2`);
    assert.equal((await conn.volumes.info(await conn.volumes.lookupByKey(`${mountPoint}/copy.qcow2`))).capacity, 16n * 1024n * 1024n);

    const again = await stack.up(program(device));
    assert.deepEqual(again.errors, []);
    assert.deepEqual(opsByName(again), { pool: "same", data: "same", base: "same", copy: "same" });
  });

  it("shows the pool stopped by hand (virsh pool-destroy) in the preview, and up starts it again", async () => {
    await virsh(a, ["pool-destroy", tag]);
    assert.ok(!mounted(mountPoint), "pool-destroy left the device mounted");
    const preview = await stack.preview(program(device));
    assert.deepEqual(preview.errors, []);
    assert.equal(opsByName(preview).pool, "update");
    assert.match(stdoutOf(preview).join("\n"), /the pool is stopped on the host/);

    const up = await stack.up(program(device));
    assert.deepEqual(up.errors, []);
    assert.equal(opsByName(up).pool, "update");
    assert.ok(mounted(mountPoint), "up did not mount the pool again");
    // The data made before the stop is still there: the start mounted the same filesystem.
    await conn.volumes.lookupByKey(`${mountPoint}/data.qcow2`);
    assert.deepEqual(Object.values(opsByName(await stack.up(program(device)))), ["same", "same", "same", "same"]);
  });

  it("boots a VM from a qcow2 overlay in the pool on the guest image uploaded into it", async () => {
    const log = join(dir, "console.log");
    const up = await stack.up(program(device, { vm: true, consoleLog: log }));
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { pool: "same", data: "same", base: "same", copy: "same", root: "create", vm: "create" });
    const root = await conn.volumes.lookupByKey(`${mountPoint}/root.qcow2`);
    assert.match(await conn.volumes.xmlDesc(root), new RegExp(`<backingStore>\\s*<path>${mountPoint}/base.raw</path>`));
    // The guest writes its stamp into the boot disk, i.e. into the overlay on the fs pool.
    await waitForConsole(log, [/^guest: stamped \/dev\/vda$/], 240_000);
    const dom = await conn.domains.lookupByName(tag);
    assert.match(await conn.domains.xmlDesc(dom), new RegExp(`<source file='${mountPoint}/root.qcow2'`));

    const again = await stack.up(program(device, { vm: true, consoleLog: log }));
    assert.deepEqual(again.errors, []);
    assert.deepEqual(Object.values(opsByName(again)), ["same", "same", "same", "same", "same", "same"]);
  });

  it("destroy removes the VM, the volumes and the pool, and leaves the device unmounted and its mount point gone", async () => {
    const down = await stack.destroy();
    assert.deepEqual(down.errors, []);
    await assert.rejects(conn.pools.lookupByName(tag), (e: unknown) => isNotFoundError(e));
    assert.ok(!mounted(device) && !mounted(mountPoint), readFileSync("/proc/mounts", "utf8"));
    assert.ok(!existsSync(mountPoint), `${mountPoint} is left`);
    // The filesystem itself is never wiped.
    assert.equal(execFileSync("blkid", ["-o", "value", "-s", "TYPE", device], { encoding: "utf8" }).trim(), "ext4");
  });

  it("a new pool with build on the device that holds a filesystem keeps it", async () => {
    const up = await stack.up(program(device));
    assert.deepEqual(up.errors, []);
    assert.ok(
      stdoutOf(up).some((l) => /already holds a filesystem: kept as it is/.test(l)),
      stdoutOf(up).join("\n"),
    );
    assert.ok(mounted(mountPoint));
    assert.deepEqual((await stack.destroy()).errors, []);
    assert.ok(!mounted(device));
  });
});

describe("StoragePool types: libvirt's validation accepts the definition of each type (virsh pool-define on host A)", function () {
  this.timeout(120_000);
  const tried: string[] = [];
  after(async () => {
    for (const name of tried) await tryVirsh(a, ["pool-undefine", name]);
  });

  for (const [title, inputs] of Object.entries(GOOD_POOLS)) {
    it(`${title}: defined as written, read back without drift, undefined`, async () => {
      const { spec, problems } = parseSpec(poolKind, inputs, {}, true);
      assert.deepEqual(problems, []);
      assert.ok(spec);
      const name = `${spec.name}-${process.pid % 100000}`;
      const s = { ...spec, name };
      tried.push(name);
      // Defined only: none of these is started (logical, netfs and disk cannot run on the test hosts).
      await virsh(a, ["pool-define", "/dev/stdin"], { input: buildPoolXml(poolModelOf(s)) });
      const back = parsePoolXml(await virsh(a, ["pool-dumpxml", "--inactive", name]));
      assert.equal(back.type, spec.type);
      const live = { ref: { name, uuid: "" }, definition: back, active: true, autostart: true, capacity: 0n, available: 0n };
      assert.deepEqual(poolKind.drift(s, live), [], "drift against the definition libvirt wrote back");
      await virsh(a, ["pool-undefine", name]);
    });
  }
});
