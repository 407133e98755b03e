/**
 * Live migration from host A to host B driven by `migrateLive` over the
 * provider's two connections: the test guest (direct kernel boot, console to
 * a file) with a qcow2 disk on A's own storage, copied into a volume made
 * beforehand on B (B's /var/lib/libvirt is its own, so nothing is shared but
 * the kernel and initrd). Failed migrations must leave it running on A and
 * nothing on B; the last test moves it for good.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createWriteStream, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import {
  ConnectionPool,
  DomainListFlags,
  DomainRef,
  DomainState,
  DomainUndefineFlags,
  DomainXmlFlags,
  LibvirtConnection,
  MigrationError,
  MigrationProgress,
  migrateLive,
  PoolRef,
  VolumeRef,
} from "../../../provider/libvirt";
import { isNotFoundError } from "../../../provider/rpc";
import { sshEndpoint } from "../support/endpoints";
import { guestDomainXml, natNetworkXml, xmlEscape } from "../support/guestXml";
import { testHosts, TestHost } from "../support/hosts";
import { virsh } from "../support/virsh";
import { consoleFolder, waitForConsole } from "../vm/consoleFile";

const exec = promisify(execFile);
const DISK_BYTES = 16 * 1024 * 1024;

/** The test guest with its console in `consoleFile` and a qcow2 disk `vdb` at `diskPath`. */
function guestXml(host: TestHost, name: string, network: string, consoleFile: string, diskPath: string, uuid?: string): string {
  const disk = `<disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${xmlEscape(diskPath)}'/>
      <target dev='vdb' bus='virtio'/>
    </disk>`;
  return guestDomainXml(host, name, network, "", { uuid, mac: "52:54:00:6d:69:67", consoleFile, disks: disk });
}

const qcow2VolumeXml = (name: string): string =>
  `<volume><name>${xmlEscape(name)}</name><capacity unit='bytes'>${DISK_BYTES}</capacity><target><format type='qcow2'/></target></volume>`;

async function tryLookup(conn: LibvirtConnection, name: string): Promise<DomainRef | undefined> {
  try {
    return await conn.domains.lookupByName(name);
  } catch (err) {
    if (isNotFoundError(err)) return undefined;
    throw err;
  }
}

