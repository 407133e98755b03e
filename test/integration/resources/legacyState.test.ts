/**
 * A state written by release 0.1, before states recorded the host of each
 * object (`fixtures/legacy-0.1`: a pool, a volume in it, a network and a
 * stopped VM on host A, all reached through the stack's `kvm:*` config, with
 * the objects' definitions as libvirt dumped them then). The objects are put
 * back on host A under the same UUIDs and key, then the stack is run against
 * that state: it plans nothing, records the host on the next `up`, and from
 * then on a change of the configured host is a move, not a silent re-create.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Network, StoragePool, VirtualMachine, Volume } from "../../../provider";
import { EngineHarness, opsByName, stdoutOf, stepOf } from "../../engine";
import { configFor } from "../support/connections";
import { testHosts } from "../support/hosts";
import { virsh } from "../support/virsh";

const { a, b } = testHosts();
const FIXTURE = join(__dirname, "fixtures", "legacy-0.1");
const names = { pool: "pkvm-legacy-pool", vol: "pkvm-legacy-disk.qcow2", net: "pkvm-legacy-net", vm: "pkvm-legacy-vm" };

/** A fixture file, with the test guest's folder of this machine put in. */
const fixture = (file: string): string => readFileSync(join(FIXTURE, file), "utf8").split("@GUEST_DIR@").join(a.guestDir);

/** The program that wrote the fixture, unchanged. */
const program = () => {
  const pool = new StoragePool("pool", { name: names.pool, path: `/var/lib/libvirt/images/${names.pool}` });
  const disk = new Volume("disk", { pool: pool.name, name: names.vol, capacity: "16MiB" });
  const net = new Network("net", { name: names.net, mode: "isolated", bridge: "pkvmlegacy0" });
  new VirtualMachine("vm", {
    name: names.vm,
    domainType: "qemu",
    kernel: `${a.guestDir}/vmlinuz`,
    initrd: `${a.guestDir}/initrd.img`,
    cmdline: "console=ttyS0",
    memory: "96MiB",
    disks: [{ volumeKey: disk.key }],
    networkInterfaces: [{ network: net.name }],
    running: false,
  });
};

/** Runs virsh on host A, feeding `xml` as the file argument's content. */
const virshWithXml = (args: string[], xml: string) => virsh(a, [...args, "/dev/stdin"], { input: xml });

/** Removes the fixture's objects from host A, whatever is left of them. */
async function removeFromA(): Promise<void> {
  const quiet = (args: string[]) => virsh(a, args).catch(() => undefined);
  await quiet(["undefine", names.vm]);
  await quiet(["net-destroy", names.net]);
  await quiet(["net-undefine", names.net]);
  await quiet(["vol-delete", "--pool", names.pool, names.vol]);
  await quiet(["pool-destroy", names.pool]);
  await quiet(["pool-delete", names.pool]);
  await quiet(["pool-undefine", names.pool]);
}

describe("a state written by release 0.1 (no recorded hosts)", function () {
  this.timeout(180_000);
  let stateFile: string;

  before(async () => {
    await removeFromA();
    // The objects as 0.1 left them: same UUIDs, same volume key, same running state and autostart.
    await virshWithXml(["pool-define"], fixture("pool.xml"));
    await virsh(a, ["pool-build", names.pool]);
    await virsh(a, ["pool-start", names.pool]);
    await virsh(a, ["pool-autostart", names.pool]);
    await virsh(a, ["vol-create-as", names.pool, names.vol, "16M", "--format", "qcow2"]);
    await virshWithXml(["net-define"], fixture("net.xml"));
    await virsh(a, ["net-start", names.net]);
    await virsh(a, ["net-autostart", names.net]);
    await virshWithXml(["define"], fixture("vm.xml"));
    stateFile = join(mkdtempSync(join(tmpdir(), "pkvm-legacy-")), "state.json");
    writeFileSync(stateFile, fixture("state.json"));
  });
  after(removeFromA);

  it("plans nothing against the unchanged program, records each object's host on the next up, and then sees a move", async () => {
    const stack = new EngineHarness({ stateFile, config: configFor(a) });
    const recorded = () =>
      Object.fromEntries(stack.state.resources.map((r) => [r.name, (r.inputs.__host as { port?: number } | undefined)?.port ?? "none"]));
    assert.deepEqual(recorded(), { pool: "none", disk: "none", net: "none", vm: "none" });

    const preview = await stack.preview(program);
    assert.deepEqual(preview.errors, []);
    assert.deepEqual(opsByName(preview), { pool: "same", disk: "same", net: "same", vm: "same" });

    const up = await stack.up(program);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { pool: "same", disk: "same", net: "same", vm: "same" });
    assert.deepEqual(recorded(), { pool: a.port, disk: a.port, net: a.port, vm: a.port });
    assert.match(readFileSync(stateFile, "utf8"), new RegExp(`"port": ${a.port}`), "the state file records the host");

    // The stack's configuration now names host B: every object moves, nothing is re-created on A's behalf.
    // The pool, volume and network are replaced there (new object first); the stopped VM moves offline,
    // an update (a VM's host change is a move since onHostChange; it was a replacement in 0.1).
    stack.config = configFor(b);
    const moved = await stack.preview(program);
    assert.deepEqual(moved.errors, []);
    for (const name of ["pool", "disk", "net"]) {
      const step = stepOf(moved, name);
      assert.equal(step?.op, "replace", `${name}: ${JSON.stringify(step)}`);
      assert.ok(step?.replaces?.includes("connection"), `${name} is not replaced for its connection`);
    }
    assert.equal(stepOf(moved, "vm")?.op, "update", JSON.stringify(stepOf(moved, "vm")));
    assert.ok(
      stdoutOf(moved).some((l) => new RegExp(`VirtualMachine "${names.vm}": moves offline from .*:${a.port} .* to .*:${b.port}`).test(l)),
      stdoutOf(moved).join("\n"),
    );
  });
});
