/**
 * A live migration that cannot reach the new host leaves the VM where it ran.
 * The VM (SeaBIOS spinning on an empty raw volume of a pool, so a disk is to
 * be copied) runs on host A with `migrationPort` fixed; the program then
 * points it at host B while the port is taken: by a listener of this test
 * (A's hypervisor reaches it instead of B's, and it hangs up: the migration
 * fails at once), or by a firewall rule that drops the stream's packets (the
 * migration hangs, and `migrationTimeoutSeconds` ends it). A volume on B
 * smaller than A's fails the move too. Each time the error names the VM, the
 * step and that the VM still runs on A; it runs on A, B has no domain, the
 * state still records A, and every volume either host has is one the state
 * records. Once the cause is gone, the next `up` moves it: same UUID on B,
 * nothing left on A. That `up` first deletes what the failed run left for
 * deletion (as Pulumi does): A's old volume, which the guest still runs on,
 * so it is kept and recorded on the VM's domain; the VM deletes it once it
 * has left A. A VM whose old volume was deleted under it anyway (by hand)
 * cannot be migrated (QEMU reopens its images at the hand-over): the move is
 * refused, saying so, and the VM keeps running on A.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer, Server } from "node:net";
import { promisify } from "node:util";
import { StoragePool, VirtualMachine, Volume } from "../../../provider";
import { EngineHarness, opsByName, RunResult, stdoutOf, stepOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { TestHost, testHosts } from "../support/hosts";
import { virsh } from "../support/virsh";
import { domainState, keepDomainIdsApart, volumesIn } from "../support/moves";

const { a, b } = testHosts();
const tag = `pkvm-mnet-${process.pid % 100000}`;
const run = promisify(execFile);

/** How the program moves its VM. */
interface MoveSettings {
  migrationPort?: number;
  migrationTimeoutSeconds?: number;
}

/** The stack on `host`: a pool, an empty raw volume in it, and a VM booting (in vain) from it. */
const withDisk =
  (host: TestHost, vm: string, settings: MoveSettings, volume = { name: "disk", capacity: "8MiB" }) =>
  () => {
    const connection = connectionTo(host);
    const pool = new StoragePool("pool", { name: `${tag}-pool`, path: `/var/lib/libvirt/images/${tag}-pool`, connection });
    const disk = new Volume(volume.name, {
      pool: pool.name,
      name: `${tag}-${volume.name}.raw`,
      format: "raw",
      capacity: volume.capacity,
      connection,
    });
    new VirtualMachine("vm", {
      name: vm,
      domainType: host.domainType as "qemu" | "kvm",
      memory: "64MiB",
      disks: [{ volumeKey: disk.key, bootOrder: 1 }],
      // After a migration this software-emulated guest ignores the ACPI power button.
      shutdownTimeoutSeconds: 0,
      ...settings,
      connection,
    });
  };

/** A VM alone, without disks (SeaBIOS finds nothing to boot and waits). */
const alone = (host: TestHost, vm: string, settings: MoveSettings) => () => {
  new VirtualMachine("vm", {
    name: vm,
    domainType: host.domainType as "qemu" | "kvm",
    memory: "64MiB",
    shutdownTimeoutSeconds: 0,
    ...settings,
    connection: connectionTo(host),
  });
};

/** A TCP listener on 127.0.0.1 at a free port: the hosts share this machine's network, so A's hypervisor reaches it instead of B's. */
async function takePort(): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the listener has no port");
  return { port: address.port, server };
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** The errors of a run, one JSON line each. */
const errorsOf = (r: RunResult): string => r.errors.map((e) => JSON.stringify(e)).join("\n");

/** The volumes of the test's pool that virsh finds on `host` (none when the pool is not there). */
const volumesOn = (host: TestHost): Promise<string[]> => volumesIn(host, `${tag}-pool`);

/** What the stored state says of one resource: the port of its recorded host, and whether it waits for deletion. */
function recorded(stack: EngineHarness, name: string): { port: number | undefined; pendingDelete: boolean }[] {
  return stack.state.resources
    .filter((r) => r.name === name)
    .map((r) => ({ port: (r.outputs.hostIdentity as { port?: number } | undefined)?.port, pendingDelete: r.pendingDelete === true }));
}

/** The assertions every failed move shares: the error, where the VM runs, what the state records. */
async function assertStillOnA(stack: EngineHarness, failed: RunResult, vm: string, step: RegExp): Promise<void> {
  const message = errorsOf(failed);
  console.log(`      ${message.slice(0, 700)}`);
  assert.ok(failed.errors.length > 0, "the move did not fail");
  assert.match(
    message,
    new RegExp(`VirtualMachine ${vm}: live migration of domain ${vm} from .*:2222 .* to .*:2223 .*failed at ${step.source}`),
  );
  assert.match(message, /the domain still runs on .*:2222/);
  assert.equal(await domainState(a, vm), "running", "the VM no longer runs on A");
  assert.equal(await domainState(b, vm), undefined, "B has a domain of the VM");
  assert.deepEqual(recorded(stack, "vm"), [{ port: a.port, pendingDelete: false }], "the state no longer records the VM on A");
}

