import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { VirtualMachine } from "../../../provider";
import { ConnectionPool, LibvirtConnection } from "../../../provider/libvirt";
import { EngineHarness, opsByName, stdoutOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { definitions, findDomain, since, tag } from "./support";

const { a } = testHosts();
const name = tag("uefi");

interface Variant {
  firmware?: "bios" | "uefi";
  description?: string;
  maxMemory?: string;
}

/** A UEFI VM with nothing to boot: OVMF ends in its shell, which is enough to run. */
function program(v: Variant = {}) {
  return () => {
    const vm = new VirtualMachine("uefi", {
      name,
      domainType: a.domainType as "qemu" | "kvm",
      firmware: v.firmware ?? "uefi",
      memory: "256MiB",
      maxMemory: v.maxMemory ?? "256MiB",
      running: true,
      // The UEFI shell ignores ACPI power buttons: a stop is a power-off after this wait.
      shutdownTimeoutSeconds: 3,
      description: v.description ?? "UEFI guest",
      connection: connectionTo(a),
    });
    return { uuid: vm.uuid, state: vm.state };
  };
}

// Host A's libvirtd shares this machine's file system, so the NVRAM file is checked in place.
describe("VirtualMachine with UEFI firmware through the engine on host A", function () {
  this.timeout(600_000);
  const stack = new EngineHarness();
  const direct = new ConnectionPool({ idleMs: 100 });
  let conn: LibvirtConnection;
  let nvram = "";
  let inode = 0;

  before(async () => {
    conn = (await direct.acquire(sshEndpoint(a))).connection;
  });

  after(async () => {
    await stack.destroy();
    await direct.closeAll();
  });

  it("defines and starts the VM on OVMF with its own NVRAM file, and a second run changes nothing", async () => {
    const t0 = Date.now();
    const up = await stack.up(program());
    console.log(`      create (UEFI, q35, to running): ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { uefi: "create" });
    assert.equal((up.exports as { state: string }).state, "running");

    const { config, running } = await definitions(conn, name);
    assert.equal(config.os?.firmware, "efi");
    assert.match(config.os?.machine ?? "", /q35/);
    assert.equal(config.features?.acpi, true);
    assert.ok(running, "the VM is not running");
    assert.equal(running.os?.loader?.type, "pflash");
    assert.match(running.os?.loader?.path ?? "", /OVMF_CODE/);
    // Secure boot was asked off, so the host picked a build without enrolled keys.
    assert.doesNotMatch(running.os?.loader?.path ?? "", /secboot|\.ms\.|snakeoil/);
    nvram = running.os?.nvram?.path ?? "";
    assert.match(nvram, new RegExp(`/${name}_VARS\\.fd$`));
    assert.match(running.os?.nvram?.template ?? "", /OVMF_VARS/);
    assert.ok(existsSync(nvram), `no NVRAM file at ${nvram}`);
    inode = statSync(nvram).ino;
    console.log(`      NVRAM: ${nvram} (inode ${inode}, loader ${running.os?.loader?.path})`);

    const t1 = Date.now();
    const again = await stack.up(program());
    console.log(`      no-change run: ${since(t1)} s`);
    assert.deepEqual(again.errors, []);
    assert.deepEqual(opsByName(again), { uefi: "same" });
    assert.deepEqual(
      again.calls.filter((c) => ["Create", "Update", "Delete"].includes(c.method)),
      [],
    );
  });

  it("keeps the NVRAM file through an update that rewrites the definition and restarts the VM", async () => {
    const changed = { description: "UEFI guest, updated", maxMemory: "320MiB" };
    const t0 = Date.now();
    const up = await stack.up(program(changed));
    console.log(`      update (description live, maxMemory by redefinition and restart): ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { uefi: "update" });

    const { config, running } = await definitions(conn, name);
    assert.equal(config.description, changed.description);
    assert.equal(config.memory?.value, 320 * 1024);
    assert.ok(running, "the VM did not come back after the restart");
    assert.equal(running.os?.nvram?.path, nvram);
    assert.ok(existsSync(nvram), "the NVRAM file is gone after the update");
    assert.equal(statSync(nvram).ino, inode, "the NVRAM file was replaced");

    const t1 = Date.now();
    const again = await stack.up(program(changed));
    console.log(`      no-change run after the update: ${since(t1)} s`);
    assert.deepEqual(again.errors, []);
    assert.deepEqual(opsByName(again), { uefi: "same" });
  });

  it("replaces the VM for a firmware change, and the diff names firmware", async () => {
    const preview = await stack.preview(program({ firmware: "bios", description: "UEFI guest, updated", maxMemory: "320MiB" }));
    assert.deepEqual(preview.errors, []);
    const step = preview.steps.find((s) => s.name === "uefi");
    assert.equal(step?.op, "replace");
    assert.deepEqual(step?.replaces, ["firmware"]);
    assert.match(stdoutOf(preview).join("\n"), /must be replaced: firmware cannot change in place/);
  });

  it("removes the domain and its NVRAM file on destroy", async () => {
    const t0 = Date.now();
    const down = await stack.destroy();
    console.log(`      destroy: ${since(t0)} s`);
    assert.deepEqual(down.errors, []);
    assert.equal(await findDomain(conn, name), undefined);
    assert.ok(!existsSync(nvram), `the NVRAM file is left at ${nvram}`);
  });
});
