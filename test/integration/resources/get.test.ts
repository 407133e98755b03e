/**
 * `get`: a network and a volume made by hand with virsh on host A are read by id, feed a VM
 * the stack manages, and stay on the host when the stack is destroyed.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Network, VirtualMachine, Volume } from "../../../provider";
import { EngineHarness, callsOf, opsByName, stepOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { testHosts } from "../support/hosts";
import { tryVirsh, virsh } from "../support/virsh";
import { guestBoot } from "../vm/support";

const { a } = testHosts();
const tag = `pkvm-get-${process.pid % 100000}`;
const names = { net: `${tag}-net`, vol: `${tag}.qcow2`, vm: `${tag}-vm` };
/** Both test hosts share this machine's network namespace: a bridge and a subnet no other test uses. */
const OCTET = 231;
const bridge = `pkget${process.pid % 100000}`;

const netXml = `<network>
  <name>${names.net}</name>
  <bridge name='${bridge}'/>
  <ip address='192.168.${OCTET}.1' prefix='24'/>
</network>`;

/** Removes what the test made on host A, whatever is left of it. */
async function removeFromA(): Promise<void> {
  await tryVirsh(a, ["destroy", names.vm]);
  await tryVirsh(a, ["undefine", names.vm]);
  await tryVirsh(a, ["net-destroy", names.net]);
  await tryVirsh(a, ["net-undefine", names.net]);
  await tryVirsh(a, ["vol-delete", "--pool", "default", names.vol]);
}

/** Whether virsh finds the object (`dominfo`, `net-info`, `vol-info --pool default`). */
const exists = async (args: string[]): Promise<boolean> => (await tryVirsh(a, args)) !== undefined;

