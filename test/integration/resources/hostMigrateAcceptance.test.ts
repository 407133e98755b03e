/**
 * Issue 17's first acceptance point, end to end through the engine: one stack
 * on host A — a Network, a qcow2 Volume holding the test guest's boot disk
 * (the guest stamps it) and a running VirtualMachine booted from it on that
 * network — whose host changes to B in one `up`. The VM then runs on B with
 * the same UUID and its uptime not reset (the guest's counter on B's console
 * goes on above the last value it printed on A), the stamp is read back from
 * B's volume, nothing of the stack is left on A, a second `up` changes
 * nothing, and `destroy` clears B.
 *
 * The console is a file under /var/log/libvirt, which each host has its own of
 * (host B's daemons live in a mount namespace with their own /var/log/libvirt):
 * the same path is A's file on A and B's file on B, as on two machines. B's
 * QEMU opens its file afresh when the migration prepares the guest there, so
 * B's file holds only what the guest printed on B. (A path both hosts share,
 * such as one in /tmp here, is one file: B's QEMU truncates it as the guest
 * arrives, and only what the guest prints from then on is in it.)
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createWriteStream, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { Network, VirtualMachine, Volume } from "../../../provider";
import { ConnectionPool } from "../../../provider/libvirt";
import { EngineHarness, opsByName, stdoutOf, textOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { hostBDaemonPid } from "../support/daemons";
import { sshEndpoint } from "../support/endpoints";
import { TestHost, testHosts } from "../support/hosts";
import { domainState, exists, keepDomainIdsApart, stampIn, uptimeCounter, waitForUptimes } from "../support/moves";
import { virsh } from "../support/virsh";
import { consoleFolder, waitForConsole } from "../vm/consoleFile";

const exec = promisify(execFile);
const { a, b } = testHosts();
const tag = `pkvm-lma-${process.pid % 100000}`;
const names = { vol: `${tag}-disk.qcow2`, net: `${tag}-net`, vm: `${tag}-vm` };
/** The guest's serial console: a file of each host's own (see above). */
const CONSOLE = `/var/log/libvirt/qemu/${names.vm}-console.log`;

/** Host B's view of a path: through the root of its libvirtd, which lives in B's mount namespace. */
const onB = (file: string): string => `/proc/${hostBDaemonPid()}/root${file}`;

/**
 * The stack on `host`: the test guest's boot disk as a qcow2 volume in the host's default
 * pool (uploaded from the same image on either host: what the guest writes into it is what
 * must travel), booted by SeaBIOS, which makes the guest stamp its disk; an isolated
 * network (no bridge name: both hosts share this machine's network namespace, each picks a
 * free one).
 */
const program = (host: TestHost, image: string) => () => {
  const connection = connectionTo(host);
  const disk = new Volume("disk", { pool: "default", name: names.vol, format: "qcow2", source: { localPath: image }, connection });
  const net = new Network("net", { name: names.net, mode: "isolated", connection });
  const vm = new VirtualMachine("vm", {
    name: names.vm,
    domainType: host.domainType as "qemu" | "kvm",
    memory: "160MiB",
    disks: [{ volumeKey: disk.key, bootOrder: 1 }],
    networkInterfaces: [{ network: net.name }],
    serialConsole: { type: "file", path: CONSOLE },
    // After a migration this software-emulated guest ignores the ACPI power button: destroy powers it off.
    shutdownTimeoutSeconds: 5,
    connection,
  });
  return { diskPath: disk.path, uuid: vm.uuid };
};

/** What of the stack virsh finds on a host. */
async function onHost(host: TestHost): Promise<{ vm: string | undefined; vol: boolean; net: boolean }> {
  const vm = await domainState(host, names.vm);
  return { vm, vol: await exists(host, ["vol-info", "--pool", "default", names.vol]), net: await exists(host, ["net-info", names.net]) };
}
const NOTHING = { vm: undefined, vol: false, net: false };
const EVERYTHING = { vm: "running", vol: true, net: true };

/** The stamp in a qcow2 image, read from a raw conversion of it (`-U`: the image may be in use). */
async function stampInQcow2(image: string, scratch: string): Promise<string | undefined> {
  await exec("qemu-img", ["convert", "-U", "-f", "qcow2", "-O", "raw", image, scratch]);
  return stampIn(readFileSync(scratch));
}