async function rejection(promise: Promise<unknown>): Promise<MigrationError> {
  const err = await promise.then(
    () => assert.fail("the migration was expected to fail"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof MigrationError, `expected a MigrationError, got ${String(err)}`);
  console.log(`      ${err.message}`);
  return err;
}

describe("live migration from host A to host B (migrateLive)", function () {
  this.timeout(300_000);
  const { a, b } = testHosts();
  const tag = `pkvm-mig-${process.pid % 100000}`;
  const name = `${tag}-vm`;
  const network = `${tag}-net`;
  const pool = new ConnectionPool({ idleMs: 100 });
  let connA: LibvirtConnection;
  let connB: LibvirtConnection;
  let dir = "";
  let volA: VolumeRef;
  let volB: VolumeRef;
  let pathA = "";
  let pathB = "";
  let dom: DomainRef;
  let destinationXml = "";

  /** The domain runs on A with its UUID, and B has no domain of that name. */
  async function assertStillOnA(): Promise<void> {
    const onA = await connA.domains.lookupByName(name);
    assert.equal(onA.uuid, dom.uuid);
    assert.equal((await connA.domains.state(onA)).state, DomainState.Running, "the domain runs on A");
    assert.equal(await tryLookup(connB, name), undefined, "nothing of the domain is left on B");
    assert.equal((await connB.domains.listAll()).filter((d) => d.uuid === dom.uuid).length, 0);
  }

  before(async () => {
    connA = (await pool.acquire(sshEndpoint(a))).connection;
    connB = (await pool.acquire(sshEndpoint(b))).connection;
    dir = consoleFolder("migration");
    // The same network name on both hosts, each on its own bridge and subnet (they share one network namespace).
    // Subnets no bridge of this machine uses now (other suites run beside this one).
    const used = (await exec("ip", ["-4", "-o", "addr"])).stdout;
    const free = [...Array(15).keys()].map((i) => 240 + i).filter((o) => !used.includes(`192.168.${o}.`));
    assert.ok(free.length >= 2, `no two free subnets among 192.168.240-254.0/24:\n${used}`);
    for (const [conn, octet] of [
      [connA, free[0]],
      [connB, free[1]],
    ] as const) {
      const net = await conn.networks.define(natNetworkXml(network, `pkm${process.pid % 10000}x${octet}`, octet));
      await conn.networks.start(net);
    }
    const defaultPool = async (conn: LibvirtConnection): Promise<PoolRef> => conn.pools.lookupByName("default");
    volA = await connA.volumes.create(await defaultPool(connA), qcow2VolumeXml(`${tag}-a.qcow2`));
    volB = await connB.volumes.create(await defaultPool(connB), qcow2VolumeXml(`${tag}-b.qcow2`));
    pathA = await connA.volumes.path(volA);
    pathB = await connB.volumes.path(volB);
    // A pattern in A's disk that the copy must carry (host A is this machine).
    await exec("qemu-io", ["-f", "qcow2", "-c", "write -P 0x5a 0 1M", pathA]);
    dom = await connA.domains.define(guestXml(a, name, network, path.join(dir, "a.log"), pathA));
    dom = await connA.domains.start(dom);
    await waitForConsole(path.join(dir, "a.log"), [/^guest: ready/]);
    // B's copy: its own disk path and console file, the same guest.
    destinationXml = guestXml(b, name, network, path.join(dir, "b.log"), pathB, dom.uuid);
  });

  after(async () => {
    for (const conn of [connA, connB]) {
      if (!conn) continue;
      for (const d of await conn.domains.listAll()) {
        if (!d.name.startsWith(tag)) continue;
        await conn.domains.destroy(d).catch(() => undefined);
        await conn.domains.undefine(d, DomainUndefineFlags.Nvram).catch(() => undefined);
      }
      for (const n of await conn.networks.listAll()) {
        if (!n.name.startsWith(tag)) continue;
        await conn.networks.destroy(n).catch(() => undefined);
        await conn.networks.undefine(n).catch(() => undefined);
      }
    }
    if (volA) await connA.volumes.delete(volA).catch(() => undefined);
    if (volB) await connB.volumes.delete(volB).catch(() => undefined);
    await pool.closeAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("fails at perform when B listens where A cannot reach it: the domain stays on A, nothing on B", async () => {
    // B's hypervisor listens on 127.0.0.2 while A's is sent to 127.0.0.1: the stream's connection is refused.
    const err = await rejection(
      migrateLive(connA, connB, dom, { destinationXml, copyDisks: ["vdb"], address: "127.0.0.1", listenAddress: "127.0.0.2" }),
    );
    assert.equal(err.step, "perform", err.message);
    assert.equal(err.runsOn, "source");
    assert.ok(err.message.includes(connA.rpc.description) && err.message.includes(connB.rpc.description), err.message);
    await assertStillOnA();
  });

  it("fails at prepare when the destination XML names a disk B does not have", async () => {
    const missing = destinationXml.replace(pathB, `/nonexistent/${tag}/disk.qcow2`);
    const err = await rejection(migrateLive(connA, connB, dom, { destinationXml: missing, copyDisks: ["vdb"], address: "127.0.0.1" }));
    assert.equal(err.step, "prepare", err.message);
    assert.equal(err.runsOn, "source");
    await assertStillOnA();
  });

  it("aborts the job at the timeout: the domain stays on A, nothing on B", async () => {
    const progress: MigrationProgress[] = [];
    const started = Date.now();
    // 1 MiB/s: the 96 MiB guest cannot move within 3 s.
    const err = await rejection(
      migrateLive(connA, connB, dom, {
        destinationXml,
        copyDisks: ["vdb"],
        address: "127.0.0.1",
        bandwidthMiBps: 1,
        timeoutMs: 3000,
        progressIntervalMs: 250,
        onProgress: (p) => progress.push(p),
      }),
    );
    assert.equal(err.step, "perform", err.message);
    assert.match(err.message, /timeout of 3000 ms/);
    assert.equal(err.runsOn, "source");
    assert.ok(Date.now() - started < 60_000, `the abort took ${Date.now() - started} ms`);
    assert.ok(progress.length > 0, "progress was reported while the stream ran");
    await assertStillOnA();
  });

  it("moves the running domain to B: same UUID, running, persistent there, gone from A, the disk copied", async () => {
    const progress: MigrationProgress[] = [];
    const result = await migrateLive(connA, connB, dom, {
      destinationXml,
      copyDisks: ["vdb"],
      address: "127.0.0.1",
      bandwidthMiBps: 40,
      progressIntervalMs: 200,
      onProgress: (p) => progress.push(p),
    });
    console.log(
      `      migrated in ${result.elapsedMs} ms, ${progress.length} progress reads; domain id ${dom.id} on A, ${result.domain.id} on B`,
    );
    assert.equal(result.domain.uuid, dom.uuid);
    assert.equal(result.domain.name, name);
    const onB = await connB.domains.lookupByName(name);
    assert.equal(onB.uuid, dom.uuid);
    assert.equal((await connB.domains.state(onB)).state, DomainState.Running);
    assert.equal(await tryLookup(connA, name), undefined, "the source's definition is gone (UNDEFINE_SOURCE)");
    // Persistent on B, with B's own paths (the destination XML, not A's definition).
    const config = await connB.domains.xmlDesc(onB, DomainXmlFlags.Inactive);
    assert.ok(config.includes(pathB) && config.includes(path.join(dir, "b.log")), config);
    assert.ok(progress.length > 0, "progress was reported");
    assert.ok(
      progress.some((p) => p.totalBytes > 0n && p.percent !== undefined),
      JSON.stringify(progress, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v)),
    );

    // The same guest lives on B, not a fresh boot: its kernel answers a SysRq
    // key on B's console, with an uptime later than anything it printed on A.
    // (The ACPI power button is not acted on after a migration of this
    // software-emulated guest, with virsh migrate too, so it cannot serve here.)
    await virsh(b, ["send-key", name, "KEY_LEFTALT", "KEY_SYSRQ", "KEY_H"]);
    const lines = await waitForConsole(path.join(dir, "b.log"), [/sysrq: HELP/], 60_000);
    const uptimes = (text: string): number[] => [...text.matchAll(/^\[\s*(\d+\.\d+)\]/gm)].map((m) => Number(m[1]));
    const lastOnA = Math.max(...uptimes(readFileSync(path.join(dir, "a.log"), "utf8")));
    const onBUptime = uptimes(lines.join("\n"));
    assert.ok(onBUptime.length > 0 && Math.min(...onBUptime) > lastOnA, `uptime on B ${onBUptime.join(",")}, last on A ${lastOnA}`);
    assert.ok(!lines.some((l) => /Linux version/.test(l)), "the guest did not boot again on B");

    // B's disk holds A's pattern: read its image through libvirt and check it here.
    const copy = path.join(dir, "b.qcow2");
    await pipeline(await connB.volumes.download(volB), createWriteStream(copy));
    const { stdout } = await exec("qemu-io", ["-f", "qcow2", "-r", "-c", "read -P 0x5a 0 1M", copy]);
    assert.doesNotMatch(stdout, /verification failed/i, stdout);
    assert.match(stdout, /read 1048576\/1048576 bytes/, stdout);
  });

  it("moves it back to A on libvirt's default address and port, transient there, B keeping its definition", async () => {
    const onB = await connB.domains.lookupByName(name);
    // No address: A's libvirt names itself by its hostname and picks a port of its range.
    const result = await migrateLive(connB, connA, onB, {
      destinationXml: guestXml(a, name, network, path.join(dir, "back.log"), pathA, dom.uuid),
      copyDisks: ["vdb"],
      persist: false,
      undefineSource: false,
    });
    assert.equal(result.domain.uuid, dom.uuid);
    const onA = await connA.domains.lookupByName(name);
    assert.equal((await connA.domains.state(onA)).state, DomainState.Running);
    const transient = await connA.domains.listAll(DomainListFlags.Transient);
    assert.ok(
      transient.some((d) => d.uuid === dom.uuid),
      "transient on A (no PERSIST_DEST)",
    );
    const left = await connB.domains.lookupByName(name);
    assert.equal((await connB.domains.state(left)).state, DomainState.Shutoff, "B keeps its definition, stopped (no UNDEFINE_SOURCE)");
  });
});