describe("get: existing objects read by id, never managed, through the engine on host A", function () {
  this.timeout(600_000);
  const stack = new EngineHarness();
  let netUuid = "";
  let volKey = "";

  before(async () => {
    await removeFromA();
    await virsh(a, ["net-define", "/dev/stdin"], { input: netXml });
    await virsh(a, ["net-start", names.net]);
    await virsh(a, ["vol-create-as", "default", names.vol, "4M", "--format", "qcow2"]);
    netUuid = (await virsh(a, ["net-uuid", names.net])).trim();
    volKey = (await virsh(a, ["vol-key", "--pool", "default", names.vol])).trim();
  });

  after(async () => {
    await stack.destroy();
    await removeFromA();
  });

  const program = () => {
    const connection = connectionTo(a);
    const net = Network.get("net", netUuid, { connection });
    const vol = Volume.get("vol", volKey, { connection });
    const vm = new VirtualMachine("vm", {
      name: names.vm,
      ...guestBoot(a),
      memory: "80MiB",
      networkInterfaces: [{ network: net.name }],
      disks: [{ volumeKey: vol.key }],
    });
    return { net: [net.name, net.uuid, net.bridge, net.mode, net.active], vol: [vol.key, vol.path, vol.format], vm: vm.state };
  };

  it("reads a network and a volume made by hand, feeds a VM with them, and leaves them on the host at destroy", async () => {
    let t0 = Date.now();
    const preview = await stack.preview(program);
    console.log(`      preview: ${Date.now() - t0} ms`);
    assert.deepEqual(preview.errors, []);
    assert.deepEqual(opsByName(preview), { net: "read", vol: "read", vm: "create" });

    t0 = Date.now();
    const up = await stack.up(program);
    console.log(`      up (two reads, the VM created): ${Date.now() - t0} ms`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { net: "read", vol: "read", vm: "create" });
    assert.deepEqual(up.exports, {
      net: [names.net, netUuid, bridge, "isolated", true],
      vol: [volKey, volKey, "qcow2"],
      vm: "running",
    });
    const record = (name: string) => stack.state.resources.find((r) => r.name === name)!;
    assert.deepEqual([record("net").id, record("net").external], [netUuid, true]);
    assert.deepEqual([record("vol").id, record("vol").external, record("vol").outputs.pool], [volKey, true, "default"]);
    assert.deepEqual(record("net").outputs.hostIdentity, { host: a.host, port: a.port, user: a.user, uri: a.uri });
    assert.match(await virsh(a, ["domiflist", names.vm]), new RegExp(`\\b${names.net}\\b`));
    assert.ok((await virsh(a, ["domblklist", names.vm])).includes(volKey), "the VM does not use the volume");

    const again = await stack.up(program);
    assert.deepEqual(again.errors, []);
    assert.deepEqual(opsByName(again), { net: "read", vol: "read", vm: "same" });
    assert.deepEqual(callsOf(again.calls, "Update"), []);

    // A refresh reads them on the host recorded, and finds nothing changed.
    const refresh = await stack.refresh();
    assert.deepEqual(refresh.errors, []);
    for (const name of ["net", "vol"]) assert.deepEqual(stepOf(refresh, name)?.changes, [], name);

    t0 = Date.now();
    const down = await stack.destroy();
    console.log(`      destroy: ${Date.now() - t0} ms`);
    assert.deepEqual(down.errors, []);
    assert.deepEqual(
      callsOf(down.calls, "Delete").map((c) => c.name),
      ["vm"],
    );
    assert.deepEqual(stack.state.resources, []);
    assert.equal(await exists(["dominfo", names.vm]), false, "the VM is still there");
    assert.equal(await exists(["net-info", names.net]), true, "the network was deleted");
    assert.match(await virsh(a, ["net-info", names.net]), /Active:\s+yes/);
    assert.equal(await exists(["vol-info", "--pool", "default", names.vol]), true, "the volume was deleted");
  });

  it("reads a VM and a network by name as the objects a managed stack made, and changes nothing", async () => {
    const managed = await stack.up(program);
    assert.deepEqual(managed.errors, []);
    const vm = stack.state.resources.find((r) => r.name === "vm")!;

    const reader = new EngineHarness();
    const up = await reader.up(() => {
      const connection = connectionTo(a);
      const got = VirtualMachine.get("vm", names.vm, { connection });
      const net = Network.get("net", names.net, { connection });
      return { vm: [got.uuid, got.state, got.macAddresses, got.pendingRestart], net: net.uuid };
    });
    assert.deepEqual(up.errors, []);
    assert.deepEqual(up.exports, { vm: [vm.id, vm.outputs.state, vm.outputs.macAddresses, false], net: netUuid });
    // The program's `id` is the name it gave; the state keeps the id the read found.
    assert.deepEqual(Object.fromEntries(reader.state.resources.map((r) => [r.name, r.id])), { vm: vm.id, net: netUuid });
    const refresh = await reader.refresh();
    assert.deepEqual([refresh.errors, stepOf(refresh, "vm")?.changes], [[], []]);
    const down = await reader.destroy();
    assert.deepEqual([down.errors, callsOf(down.calls, "Delete")], [[], []]);
    assert.equal(await exists(["dominfo", names.vm]), true, "forgetting a VM read by name deleted it");
  });

  it("fails a get of an id that does not exist, naming the kind, the id and the host", async () => {
    const ghost = randomUUID();
    const ghostVolume = `/var/lib/libvirt/images/${tag}-missing.qcow2`;
    const up = await new EngineHarness({ continueOnError: true }).up(() => {
      const connection = connectionTo(a);
      Network.get("ghost", ghost, { connection });
      Volume.get("ghostVol", ghostVolume, { connection });
    });
    const host = `${a.user}@${a.host}:${a.port} ${a.uri}`;
    assert.equal(stepOf(up, "ghost")?.error, `Network ${ghost}: does not exist on ${host} (looked up by UUID or name)`);
    assert.equal(stepOf(up, "ghostVol")?.error, `Volume ${ghostVolume}: does not exist on ${host} (looked up by key or path)`);
  });
});
