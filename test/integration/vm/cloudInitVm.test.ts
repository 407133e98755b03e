import assert from "node:assert/strict";
import { CloudInitDisk, VirtualMachine } from "../../../provider";
import { opsByName, stdoutOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { testHosts } from "../support/hosts";
import { consoleLines, waitForConsole } from "./consoleFile";
import { consoleVmSuite, definitions, guestBoot, natNetwork, since, tag } from "./support";

const { a } = testHosts();
const name = tag("seed");
const OCTET = 203;

/**
 * A network, a CloudInitDisk carrying `marker`, and a VM that boots the test
 * guest with that seed and its serial console in `log`.
 */
function program(marker: string, log: string, updatePolicy: "restart" | "manual" = "restart", filler = "") {
  return () => {
    const net = natNetwork("net", a, OCTET, `${name}-net`);
    const seed = new CloudInitDisk("seed", {
      pool: "default",
      name: `${name}-seed.iso`,
      userData: `#cloud-config\n#marker ${marker}\n${filler}`,
      metaData: `instance-id: ${name}\nlocal-hostname: ${name}-host\n`,
      connection: connectionTo(a),
    });
    const vm = new VirtualMachine("vm", {
      name,
      ...guestBoot(a),
      memory: "160MiB",
      networkInterfaces: [{ network: net.name }],
      // The test guest's kernel has no AHCI driver: the seed goes on virtio-scsi.
      cloudInit: { disk: seed, bus: "scsi" },
      serialConsole: { type: "file", path: log },
      waitForIp: { timeoutSeconds: 120 },
      updatePolicy,
      shutdownTimeoutSeconds: 30,
    });
    return { sha256: seed.sha256, ip: vm.ipAddresses, pendingRestart: vm.pendingRestart };
  };
}

describe("VirtualMachine with a CloudInitDisk through the engine on host A", function () {
  this.timeout(600_000);
  const suite = consoleVmSuite(a, "seedvm");
  const { stack } = suite;

  it("boots the guest, which prints the seed's hostname and marker on the console the VM writes to a file", async () => {
    const t0 = Date.now();
    const up = await stack.up(program("one", suite.log));
    console.log(`      create (network, seed, VM to its lease): ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { net: "create", seed: "create", vm: "create" });
    const lines = await waitForConsole(suite.log, [new RegExp(`^guest: hostname ${name}-host$`), /^guest: #marker one$/]);
    console.log(`      console: ${lines.filter((l) => /^guest: (hostname|#marker|lease)/.test(l)).join(" | ")}`);

    const again = await stack.up(program("one", suite.log));
    assert.deepEqual(again.errors, []);
    assert.deepEqual(opsByName(again), { net: "same", seed: "same", vm: "same" });
  });

  // The new user-data outgrows the seed's volume: it is rewritten at the same key while the VM holds the old one open.
  const BIG = "# filler\n".repeat(70_000);

  it("a changed user-data rewrites the seed, restarts the VM, and the guest prints the new marker", async () => {
    const before = await definitions(suite.conn, name);
    const preview = await stack.preview(program("two", suite.log, "restart", BIG));
    assert.deepEqual(preview.errors, []);
    assert.equal(preview.steps.find((s) => s.name === "seed")?.op, "update");
    assert.equal(preview.steps.find((s) => s.name === "vm")?.op, "update");

    const t0 = Date.now();
    const up = await stack.up(program("two", suite.log, "restart", BIG));
    console.log(`      update (seed rewritten, VM restarted to its lease): ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { net: "same", seed: "update", vm: "update" });
    assert.ok(
      stdoutOf(up).some((l) => /restarting to apply cloudInit/.test(l)),
      `no restart for the new seed:\n${stdoutOf(up).join("\n")}`,
    );
    const lines = await waitForConsole(suite.log, [/^guest: #marker two$/]);
    // The console file starts afresh with each start: the old marker is gone.
    assert.ok(!lines.includes("guest: #marker one"), lines.join("\n"));
    const after = await definitions(suite.conn, name);
    assert.notEqual(after.running?.id, before.running?.id, "the VM was not restarted");
    assert.equal((up.exports as { pendingRestart: boolean }).pendingRestart, false);
    assert.deepEqual(opsByName(await stack.up(program("two", suite.log, "restart", BIG))), { net: "same", seed: "same", vm: "same" });
  });

  it('with updatePolicy "manual" a new seed leaves the guest running and sets pendingRestart', async () => {
    await stack.up(program("two", suite.log, "manual", BIG));
    const before = await definitions(suite.conn, name);
    const up = await stack.up(program("three", suite.log, "manual", BIG));
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { net: "same", seed: "update", vm: "update" });
    assert.equal((up.exports as { pendingRestart: boolean }).pendingRestart, true);
    const after = await definitions(suite.conn, name);
    assert.equal(after.running?.id, before.running?.id, "the VM was restarted");
    assert.ok(!consoleLines(suite.log).includes("guest: #marker three"), "the guest saw the new seed without a restart");
    // Still pending, and stable: nothing to do until someone restarts it.
    const again = await stack.up(program("three", suite.log, "manual", BIG));
    assert.deepEqual(opsByName(again), { net: "same", seed: "same", vm: "same" });
    assert.equal((again.exports as { pendingRestart: boolean }).pendingRestart, true);
  });
});
