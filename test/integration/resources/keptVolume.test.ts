/**
 * A Volume the program deletes while a VM on its host still uses it is kept:
 * the state forgets it, the host keeps it, and the domain records it in its
 * metadata; deleting that VM deletes it. The VM here is stopped and names the
 * volume by its key as plain text, so Pulumi sees no dependency and deletes
 * the Volume while the VM stays (as it deletes the old host's volume of a VM
 * whose move failed, before the VM moves).
 */
import assert from "node:assert/strict";
import { StoragePool, VirtualMachine, Volume } from "../../../provider";
import { KEPT_VOLUMES_NAMESPACE } from "../../../provider/xml";
import { EngineHarness, RunResult, stdoutOf, stepOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { testHosts } from "../support/hosts";
import { virsh } from "../support/virsh";
import { domainState, volumesIn } from "../support/moves";

const { a } = testHosts();
const tag = `pkvm-kept-${process.pid % 100000}`;
const vm = `${tag}-vm`;
const volumeName = `${tag}-disk.raw`;

/** The stack on A: the pool, and the volume and/or a stopped VM whose disk is the volume's `key`. */
const program = (parts: { volume?: boolean; vmOn?: string; vcpus?: number }) => (): void => {
  const connection = connectionTo(a);
  const pool = new StoragePool("pool", { name: `${tag}-pool`, path: `/var/lib/libvirt/images/${tag}-pool`, connection });
  if (parts.volume) new Volume("disk", { pool: pool.name, name: volumeName, format: "raw", capacity: "8MiB", connection });
  if (parts.vmOn !== undefined) {
    new VirtualMachine(
      "vm",
      {
        name: vm,
        domainType: a.domainType as "qemu" | "kvm",
        memory: "64MiB",
        vcpus: parts.vcpus ?? 1,
        running: false,
        disks: [{ volumeKey: parts.vmOn }],
        connection,
      },
      { dependsOn: pool },
    );
  }
};

/** The errors of a run, one JSON line each. */
const errorsOf = (r: RunResult): string => r.errors.map((e) => JSON.stringify(e)).join("\n");

/** The volumes of the test's pool on A. */
const volumesOnA = (): Promise<string[]> => volumesIn(a, `${tag}-pool`);

describe("a Volume deleted while a VM on its host uses it", function () {
  this.timeout(300_000);

  it("is kept and recorded on the VM, and deleted when the VM is deleted", async () => {
    const stack = new EngineHarness();
    try {
      const first = await stack.up(program({ volume: true }));
      assert.deepEqual(first.errors, [], errorsOf(first));
      const key = stack.state.resources.find((r) => r.name === "disk")?.outputs.key;
      assert.equal(typeof key, "string");

      // The VM comes, the Volume goes from the program: it is deleted at the end of the run, under the VM.
      const kept = await stack.up(program({ vmOn: key as string }));
      assert.deepEqual(kept.errors, [], errorsOf(kept));
      assert.equal(stepOf(kept, "disk")?.op, "delete");
      const out = stdoutOf(kept).join("\n");
      assert.match(
        out,
        new RegExp(`Volume "${volumeName}": kept on .*: VirtualMachine ${vm} still uses it; it is deleted when ${vm} leaves this host`),
        out,
      );
      assert.deepEqual(
        stack.state.resources.map((r) => r.name),
        ["pool", "vm"],
        "the state still records the volume",
      );
      assert.deepEqual(await volumesOnA(), [volumeName], "the volume is gone from under the VM");
      assert.equal(await domainState(a, vm), "shut off");
      const definition = await virsh(a, ["dumpxml", "--inactive", vm]);
      assert.match(definition, new RegExp(`xmlns:kept="${KEPT_VOLUMES_NAMESPACE}"`), definition);
      assert.ok(definition.includes(`key="${key as string}"`), definition);

      // A new definition of the VM keeps the record.
      const updated = await stack.up(program({ vmOn: key as string, vcpus: 2 }));
      assert.deepEqual(updated.errors, [], errorsOf(updated));
      assert.equal(stepOf(updated, "vm")?.op, "update");
      assert.ok((await virsh(a, ["dumpxml", "--inactive", vm])).includes(`key="${key as string}"`));

      const gone = await stack.up(program({}));
      assert.deepEqual(gone.errors, [], errorsOf(gone));
      assert.equal(stepOf(gone, "vm")?.op, "delete");
      const goneOut = stdoutOf(gone).join("\n");
      assert.match(goneOut, new RegExp(`VirtualMachine "${vm}": deleted volume ${tag}-pool/${volumeName} kept for it on `), goneOut);
      assert.equal(await domainState(a, vm), undefined);
      assert.deepEqual(await volumesOnA(), [], "the kept volume is left");
    } finally {
      // What a failed assertion may leave: the VM, the kept volume (the pool is not deleted while it has one).
      await virsh(a, ["undefine", vm]).catch(() => undefined);
      await virsh(a, ["vol-delete", "--pool", `${tag}-pool`, volumeName]).catch(() => undefined);
      await stack.destroy();
    }
  });
});
