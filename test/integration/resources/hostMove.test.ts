/**
 * Moving a stack to another host: a pool, a volume in it, a network and a
 * running VM on that network booting with that volume, first on host A, then
 * pointed at host B — once through the stack's `kvm:*` configuration, once
 * through the resources' own `connection`. Each move replaces every object
 * naming `connection`, new object first; afterwards nothing of the stack is on
 * A and everything runs on B (virsh on both), a second run plans nothing, and
 * `destroy` clears B without touching A.
 */
import assert from "node:assert/strict";
import type { ConnectionArgs } from "../../../provider";
import { Network, StoragePool, VirtualMachine, Volume } from "../../../provider";
import { EngineHarness, opsByName, RunResult, stepOf } from "../../engine";
import { configFor, connectionTo } from "../support/connections";
import { TestHost, testHosts } from "../support/hosts";
import { domainState, exists, keepDomainIdsApart } from "../support/moves";
import { virsh } from "../support/virsh";
import { guestBoot } from "../vm/support";

const { a, b } = testHosts();
const tag = `pkvm-mv-${process.pid % 100000}`;
const names = { pool: `${tag}-pool`, vol: `${tag}-disk.qcow2`, net: `${tag}-net`, vm: `${tag}-vm` };
const RESOURCES = ["pool", "disk", "net", "vm"];

/** The stack: everything on the host `connection` names, or on the configured one without it. */
const program = (connection?: ConnectionArgs) => () => {
  const pool = new StoragePool("pool", { name: names.pool, path: `/var/lib/libvirt/images/${names.pool}`, connection });
  const disk = new Volume("disk", { pool: pool.name, name: names.vol, capacity: "16MiB", connection });
  // No bridge name: the hosts share this machine's network namespace, and each must pick a free one.
  const net = new Network("net", { name: names.net, mode: "isolated", connection });
  new VirtualMachine("vm", {
    name: names.vm,
    ...guestBoot(a),
    memory: "96MiB",
    disks: [{ volumeKey: disk.key }],
    networkInterfaces: [{ network: net.name }],
    shutdownTimeoutSeconds: 5,
    // Replaced like the rest: a live migration instead is hostMigrate.test.ts's.
    onHostChange: "replace",
    connection,
  });
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

/** Asserts a run moved every object, naming `connection`, each new object first. */
function assertMoved(run: RunResult): void {
  assert.deepEqual(run.errors, [], JSON.stringify(run.errors));
  for (const name of RESOURCES) {
    const step = stepOf(run, name);
    assert.equal(step?.op, "replace", `${name}: ${JSON.stringify(step)}`);
    assert.deepEqual(step?.replaces, ["connection"], name);
    assert.equal(step?.deleteBeforeReplace, false, `${name} was deleted before its replacement was made`);
  }
}

describe("a stack moved to another host", function () {
  this.timeout(300_000);

  for (const by of ["the stack's kvm: configuration", "the resources' connection"] as const) {
    it(`by ${by}: replaced on B, nothing left on A, then nothing to do; destroy leaves A alone`, async () => {
      const viaConfig = by === "the stack's kvm: configuration";
      const stack = new EngineHarness(viaConfig ? { config: configFor(a) } : {});
      const on = (host: TestHost) => (viaConfig ? program() : program(connectionTo(host)));
      try {
        const first = await stack.up(on(a));
        assert.deepEqual(first.errors, [], JSON.stringify(first.errors));
        assert.deepEqual(await onHost(a), EVERYTHING);
        assert.deepEqual(await onHost(b), NOTHING);
        await keepDomainIdsApart(a, b, names.vm, `${tag}-probe`);

        if (viaConfig) stack.config = configFor(b);
        const preview = await stack.preview(on(b));
        assertMoved(preview);
        const up = await stack.up(on(b));
        assertMoved(up);
        assert.deepEqual(await onHost(a), NOTHING, "something of the stack is left on A");
        assert.deepEqual(await onHost(b), EVERYTHING);
        for (const r of stack.state.resources) {
          assert.equal((r.outputs.hostIdentity as { port?: number } | undefined)?.port, b.port, `${r.name} does not record host B`);
        }

        const again = await stack.up(on(b));
        assert.deepEqual(again.errors, []);
        assert.deepEqual(opsByName(again), { pool: "same", disk: "same", net: "same", vm: "same" });

        // A network of the same name on A, made by hand: destroy must go to B only.
        await virsh(a, ["net-define", "/dev/stdin"], { input: `<network><name>${names.net}</name></network>` });
        const down = await stack.destroy();
        assert.deepEqual(down.errors, []);
        assert.deepEqual(await onHost(b), NOTHING);
        assert.deepEqual(await onHost(a), { ...NOTHING, net: true }, "destroy touched host A");
      } finally {
        await virsh(a, ["net-undefine", names.net]).catch(() => undefined);
        await stack.destroy();
      }
    });
  }
});