describe("acceptance: a running VM, its qcow2 Volume and its Network move from host A to B in one up", function () {
  this.timeout(600_000);
  const stack = new EngineHarness();
  const pool = new ConnectionPool({ idleMs: 100 });
  let dir = "";

  before(() => {
    dir = consoleFolder("lm-accept");
  });

  after(async () => {
    await stack.destroy();
    await pool.closeAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
    rmSync(CONSOLE, { force: true });
    rmSync(onB(CONSOLE), { force: true });
  });

  it("runs on B with the same UUID, its counter going on, its stamp on B's disk; nothing left on A; same; destroy clears B", async () => {
    const image = path.join(dir, "boot.qcow2");
    await exec("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", path.join(a.guestDir, "disk.img"), image]);
    assert.equal(await stampInQcow2(image, path.join(dir, "image.raw")), undefined, "the image itself holds a stamp");

    const first = await stack.up(program(a, image));
    assert.deepEqual(first.errors, [], JSON.stringify(first.errors));
    const uuid = textOf(first.exports.uuid);
    await waitForConsole(CONSOLE, [/^guest: stamped \/dev\/vda$/, /^guest: ready/], 240_000);
    const seenOnA = uptimeCounter(await waitForUptimes(CONSOLE, 3));
    // Host A is this machine: its volume is read in place (shared with the running guest).
    const stamp = await stampInQcow2(textOf(first.exports.diskPath), path.join(dir, "a.raw"));
    assert.ok(stamp !== undefined, "the guest's stamp is not in A's volume");
    assert.deepEqual(await onHost(a), EVERYTHING);
    assert.deepEqual(await onHost(b), NOTHING);
    await keepDomainIdsApart(a, b, names.vm, `${tag}-probe`);
    const beforeMove = uptimeCounter(readFileSync(CONSOLE, "utf8"));
    console.log(`      on A: stamp "${stamp}", counter ${seenOnA.join(", ")} … ${beforeMove[beforeMove.length - 1]}`);

    const t0 = Date.now();
    const up = await stack.up(program(b, image));
    const seconds = (Date.now() - t0) / 1000;
    const lines = stdoutOf(up);
    console.log(
      lines
        .filter((l) => /VirtualMachine/.test(l))
        .map((l) => `      ${l.trim()}`)
        .join("\n"),
    );
    assert.deepEqual(up.errors, [], JSON.stringify(up.errors));
    assert.deepEqual(opsByName(up), { disk: "replace", net: "replace", vm: "update" });
    assert.ok(
      lines.some((l) => /migrating live to .*, copying disks vda/.test(l)),
      lines.join("\n"),
    );
    const migrated = lines.map((l) => /runs on .* \(migrated in ([\d.]+) s/.exec(l)?.[1]).find((s) => s !== undefined);
    assert.ok(migrated !== undefined, lines.join("\n"));

    // The same guest on B: same UUID, and its counter, on B's own console file, goes on from A's.
    assert.equal((await virsh(b, ["domuuid", names.vm])).trim(), uuid, "the VM on B has another UUID");
    assert.equal(textOf(up.exports.uuid), uuid);
    const lastOnA = Math.max(...uptimeCounter(readFileSync(CONSOLE, "utf8")));
    const textOnB = await waitForUptimes(onB(CONSOLE), 3, 60_000);
    const counterOnB = uptimeCounter(textOnB);
    console.log(
      `      moved in ${seconds.toFixed(1)} s (migration ${migrated} s); counter: last on A ${lastOnA}, on B ${counterOnB.join(", ")}`,
    );
    assert.ok(counterOnB[0] > lastOnA, `the counter on B (${counterOnB.join(", ")}) does not go on from A's last value ${lastOnA}`);
    assert.ok(
      counterOnB.every((v, i) => i === 0 || v > counterOnB[i - 1]),
      `the counter on B does not grow: ${counterOnB.join(", ")}`,
    );
    assert.doesNotMatch(textOnB, /Linux version|guest: boot/, `the guest booted again on B:\n${textOnB}`);

    // B's volume (uploaded there from the image, which has no stamp) holds the guest's stamp: the copy carried it.
    const connB = (await pool.acquire(sshEndpoint(b))).connection;
    const volB = await connB.volumes.lookupByPath(textOf(up.exports.diskPath));
    const copy = path.join(dir, "b.qcow2");
    await pipeline(await connB.volumes.download(volB), createWriteStream(copy));
    assert.equal(await stampInQcow2(copy, path.join(dir, "b.raw")), stamp);
    console.log(`      on B's disk: ${stamp}`);

    assert.deepEqual(await onHost(a), NOTHING, "something of the stack is left on A");
    assert.deepEqual(await onHost(b), EVERYTHING);
    for (const r of stack.state.resources) {
      assert.equal((r.outputs.hostIdentity as { port?: number } | undefined)?.port, b.port, `${r.name} does not record host B`);
    }

    const again = await stack.up(program(b, image));
    assert.deepEqual(again.errors, [], JSON.stringify(again.errors));
    assert.deepEqual(opsByName(again), { disk: "same", net: "same", vm: "same" });

    const down = await stack.destroy();
    assert.deepEqual(down.errors, [], JSON.stringify(down.errors));
    assert.deepEqual(await onHost(b), NOTHING, "something of the stack is left on B");
    assert.deepEqual(await onHost(a), NOTHING);
  });
});
