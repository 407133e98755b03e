/**
 * A running VM with a cloud-init seed, live-migrated from host A to host B in
 * one `up`: the seed is a CloudInitDisk whose host changes with the VM, so it
 * is made on B first, and the guest's cdrom on B reads B's seed (a read-only
 * disk is never copied: the new host has its own). Nothing of the stack is
 * left on A; a second run changes nothing; destroy clears B.
 */
import assert from "node:assert/strict";
import { CloudInitDisk, VirtualMachine } from "../../../provider";
import { EngineHarness, opsByName, textOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { TestHost, testHosts } from "../support/hosts";
import { domainState, exists, keepDomainIdsApart } from "../support/moves";
import { virsh } from "../support/virsh";
import { guestBoot } from "../vm/support";

const { a, b } = testHosts();
const tag = `pkvm-seedmv-${process.pid % 100000}`;
const names = { seed: `${tag}-seed.iso`, vm: `${tag}-vm` };

/** The stack on `host`: one seed volume in the default pool and one running VM. */
const program = (host: TestHost) => () => {
  const connection = connectionTo(host);
  const seed = new CloudInitDisk("seed", {
    pool: "default",
    name: names.seed,
    userData: "#cloud-config\n#marker moved-with-its-vm\n",
    metaData: `instance-id: ${names.vm}\n`,
    connection,
  });
  const vm = new VirtualMachine("vm", {
    name: names.vm,
    ...guestBoot(host),
    memory: "96MiB",
    // The test guest's kernel has no AHCI driver: the seed goes on virtio-scsi.
    cloudInit: { disk: seed, bus: "scsi" },
    // After a live migration under software emulation the guest ignores the power button.
    shutdownTimeoutSeconds: 5,
    connection,
  });
  return { seedPath: seed.path, seedSha: seed.sha256, uuid: vm.uuid };
};

/** The files the domain's cdroms read on `host`. */
async function cdromFiles(host: TestHost): Promise<string[]> {
  const xml = await virsh(host, ["dumpxml", names.vm]);
  return [...xml.matchAll(/<disk type='file' device='cdrom'>[\s\S]*?<source file='([^']+)'/g)].map((m) => m[1] ?? "");
}

describe("a running VM with a cloud-init seed whose host changes", function () {
  this.timeout(600_000);
  const stack = new EngineHarness();

  after(async () => {
    await stack.destroy();
  });

  it("is migrated live with its seed made on B first; its cdrom reads B's seed; nothing left on A", async () => {
    const first = await stack.up(program(a));
    assert.deepEqual(first.errors, [], JSON.stringify(first.errors));
    const uuid = textOf(first.exports.uuid);
    assert.deepEqual(await cdromFiles(a), [textOf(first.exports.seedPath)]);

    await keepDomainIdsApart(a, b, names.vm, `${tag}-probe`);
    const moved = await stack.up(program(b));
    assert.deepEqual(moved.errors, [], JSON.stringify(moved.errors));
    assert.deepEqual(opsByName(moved), { seed: "replace", vm: "update" });
    assert.equal(await domainState(b, names.vm), "running");
    assert.equal((await virsh(b, ["domuuid", names.vm])).trim(), uuid, "not the same VM");
    const seedOnB = textOf(moved.exports.seedPath);
    assert.deepEqual(await cdromFiles(b), [seedOnB], "B's guest does not read B's seed");
    assert.equal(textOf(moved.exports.seedSha), textOf(first.exports.seedSha), "the seed's content changed");
    console.log(`      seed on B: ${seedOnB}`);

    assert.equal(await domainState(a, names.vm), undefined, "the VM is still on A");
    assert.equal(await exists(a, ["vol-info", "--pool", "default", names.seed]), false, "the seed is still on A");

    const again = await stack.up(program(b));
    assert.deepEqual(again.errors, [], JSON.stringify(again.errors));
    assert.deepEqual(opsByName(again), { seed: "same", vm: "same" });

    const gone = await stack.destroy();
    assert.deepEqual(gone.errors, [], JSON.stringify(gone.errors));
    assert.equal(await domainState(b, names.vm), undefined, "the VM is still on B");
    assert.equal(await exists(b, ["vol-info", "--pool", "default", names.seed]), false, "the seed is still on B");
  });
});
