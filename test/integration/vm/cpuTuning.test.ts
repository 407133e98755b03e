/**
 * CPU topology and vCPU pinning of a running VM through the engine on host
 * A (two host CPUs): pins changed and withdrawn live (same domain id), a
 * topology change restarted. The VM has no disk and no kernel: only its
 * firmware runs, which is all pinning and topology need, so no guest boots.
 */
import assert from "node:assert/strict";
import { VirtualMachine, VirtualMachineArgs } from "../../../provider";
import { ConnectionPool, DomainModificationImpact, LibvirtConnection } from "../../../provider/libvirt";
import { Domain, parseCpuset } from "../../../provider/xml";
import { EngineHarness, opsByName, stdoutOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { definitions, since, tag } from "./support";

const { a } = testHosts();
const name = tag("cpu");

/** The VM with two vCPUs and the given topology and pins. */
const program = (cpu: VirtualMachineArgs["cpu"], vcpuPinning: VirtualMachineArgs["vcpuPinning"]) => () => {
  const vm = new VirtualMachine("vm", {
    name,
    domainType: a.domainType as "qemu" | "kvm",
    memory: "64MiB",
    vcpus: 2,
    cpu,
    vcpuPinning,
    guestAgent: false,
    // Nothing in the guest answers ACPI: a restart powers it off at once.
    shutdownTimeoutSeconds: 0,
    connection: connectionTo(a),
  });
  return { state: vm.state };
};

/** Each vCPU's host CPUs in a reading, as sets spelled ascending (`"0,1"`); unpinned vCPUs absent. */
function pinsOf(dom: Domain): Record<number, string> {
  const out: Record<number, string> = {};
  for (const p of dom.cputune?.vcpupins ?? []) {
    const parsed = parseCpuset(p.cpuset);
    out[p.vcpu] = "cpus" in parsed ? parsed.cpus.join(",") : `unreadable ${p.cpuset}`;
  }
  return out;
}

describe("VirtualMachine CPU topology and vCPU pinning through the engine on host A", function () {
  this.timeout(600_000);
  const stack = new EngineHarness();
  const direct = new ConnectionPool({ idleMs: 100 });
  let conn: LibvirtConnection;
  let firstId: number | undefined;

  before(async () => {
    conn = (await direct.acquire(sshEndpoint(a))).connection;
    assert.ok((await conn.onlineCpus()).length >= 2, "host A needs two CPUs to pin to");
  });

  after(async () => {
    await stack.destroy();
    await direct.closeAll();
  });

  it("creates a running VM with a 1×2×1 topology and each vCPU pinned; the definitions show both; a second run is same", async () => {
    const t0 = Date.now();
    const up = await stack.up(program({ sockets: 1, cores: 2, threads: 1 }, { 0: "0", 1: "1" }));
    console.log(`      create: ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { vm: "create" });
    const { config, running } = await definitions(conn, name);
    assert.ok(running, "the VM is not running");
    firstId = running.id;
    for (const dom of [config, running]) {
      assert.deepEqual([dom.cpu?.topology?.sockets, dom.cpu?.topology?.cores, dom.cpu?.topology?.threads], [1, 2, 1]);
      assert.deepEqual(pinsOf(dom), { 0: "0", 1: "1" });
    }
    assert.deepEqual(opsByName(await stack.up(program({ sockets: 1, cores: 2, threads: 1 }, { 0: "0", 1: "1" }))), { vm: "same" });
  });

  it("changes the pins on the running VM without a restart (same domain id), in both definitions; a second run is same", async () => {
    const next = program({ sockets: 1, cores: 2, threads: 1 }, { 0: "0,1", 1: "0" });
    const up = await stack.up(next);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { vm: "update" });
    assert.ok(
      stdoutOf(up).some((l) => /vcpuPinning\[0\]: applied live/.test(l)),
      stdoutOf(up).join("\n"),
    );
    assert.ok(!stdoutOf(up).some((l) => /restarting|writing the new definition/.test(l)), stdoutOf(up).join("\n"));
    const { config, running } = await definitions(conn, name);
    assert.ok(running, "the VM is not running");
    assert.equal(running.id, firstId, "the VM was restarted");
    assert.deepEqual(pinsOf(running), { 0: "0,1", 1: "0" });
    assert.deepEqual(pinsOf(config), { 0: "0,1", 1: "0" });
    assert.deepEqual(opsByName(await stack.up(next)), { vm: "same" });
  });

  it("previews a pin changed by hand as drift of vcpuPinning and puts it back live (same domain id)", async () => {
    const next = program({ sockets: 1, cores: 2, threads: 1 }, { 0: "0,1", 1: "0" });
    const ref = await conn.domains.lookupByName(name);
    await conn.domains.pinVcpu(ref, 1, [1], DomainModificationImpact.Live | DomainModificationImpact.Config);
    const preview = await stack.preview(next);
    assert.deepEqual(preview.errors, []);
    assert.equal(preview.steps.find((s) => s.name === "vm")?.op, "update");
    const lines = stdoutOf(preview).filter((l) => l.includes("vcpuPinning[1]"));
    assert.ok(
      lines.some((l) => /applied live/.test(l)),
      `no drift line names vcpuPinning[1]:\n${stdoutOf(preview).join("\n")}`,
    );
    console.log(`      ${lines[0]}`);
    const up = await stack.up(next);
    assert.deepEqual(up.errors, []);
    const { config, running } = await definitions(conn, name);
    assert.ok(running, "the VM is not running");
    assert.equal(running.id, firstId, "the VM was restarted");
    assert.deepEqual([pinsOf(running)[1], pinsOf(config)[1]], ["0", "0"]);
  });

  it("undoes a pin the program withdraws live: the vCPU may run on every host CPU again; a second run is same", async () => {
    const next = program({ sockets: 1, cores: 2, threads: 1 }, { 0: "1" });
    const up = await stack.up(next);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { vm: "update" });
    assert.ok(
      stdoutOf(up).some((l) => /vcpuPinning\[1\]: applied live/.test(l)),
      stdoutOf(up).join("\n"),
    );
    const { config, running } = await definitions(conn, name);
    assert.ok(running, "the VM is not running");
    assert.equal(running.id, firstId, "the VM was restarted");
    const every = (await conn.onlineCpus()).join(",");
    for (const dom of [running, config]) {
      const pins = pinsOf(dom);
      assert.equal(pins[0], "1");
      // libvirt keeps an undone pin as one on every CPU (or drops it).
      assert.ok(pins[1] === undefined || pins[1] === every, JSON.stringify(pins));
    }
    assert.deepEqual(opsByName(await stack.up(next)), { vm: "same" });
  });

  it("restarts the VM for a new topology (updatePolicy restart): a new domain id, the topology in both definitions; a second run is same", async () => {
    const next = program({ sockets: 2, cores: 1, threads: 1 }, { 0: "1" });
    const t0 = Date.now();
    const up = await stack.up(next);
    console.log(`      topology change: ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { vm: "update" });
    const { config, running } = await definitions(conn, name);
    assert.ok(running, "the VM is not running");
    assert.notEqual(running.id, firstId, "the VM was not restarted");
    for (const dom of [config, running]) assert.deepEqual([dom.cpu?.topology?.sockets, dom.cpu?.topology?.cores], [2, 1]);
    assert.equal(pinsOf(running)[0], "1");
    assert.deepEqual(opsByName(await stack.up(next)), { vm: "same" });
  });
});
