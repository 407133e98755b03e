import assert from "node:assert/strict";
import { VirtualMachine } from "../../../provider";
import { ConnectionPool, LibvirtConnection } from "../../../provider/libvirt";
import { EngineHarness, opsByName, stdoutOf } from "../../engine";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { findDomain, guestBoot, tag } from "./support";

const { a } = testHosts();

describe("VirtualMachine failures: failed creates, guests deaf to ACPI, VMs already gone", function () {
  this.timeout(300_000);
  const direct = new ConnectionPool({ idleMs: 100 });
  let connA: LibvirtConnection;
  const stacks: EngineHarness[] = [];
  /** A stack that is destroyed after the tests, whatever they left. */
  const newStack = (): EngineHarness => {
    const stack = new EngineHarness();
    stacks.push(stack);
    return stack;
  };

  before(async () => {
    connA = (await direct.acquire(sshEndpoint(a))).connection;
  });
  after(async () => {
    for (const stack of stacks) await stack.destroy();
    await direct.closeAll();
  });

  it("a start that fails (missing kernel) leaves no defined domain behind and nothing in state", async () => {
    const name = tag("-nokernel");
    const stack = newStack();
    const up = await stack.up(() => {
      new VirtualMachine("broken", { name, ...guestBoot(a), kernel: "/nonexistent/vmlinuz", memory: "80MiB" });
    });
    const failed = up.errors.filter((e) => e.source === "step");
    assert.equal(failed.length, 1, JSON.stringify(up.errors));
    assert.match(failed[0].message, /nonexistent\/vmlinuz/);
    const lines = stdoutOf(up).join("\n");
    assert.match(lines, /defining[\s\S]*starting[\s\S]*undoing the definition/);
    assert.equal(await findDomain(connA, name), undefined, "the failed VM is still defined");
    assert.deepEqual(
      stack.state.resources.map((r) => r.name),
      [],
      "state kept a VM that does not exist",
    );
  });

  it("a waitForIp that times out fails the create, but the VM stays and state keeps it (partial create)", async () => {
    const name = tag("-noip");
    const stack = newStack();
    // The test guest has no QEMU agent, so no address ever comes from it.
    const program = () => {
      new VirtualMachine("silent", {
        name,
        ...guestBoot(a),
        memory: "80MiB",
        waitForIp: { source: "agent", timeoutSeconds: 3 },
        shutdownTimeoutSeconds: 5,
      });
    };
    const up = await stack.up(program);
    const failed = up.errors.filter((e) => e.source === "step");
    assert.equal(failed.length, 1, JSON.stringify(up.errors));
    assert.match(failed[0].message, /waitForIp: no address from the guest agent within 3 s/);
    const ref = await findDomain(connA, name);
    assert.ok(ref, "the VM was removed");
    const kept = stack.state.resources.find((r) => r.name === "silent");
    assert.equal(kept?.id, ref.uuid, "state does not keep the VM by its UUID");
    assert.ok(kept?.initErrors?.length, "not recorded as a partial create");
    // The next run takes it over (it runs, as declared), and destroy removes it.
    const again = await stack.up(program);
    assert.deepEqual(again.errors, []);
    assert.equal(opsByName(again).silent, "update");
    assert.deepEqual((await stack.destroy()).errors, []);
    assert.equal(await findDomain(connA, name), undefined);
  });

  it("a guest that ignores the shutdown request is powered off after shutdownTimeoutSeconds", async () => {
    const name = tag("-deaf");
    const stack = newStack();
    // No kernel and no disk: the firmware finds nothing to boot and no OS ever answers ACPI.
    const up = await stack.up(() => {
      new VirtualMachine("deaf", {
        name,
        ...guestBoot(a),
        kernel: undefined,
        initrd: undefined,
        cmdline: undefined,
        memory: "32MiB",
        shutdownTimeoutSeconds: 2,
      });
    });
    assert.deepEqual(up.errors, []);
    const t0 = Date.now();
    const down = await stack.destroy();
    assert.deepEqual(down.errors, []);
    assert.match(
      stdoutOf(down).join("\n"),
      /shutting down \(waiting up to 2 s\)[\s\S]*it did not shut down within 2 s: powering it off[\s\S]*undefining/,
    );
    assert.ok(Date.now() - t0 < 15_000, "the stop hung");
    assert.equal(await findDomain(connA, name), undefined);
  });

  it("deleting a VM that is already gone succeeds", async () => {
    const name = tag("-gone");
    const stack = newStack();
    const up = await stack.up(() => {
      new VirtualMachine("gone", { name, ...guestBoot(a), memory: "80MiB", running: false });
    });
    assert.deepEqual(up.errors, []);
    const ref = await findDomain(connA, name);
    assert.ok(ref);
    await connA.domains.undefine(ref);
    assert.deepEqual((await stack.destroy()).errors, []);
  });
});
