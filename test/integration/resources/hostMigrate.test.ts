/**
 * A running VM whose host changes is live-migrated, not replaced: a pool, a
 * raw volume in it holding the test guest's boot disk, an isolated network
 * and the guest booted from that volume on that network, first on host A,
 * then pointed at host B in one `up`. The pool, the volume and the network
 * are replaced (new object first, on B); the VM is updated: it runs on B with
 * the same UUID and the same kernel (no new boot), its disk copied from A's
 * volume into B's (the stamp the guest wrote into its disk on A is read back
 * from B's), and nothing of the stack is left on A. A second run plans
 * nothing; destroy clears B. Then a stopped VM, moved offline (defined on B,
 * its disk streamed through the provider and checked by SHA-256), and a VM
 * that cannot be moved (the new host lacks the VM's network).
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Network, StoragePool, VirtualMachine, Volume } from "../../../provider";
import { ConnectionPool } from "../../../provider/libvirt";
import { EngineHarness, opsByName, stdoutOf, stepOf, textOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import { TestHost, testHosts } from "../support/hosts";
import { domainState, exists, keepDomainIdsApart, stampIn } from "../support/moves";
import { virsh } from "../support/virsh";
import { consoleFolder, waitForConsole } from "../vm/consoleFile";
import { guestBoot } from "../vm/support";

const { a, b } = testHosts();
const tag = `pkvm-lm-${process.pid % 100000}`;
const names = { pool: `${tag}-pool`, vol: `${tag}-disk.qcow2`, net: `${tag}-net`, vm: `${tag}-vm` };

/**
 * The stack on `host`: the test guest's boot disk uploaded as a raw volume (the same image on
 * either host: what the guest writes into it is what must travel), booted by SeaBIOS, which
 * makes the guest stamp its disk. The network has no bridge name: the hosts share this
 * machine's network namespace, and each picks a free one.
 */
const program = (host: TestHost, log: string) => () => {
  const connection = connectionTo(host);
  const pool = new StoragePool("pool", { name: names.pool, path: `/var/lib/libvirt/images/${names.pool}`, connection });
  const disk = new Volume("disk", {
    pool: pool.name,
    name: names.vol,
    format: "raw",
    source: { localPath: path.join(host.guestDir, "disk.img") },
    connection,
  });
  const net = new Network("net", { name: names.net, mode: "isolated", connection });
  const vm = new VirtualMachine("vm", {
    name: names.vm,
    domainType: host.domainType as "qemu" | "kvm",
    memory: "160MiB",
    disks: [{ volumeKey: disk.key, bootOrder: 1 }],
    networkInterfaces: [{ network: net.name }],
    serialConsole: { type: "file", path: log },
    // After a migration this software-emulated guest ignores the ACPI power button: destroy powers it off.
    shutdownTimeoutSeconds: 5,
    connection,
  });
  return { diskPath: disk.path, uuid: vm.uuid };
};

/** What of the stack virsh finds on a host. */
async function onHost(host: TestHost): Promise<{ pool: boolean; vol: boolean; net: boolean; vm: string | undefined }> {
  const vm = await domainState(host, names.vm);
  return {
    pool: await exists(host, ["pool-info", names.pool]),
    vol: await exists(host, ["vol-info", "--pool", names.pool, names.vol]),
    net: await exists(host, ["net-info", names.net]),
    vm,
  };
}
const NOTHING = { pool: false, vol: false, net: false, vm: undefined };
const EVERYTHING = { pool: true, vol: true, net: true, vm: "running" };

/** Kernel uptimes (`[   12.345678]`) in console text. */
const uptimes = (text: string): number[] => [...text.matchAll(/^\[\s*(\d+\.\d+)\]/gm)].map((m) => Number(m[1]));