describe("a live migration that fails (B's port blocked, B's volume too small)", function () {
  this.timeout(600_000);

  it("fails at once when the port is taken on B: the VM runs on A, the state says A; the next up moves it", async () => {
    const vm = `${tag}-vm1`;
    const stack = new EngineHarness();
    const { port, server } = await takePort();
    let open = true;
    try {
      const first = await stack.up(withDisk(a, vm, { migrationPort: port }));
      assert.deepEqual(first.errors, [], errorsOf(first));
      const uuid = (await virsh(a, ["domuuid", vm])).trim();
      await keepDomainIdsApart(a, b, vm, `${tag}-probe`);

      const t0 = Date.now();
      const failed = await stack.up(withDisk(b, vm, { migrationPort: port }));
      console.log(`      failed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      await assertStillOnA(stack, failed, vm, /perform/);
      assert.match(errorsOf(failed), new RegExp(`sends it to 127\\.0\\.0\\.1, port ${port}, where the new host must accept connections`));
      // The volume's replacement was made on B before the VM's update; the old one waits on A for
      // the start of the next run. Every volume either host has is recorded in the state.
      const disks = recorded(stack, "disk");
      console.log(
        `      disk records: ${JSON.stringify(disks)}; on A ${JSON.stringify(await volumesOn(a))}, on B ${JSON.stringify(await volumesOn(b))}`,
      );
      assert.deepEqual(
        disks.sort((x, y) => Number(x.port) - Number(y.port)),
        [
          { port: a.port, pendingDelete: true },
          { port: b.port, pendingDelete: false },
        ],
      );
      assert.deepEqual(await volumesOn(a), [`${tag}-disk.raw`]);
      assert.deepEqual(await volumesOn(b), [`${tag}-disk.raw`]);

      await closeServer(server);
      open = false;
      const retried = await stack.up(withDisk(b, vm, { migrationPort: port }));
      assert.deepEqual(retried.errors, [], errorsOf(retried));
      // First, before any other step, the pending deletion of A's volume: kept, since the guest runs on it.
      assert.deepEqual(
        retried.steps.slice(0, 1).map((st) => [st.name, st.op]),
        [["disk", "delete"]],
      );
      const out = stdoutOf(retried).join("\n");
      assert.match(out, new RegExp(`Volume "${tag}-disk.raw": kept on .*:2222.*: VirtualMachine ${vm} still uses it`), out);
      assert.equal(stepOf(retried, "vm")?.op, "update");
      assert.ok(
        stdoutOf(retried).some((l) => /migrating live to .*, copying disks vda/.test(l)),
        stdoutOf(retried).join("\n"),
      );
      // Once the VM has left A, it deletes the volume kept for it there, then the pool that held it.
      assert.match(out, new RegExp(`VirtualMachine "${vm}": deleted volume ${tag}-pool/${tag}-disk.raw kept for it on .*:2222`), out);
      assert.match(out, new RegExp(`VirtualMachine "${vm}": deleted pool ${tag}-pool kept for it on .*:2222`), out);
      assert.equal(await domainState(a, vm), undefined, "the VM is left on A");
      assert.equal(await domainState(b, vm), "running");
      assert.equal((await virsh(b, ["domuuid", vm])).trim(), uuid, "the VM on B has another UUID");
      assert.deepEqual(recorded(stack, "vm"), [{ port: b.port, pendingDelete: false }]);
      assert.deepEqual(recorded(stack, "disk"), [{ port: b.port, pendingDelete: false }]);
      assert.deepEqual(await volumesOn(a), [], "A's old volume is left");
      assert.equal(await domainState(a, vm), undefined, "A has a domain of the stack");
      const poolsOnA = (await virsh(a, ["pool-list", "--all", "--name"])).split("\n").map((l) => l.trim());
      assert.ok(!poolsOnA.includes(`${tag}-pool`), "A's old pool is left");
      assert.deepEqual(opsByName(await stack.up(withDisk(b, vm, { migrationPort: port }))), { pool: "same", disk: "same", vm: "same" });
    } finally {
      if (open) await closeServer(server);
      await stack.destroy();
    }
  });

  it("refuses to migrate a VM whose old volume was deleted by hand after a failed move; it keeps running on A", async () => {
    const vm = `${tag}-vm3`;
    const stack = new EngineHarness();
    const { port, server } = await takePort();
    let open = true;
    try {
      const first = await stack.up(withDisk(a, vm, { migrationPort: port }));
      assert.deepEqual(first.errors, [], errorsOf(first));
      await keepDomainIdsApart(a, b, vm, `${tag}-probe`);
      const failed = await stack.up(withDisk(b, vm, { migrationPort: port }));
      await assertStillOnA(stack, failed, vm, /perform/);
      // A's old volume, left for deletion, deleted by hand (or by an earlier release, at the start of the next run).
      await virsh(a, ["vol-delete", "--pool", `${tag}-pool`, `${tag}-disk.raw`]);
      await closeServer(server);
      open = false;

      const refused = await stack.up(withDisk(b, vm, { migrationPort: port }));
      const message = errorsOf(refused);
      console.log(`      ${message.slice(0, 600)}`);
      assert.match(
        message,
        new RegExp(
          `VirtualMachine ${vm}: cannot migrate: the volume of disk vda is gone from .*:2222 .* while the guest still has it open`,
        ),
      );
      assert.equal(await domainState(a, vm), "running", "the VM no longer runs on A");
      assert.equal(await domainState(b, vm), undefined, "B has a domain of the VM");
      assert.deepEqual(recorded(stack, "vm"), [{ port: a.port, pendingDelete: false }]);
    } finally {
      if (open) await closeServer(server);
      await stack.destroy();
    }
  });

  it("fails when B's volume is smaller than A's: the VM runs on A; with one as large the next up moves it", async () => {
    const vm = `${tag}-vm4`;
    const stack = new EngineHarness();
    try {
      const first = await stack.up(withDisk(a, vm, {}));
      assert.deepEqual(first.errors, [], errorsOf(first));
      const uuid = (await virsh(a, ["domuuid", vm])).trim();
      await keepDomainIdsApart(a, b, vm, `${tag}-probe`);

      // Another volume (a volume cannot shrink), half as large as A's.
      const failed = await stack.up(withDisk(b, vm, {}, { name: "small", capacity: "4MiB" }));
      await assertStillOnA(stack, failed, vm, /(prepare|perform)/);

      const retried = await stack.up(withDisk(b, vm, {}));
      assert.deepEqual(retried.errors, [], errorsOf(retried));
      assert.equal(stepOf(retried, "vm")?.op, "update");
      assert.equal(await domainState(a, vm), undefined, "the VM is left on A");
      assert.equal(await domainState(b, vm), "running");
      assert.equal((await virsh(b, ["domuuid", vm])).trim(), uuid, "the VM on B has another UUID");
      assert.deepEqual(await volumesOn(a), [], "A's old volume is left");
    } finally {
      await stack.destroy();
    }
  });

  it("is ended by migrationTimeoutSeconds when B's port drops the stream: the VM runs on A; the next up moves it", async () => {
    const vm = `${tag}-vm2`;
    const stack = new EngineHarness();
    // Free now; B's hypervisor listens there, but a rule drops what A's sends to it.
    const { port, server } = await takePort();
    await closeServer(server);
    const rule = ["INPUT", "-i", "lo", "-p", "tcp", "--dport", String(port), "-j", "DROP"];
    const iptables = (op: "-I" | "-D") => run("iptables", ["-w", op, ...rule]);
    const settings = { migrationPort: port, migrationTimeoutSeconds: 20 };
    let ruled = false;
    try {
      await iptables("-I").catch((err: unknown) => {
        throw new Error(`this test needs iptables on this machine (host A and B share its network): ${String(err)}`);
      });
      ruled = true;
      const first = await stack.up(alone(a, vm, settings));
      assert.deepEqual(first.errors, [], errorsOf(first));
      const uuid = (await virsh(a, ["domuuid", vm])).trim();
      await keepDomainIdsApart(a, b, vm, `${tag}-probe`);

      const t0 = Date.now();
      const failed = await stack.up(alone(b, vm, settings));
      const seconds = (Date.now() - t0) / 1000;
      console.log(`      failed in ${seconds.toFixed(1)} s`);
      // A's libvirt holds the domain while it connects (the kernel retries for about two minutes):
      // with the rule gone its next try meets B's closed port, and A's job ends at once.
      await iptables("-D");
      ruled = false;
      await assertStillOnA(stack, failed, vm, /perform/);
      assert.match(
        errorsOf(failed),
        /not done within the timeout of 20000 ms, and .*:2222 .* answered neither the abort nor the migration/,
      );
      assert.ok(seconds < 60, `the timeout did not end it: ${seconds} s`);
      const retried = await stack.up(alone(b, vm, settings));
      assert.deepEqual(retried.errors, [], errorsOf(retried));
      assert.deepEqual(opsByName(retried), { vm: "update" });
      assert.equal(await domainState(a, vm), undefined, "the VM is left on A");
      assert.equal(await domainState(b, vm), "running");
      assert.equal((await virsh(b, ["domuuid", vm])).trim(), uuid, "the VM on B has another UUID");
    } finally {
      if (ruled) await iptables("-D");
      await stack.destroy();
    }
  });
});
