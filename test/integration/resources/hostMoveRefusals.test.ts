/**
 * A host move that cannot work is refused before either host is touched: a
 * stopped VM on host A whose disk is a volume of A's own dir pool, pointed at
 * host B while its Volume stays on A (so the disk names a volume B does not
 * have, and there is nothing on B to copy it into). The preview fails naming
 * the disk, the volume's key and the way out; an `up` fails the same way; the
 * VM, its pool and its volume are still on A as they were, and B got nothing.
 * The VM never runs: the refusal is about storage, not the guest.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { StoragePool, VirtualMachine, Volume } from "../../../provider";
import { EngineHarness, opsByName, stepOf, textOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { TestHost, testHosts } from "../support/hosts";
import { virsh } from "../support/virsh";
import { consoleFolder } from "../vm/consoleFile";
import { guestBoot } from "../vm/support";

const { a, b } = testHosts();
const tag = `pkvm-mp-${process.pid % 100000}`;
const n = { pool: `${tag}-pool`, vol: `${tag}-disk.raw`, vm: `${tag}-vm` };

describe("a VM move that cannot work is refused before either host is touched", function () {
  this.timeout(300_000);
  const stack = new EngineHarness();
  let dir = "";

  before(() => {
    dir = consoleFolder("hostmoverefusals");
  });

  after(async () => {
    await stack.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a disk on A's own storage with no volume on B: the preview and the up fail naming it, nothing changes on A or B", async () => {
    const image = path.join(dir, "disk.raw");
    writeFileSync(image, randomBytes(4 * 1024 * 1024));
    // The pool and the volume stay on A; only the VM's connection names `vmHost`.
    const program = (vmHost: TestHost) => () => {
      const connection = connectionTo(a);
      const pool = new StoragePool("pool", { name: n.pool, path: `/var/lib/libvirt/images/${n.pool}`, connection });
      const disk = new Volume("disk", { pool: pool.name, name: n.vol, format: "raw", source: { localPath: image }, connection });
      const vm = new VirtualMachine("vm", {
        name: n.vm,
        ...guestBoot(vmHost),
        memory: "96MiB",
        disks: [{ volumeKey: disk.key }],
        running: false,
        connection: connectionTo(vmHost),
      });
      return { key: disk.key, diskPath: disk.path, uuid: vm.uuid };
    };
    const first = await stack.up(program(a));
    assert.deepEqual(first.errors, [], JSON.stringify(first.errors));
    const uuid = textOf(first.exports.uuid);
    const key = textOf(first.exports.key);
    const sha256 = () =>
      createHash("sha256")
        .update(readFileSync(textOf(first.exports.diskPath)))
        .digest("hex");
    const before = { xml: await virsh(a, ["dumpxml", "--inactive", n.vm]), disk: sha256() };

    const refusal = new RegExp(
      `VirtualMachine ${n.vm}: cannot move from .*:2222 .* to .*:2223 .*: disks\\[0\\]\\.volumeKey: disk vda is on storage only .*:2222 .* has ` +
        `\\(pool "${n.pool}"\\) and .*:2223 .* has no volume with key "${key.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}": declare a Volume on the new host`,
    );
    const preview = await stack.preview(program(b));
    // The VM's step fails, and with it the program's registration of the VM: both with the refusal.
    assert.deepEqual(
      preview.errors.map((e) => e.source),
      ["step", "program"],
      JSON.stringify(preview.errors),
    );
    for (const e of preview.errors) assert.match(e.message, refusal);

    const up = await stack.up(program(b));
    // The VM's step fails, and with it the program's registration of the VM: both with the refusal.
    assert.deepEqual(
      up.errors.map((e) => e.source),
      ["step", "program"],
      JSON.stringify(up.errors),
    );
    for (const e of up.errors) assert.match(e.message, refusal);
    // The diff failed: the VM was neither updated nor replaced, the pool and the volume left as they were.
    assert.deepEqual(opsByName(up), { pool: "same", disk: "same", vm: "same" });
    assert.match(stepOf(up, "vm")?.error ?? "", refusal);

    // A: the VM as it was (same definition, stopped), its volume's bytes unchanged; B: nothing.
    assert.equal((await virsh(a, ["domstate", n.vm])).trim(), "shut off");
    assert.equal((await virsh(a, ["domuuid", n.vm])).trim(), uuid);
    assert.equal(await virsh(a, ["dumpxml", "--inactive", n.vm]), before.xml);
    assert.equal(sha256(), before.disk);
    await assert.rejects(virsh(b, ["domstate", n.vm]), "B got the VM");
    await assert.rejects(virsh(b, ["pool-info", n.pool]), "B got the pool");

    // The state still has the VM on A: staying there plans nothing.
    const again = await stack.up(program(a));
    assert.deepEqual(again.errors, [], JSON.stringify(again.errors));
    assert.deepEqual(opsByName(again), { pool: "same", disk: "same", vm: "same" });
  });
});