describe("a running VM whose host changes (onHostChange: migrate)", function () {
  this.timeout(600_000);
  const stack = new EngineHarness();
  const pool = new ConnectionPool({ idleMs: 100 });
  let dir = "";

  before(() => {
    dir = consoleFolder("hostmigrate");
  });

  after(async () => {
    await stack.destroy();
    await pool.closeAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("is migrated live to B (same UUID, no new boot, its disk copied), the rest replaced; nothing left on A", async () => {
    const log = path.join(dir, "console.log");
    const first = await stack.up(program(a, log));
    assert.deepEqual(first.errors, [], JSON.stringify(first.errors));
    const uuid = textOf(first.exports.uuid);
    await waitForConsole(log, [/^guest: stamped \/dev\/vda$/, /^guest: ready/], 240_000);
    // Host A is this machine: its raw image is read in place (shared with the running guest).
    const stamp = stampIn(readFileSync(textOf(first.exports.diskPath)));
    assert.ok(stamp !== undefined, "the guest's stamp is not in A's volume");
    assert.deepEqual(await onHost(a), EVERYTHING);
    assert.deepEqual(await onHost(b), NOTHING);
    const lastOnA = Math.max(...uptimes(readFileSync(log, "utf8")));
    await keepDomainIdsApart(a, b, names.vm, `${tag}-probe`);

    const preview = await stack.preview(program(b, log));
    assert.deepEqual(preview.errors, [], JSON.stringify(preview.errors));
    assert.equal(stepOf(preview, "vm")?.op, "update", JSON.stringify(stepOf(preview, "vm")));
    assert.ok(
      stdoutOf(preview).some((l) => /VirtualMachine .*: migrates live from .*:2222 .* to .*:2223/.test(l)),
      stdoutOf(preview).join("\n"),
    );
    // The line also says what the migration copies: the boot disk, on A's own dir pool.
    assert.ok(
      stdoutOf(preview).some((l) => /: migrates live from .*:2222 .* to .*:2223 .*, copying 1 disk, \d+\.\d [MG]iB$/.test(l)),
      stdoutOf(preview).join("\n"),
    );

    const t0 = Date.now();
    const up = await stack.up(program(b, log));
    console.log(`      moved in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const lines = stdoutOf(up);
    console.log(
      lines
        .filter((l) => /VirtualMachine/.test(l))
        .map((l) => `      ${l.trim()}`)
        .join("\n"),
    );
    assert.deepEqual(up.errors, [], JSON.stringify(up.errors));
    assert.deepEqual(opsByName(up), { pool: "replace", disk: "replace", net: "replace", vm: "update" });
    for (const name of ["pool", "disk", "net"]) assert.equal(stepOf(up, name)?.deleteBeforeReplace, false, name);
    assert.ok(
      lines.some((l) => /migrating live to .*, copying disks vda/.test(l)),
      lines.join("\n"),
    );
    assert.ok(
      lines.some((l) => /runs on .* \(migrated in/.test(l)),
      lines.join("\n"),
    );

    assert.deepEqual(await onHost(a), NOTHING, "something of the stack is left on A");
    assert.deepEqual(await onHost(b), EVERYTHING);
    assert.equal((await virsh(b, ["domuuid", names.vm])).trim(), uuid, "the VM on B has another UUID");
    assert.equal(textOf(up.exports.uuid), uuid);
    for (const r of stack.state.resources) {
      if (r.outputs.hostIdentity === undefined) continue;
      assert.equal((r.outputs.hostIdentity as { port?: number }).port, b.port, `${r.name} does not record host B`);
    }

    // The same kernel runs on B: it answers a SysRq key on the console (which B's QEMU
    // opened afresh) with an uptime past everything it printed on A, and never booted there.
    await virsh(b, ["send-key", names.vm, "KEY_LEFTALT", "KEY_SYSRQ", "KEY_H"]);
    const onB = await waitForConsole(log, [/sysrq: HELP/], 60_000);
    const onBUptimes = uptimes(onB.join("\n"));
    assert.ok(onBUptimes.length > 0 && Math.min(...onBUptimes) > lastOnA, `uptime on B ${onBUptimes.join(",")}, last on A ${lastOnA}`);
    assert.ok(!onB.some((l) => /Linux version|^guest: boot/.test(l)), `the guest booted again on B:\n${onB.join("\n")}`);

    // B's volume (uploaded there from the image, which has no stamp) holds the guest's stamp: the copy carried it.
    const connB = (await pool.acquire(sshEndpoint(b))).connection;
    const volB = await connB.volumes.lookupByPath(textOf(up.exports.diskPath));
    const copy = path.join(dir, "b.raw");
    await pipeline(await connB.volumes.download(volB), createWriteStream(copy));
    assert.equal(stampIn(readFileSync(path.join(b.guestDir, "disk.img"))), undefined, "the image itself holds a stamp");
    assert.equal(stampIn(readFileSync(copy)), stamp);
    console.log(`      on B's disk: ${stamp}`);

    const again = await stack.up(program(b, log));
    assert.deepEqual(again.errors, []);
    assert.deepEqual(opsByName(again), { pool: "same", disk: "same", net: "same", vm: "same" });

    const down = await stack.destroy();
    assert.deepEqual(down.errors, []);
    assert.deepEqual(await onHost(b), NOTHING);
    assert.deepEqual(await onHost(a), NOTHING);
  });

  it("a stopped VM moves offline: defined on B (same UUID, stopped), its disk streamed and checked, nothing left on A", async () => {
    const alone = new EngineHarness();
    const n = { pool: `${tag}-pool3`, vol: `${tag}-disk3.raw`, vm: `${tag}-vm3` };
    // The bytes both hosts' volumes are created from; A's are then overwritten, so only a copy brings A's to B.
    const image = path.join(dir, "offline.raw");
    writeFileSync(image, randomBytes(4 * 1024 * 1024));
    const vmOn = (host: TestHost) => () => {
      const connection = connectionTo(host);
      const pool3 = new StoragePool("pool", { name: n.pool, path: `/var/lib/libvirt/images/${n.pool}`, connection });
      const disk = new Volume("disk", { pool: pool3.name, name: n.vol, format: "raw", source: { localPath: image }, connection });
      const vm = new VirtualMachine("vm", {
        name: n.vm,
        ...guestBoot(host),
        memory: "96MiB",
        disks: [{ volumeKey: disk.key }],
        running: false,
        connection,
      });
      return { diskPath: disk.path, uuid: vm.uuid };
    };
    const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
    try {
      const first = await alone.up(vmOn(a));
      assert.deepEqual(first.errors, [], JSON.stringify(first.errors));
      const uuid = textOf(first.exports.uuid);
      // Host A is this machine: the VM's disk is written in place, as a guest would have.
      const onA = randomBytes(4 * 1024 * 1024);
      writeFileSync(textOf(first.exports.diskPath), onA);
      const before = sha256(onA);
      assert.notEqual(before, sha256(readFileSync(image)));

      const preview = await alone.preview(vmOn(b));
      assert.deepEqual(preview.errors, [], JSON.stringify(preview.errors));
      assert.equal(stepOf(preview, "vm")?.op, "update", JSON.stringify(stepOf(preview, "vm")));
      assert.ok(
        stdoutOf(preview).some((l) => /VirtualMachine .*: moves offline from .*:2222 .* to .*:2223 .*, copying 1 disk, 4\.0 MiB/.test(l)),
        stdoutOf(preview).join("\n"),
      );

      const moved = await alone.up(vmOn(b));
      const lines = stdoutOf(moved);
      console.log(
        lines
          .filter((l) => /VirtualMachine/.test(l))
          .map((l) => `      ${l.trim()}`)
          .join("\n"),
      );
      assert.deepEqual(moved.errors, [], JSON.stringify(moved.errors));
      assert.deepEqual(opsByName(moved), { pool: "replace", disk: "replace", vm: "update" });
      assert.ok(
        lines.some((l) => l.includes(`disk vda: copied 4.0 MiB`) && l.includes(`sha256 ${before} on both hosts`)),
        lines.join("\n"),
      );
      assert.equal((await virsh(b, ["domstate", n.vm])).trim(), "shut off");
      assert.equal((await virsh(b, ["domuuid", n.vm])).trim(), uuid, "the VM on B has another UUID");
      assert.equal(textOf(moved.exports.uuid), uuid);
      await assert.rejects(virsh(a, ["domstate", n.vm]), "the stopped VM is left on A");
      await assert.rejects(virsh(a, ["pool-info", n.pool]), "the pool is left on A");

      // B's volume, as B's libvirt serves it, holds what A's held.
      const connB = (await pool.acquire(sshEndpoint(b))).connection;
      const volB = await connB.volumes.lookupByPath(textOf(moved.exports.diskPath));
      const copy = path.join(dir, "offline-b.raw");
      await pipeline(await connB.volumes.download(volB), createWriteStream(copy));
      assert.equal(sha256(readFileSync(copy)), before);

      const again = await alone.up(vmOn(b));
      assert.deepEqual(again.errors, []);
      assert.deepEqual(opsByName(again), { pool: "same", disk: "same", vm: "same" });
      const down = await alone.destroy();
      assert.deepEqual(down.errors, []);
      await assert.rejects(virsh(b, ["domstate", n.vm]), "the VM is left on B");
      await assert.rejects(virsh(b, ["pool-info", n.pool]), "the pool is left on B");
    } finally {
      await alone.destroy();
    }
  });

  it("moved, but the update after the move fails: the state follows the VM to B, the next run converges it there", async () => {
    const vm = `${tag}-vm4`;
    const net = `${tag}-both`;
    const alone = new EngineHarness();
    // A new command line takes a restart on B; with waitForIp on a network without DHCP that boot fails.
    const vmOn =
      (host: TestHost, failing = false) =>
      () => {
        new VirtualMachine("vm", {
          name: vm,
          ...guestBoot(host),
          ...(host === b ? { cmdline: "console=ttyS0 pkvm.moved" } : {}),
          ...(failing ? { waitForIp: { timeoutSeconds: 5 } } : {}),
          memory: "96MiB",
          networkInterfaces: [{ network: net }],
          shutdownTimeoutSeconds: 5,
          connection: connectionTo(host),
        });
      };
    const state = (host: TestHost) =>
      virsh(host, ["domstate", vm]).then(
        (s) => s.trim(),
        () => undefined,
      );
    try {
      for (const host of [a, b]) {
        await virsh(host, ["net-define", "/dev/stdin"], { input: `<network><name>${net}</name></network>` });
        await virsh(host, ["net-start", net]);
      }
      const first = await alone.up(vmOn(a));
      assert.deepEqual(first.errors, [], JSON.stringify(first.errors));
      await keepDomainIdsApart(a, b, vm, `${tag}-probe`);

      const failed = await alone.up(vmOn(b, true));
      const message = failed.errors.map((e) => JSON.stringify(e)).join("\n");
      console.log(`      ${message.slice(0, 400)}`);
      assert.ok(failed.errors.length > 0, "the update did not fail");
      assert.ok(
        stdoutOf(failed).some((l) => /runs on .*:2223 .*\(migrated in/.test(l)),
        stdoutOf(failed).join("\n"),
      );
      assert.equal(await state(a), undefined, "the VM is still on A");
      assert.equal(await state(b), "running");
      const stored = alone.state.resources.find((r) => r.name === "vm");
      assert.equal((stored?.outputs.hostIdentity as { port?: number } | undefined)?.port, b.port, "the state does not follow the VM to B");

      const fixed = await alone.up(vmOn(b));
      assert.deepEqual(fixed.errors, [], JSON.stringify(fixed.errors));
      assert.equal(stepOf(fixed, "vm")?.op, "update");
      assert.ok(!stdoutOf(fixed).some((l) => /migrat/.test(l)), stdoutOf(fixed).join("\n"));
      assert.equal(await state(b), "running");
      assert.match(await virsh(b, ["dumpxml", "--inactive", vm]), /pkvm\.moved/);
      const again = await alone.up(vmOn(b));
      assert.deepEqual(opsByName(again), { vm: "same" });
    } finally {
      await alone.destroy();
      for (const host of [a, b]) {
        await virsh(host, ["net-destroy", net]).catch(() => undefined);
        await virsh(host, ["net-undefine", net]).catch(() => undefined);
      }
    }
  });

  it("stays running on A, the state still at A, when B cannot take it (its network is missing); the next run moves it", async () => {
    // A network made by hand on A only: B's hypervisor cannot start the guest there.
    const vm = `${tag}-vm2`;
    const net = `${tag}-hand`;
    const alone = new EngineHarness();
    const vmOn = (host: TestHost) => () => {
      new VirtualMachine("vm", {
        name: vm,
        ...guestBoot(host),
        memory: "96MiB",
        networkInterfaces: [{ network: net }],
        shutdownTimeoutSeconds: 5,
        connection: connectionTo(host),
      });
    };
    const defineNet = async (host: TestHost) => {
      await virsh(host, ["net-define", "/dev/stdin"], { input: `<network><name>${net}</name></network>` });
      await virsh(host, ["net-start", net]);
    };
    const state = (host: TestHost) =>
      virsh(host, ["domstate", vm]).then(
        (s) => s.trim(),
        () => undefined,
      );
    try {
      await defineNet(a);
      const first = await alone.up(vmOn(a));
      assert.deepEqual(first.errors, [], JSON.stringify(first.errors));
      const uuid = (await virsh(a, ["domuuid", vm])).trim();

      await keepDomainIdsApart(a, b, vm, `${tag}-probe`);
      const failed = await alone.up(vmOn(b));
      const message = failed.errors.map((e) => JSON.stringify(e)).join("\n");
      console.log(`      ${message.slice(0, 600)}`);
      assert.ok(failed.errors.length > 0, "the move did not fail");
      assert.match(
        message,
        new RegExp(`VirtualMachine ${vm}: live migration of domain ${vm} from .*:2222 .* to .*:2223 .* failed at prepare`),
      );
      assert.match(message, /the domain still runs on .*:2222/);
      assert.match(message, new RegExp(net));
      assert.equal(await state(a), "running", "the VM no longer runs on A");
      assert.equal(await state(b), undefined, "something of the VM is left on B");
      const stored = alone.state.resources.find((r) => r.name === "vm");
      assert.equal((stored?.outputs.hostIdentity as { port?: number } | undefined)?.port, a.port, "the state no longer records A");

      // With the network on B the next run moves it.
      await defineNet(b);
      const retried = await alone.up(vmOn(b));
      assert.deepEqual(retried.errors, [], JSON.stringify(retried.errors));
      assert.deepEqual(opsByName(retried), { vm: "update" });
      assert.equal(await state(a), undefined);
      assert.equal(await state(b), "running");
      assert.equal((await virsh(b, ["domuuid", vm])).trim(), uuid);
    } finally {
      await alone.destroy();
      for (const host of [a, b]) {
        await virsh(host, ["net-destroy", net]).catch(() => undefined);
        await virsh(host, ["net-undefine", net]).catch(() => undefined);
      }
    }
  });
});
