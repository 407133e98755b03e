import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { VirtualMachine, VirtualMachineTpmArgs } from "../../../provider";
import { ConnectionPool, LibvirtConnection } from "../../../provider/libvirt";
import { devicesOf, Domain, Tpm } from "../../../provider/xml";
import { EngineHarness, opsByName } from "../../engine";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { definitions, findDomain, since, tag } from "./support";

const { a } = testHosts();
const name = tag("tpm");

/** Where libvirt keeps a domain's swtpm state and swtpm's log on host A (this machine). */
const stateDir = (uuid: string) => `/var/lib/libvirt/swtpm/${uuid}`;
const permall = (uuid: string) => `${stateDir(uuid)}/tpm2/tpm2-00.permall`;
const swtpmLog = (vm: string) => `/var/log/swtpm/libvirt/qemu/${vm}-swtpm.log`;

/** How many times libvirt ran swtpm_setup for the VM: it does so only when the VM has no TPM state yet. */
function manufactures(vm: string): number {
  return existsSync(swtpmLog(vm)) ? (readFileSync(swtpmLog(vm), "utf8").match(/Starting vTPM manufacturing/g) ?? []).length : 0;
}

/** Whether an swtpm process runs on the VM's state folder. */
function swtpmRunsFor(uuid: string): boolean {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .some((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        return /(^|\/)swtpm$/.test(args[0] ?? "") && args.some((x) => x.includes(`dir=${stateDir(uuid)}/tpm2`));
      } catch {
        return false; // the process ended meanwhile
      }
    });
}

/** The bytes two versions of a file differ in (a longer one counts its extra bytes). */
function bytesDiffering(x: Buffer, y: Buffer): number {
  let n = Math.abs(x.length - y.length);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) n++;
  return n;
}

const tpmOf = (dom: Domain | undefined): Tpm | undefined => (dom ? devicesOf(dom.devices, "tpm")[0] : undefined);

/** A UEFI VM with a TPM and nothing to boot: OVMF starts the TPM and ends in its shell. */
function program(maxMemory = "256MiB", tpm: VirtualMachineTpmArgs = {}) {
  return () => {
    const vm = new VirtualMachine("tpm", {
      name,
      domainType: a.domainType as "qemu" | "kvm",
      firmware: "uefi",
      memory: "256MiB",
      maxMemory,
      tpm,
      // The UEFI shell ignores ACPI power buttons: a stop is a power-off after this wait.
      shutdownTimeoutSeconds: 3,
      connection: connectionTo(a),
    });
    return { uuid: vm.uuid, state: vm.state };
  };
}

/** One VM per TPM config, whose definitions must read back without a difference; only the one keeping its state is started. */
const CONFIGS: {
  key: string;
  firmware: "bios" | "uefi";
  tpm: VirtualMachineTpmArgs;
  running: boolean;
  model: string;
  persistent: boolean | undefined;
}[] = [
  { key: "bios-default", firmware: "bios", tpm: {}, running: false, model: "tpm-tis", persistent: undefined },
  {
    key: "bios-crb-kept",
    firmware: "bios",
    tpm: { model: "crb", persistentState: true },
    running: true,
    model: "tpm-crb",
    persistent: true,
  },
  { key: "uefi-tis", firmware: "uefi", tpm: { model: "tis", version: "2.0" }, running: false, model: "tpm-tis", persistent: undefined },
];

function configsProgram() {
  return () => {
    for (const c of CONFIGS) {
      new VirtualMachine(c.key, {
        name: `${name}-${c.key}`,
        domainType: a.domainType as "qemu" | "kvm",
        firmware: c.firmware,
        memory: "128MiB",
        running: c.running,
        // SeaBIOS with nothing to boot ignores ACPI power buttons: a stop is a power-off after this wait.
        shutdownTimeoutSeconds: 3,
        tpm: c.tpm,
        connection: connectionTo(a),
      });
    }
    return {};
  };
}

// Host A's libvirtd shares this machine's file system, so swtpm's state, process and log are checked in place.
describe("VirtualMachine with a TPM through the engine on host A", function () {
  this.timeout(600_000);
  const stack = new EngineHarness();
  const configs = new EngineHarness();
  const direct = new ConnectionPool({ idleMs: 100 });
  let conn: LibvirtConnection;
  let uuid = "";
  let firstState = Buffer.alloc(0);
  let made = 0;

  before(async () => {
    conn = (await direct.acquire(sshEndpoint(a))).connection;
  });

  after(async () => {
    await configs.destroy();
    await stack.destroy();
    await direct.closeAll();
  });

  it("boots a UEFI VM with an emulated TPM 2.0 (CRB by default), and a second run changes nothing", async () => {
    const t0 = Date.now();
    const up = await stack.up(program());
    console.log(`      create (UEFI with a TPM, to running): ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { tpm: "create" });
    uuid = (up.exports as { uuid: string }).uuid;

    const { config, running } = await definitions(conn, name);
    // libvirt writes the declared persistent_state='no' (its default) as no attribute.
    assert.deepEqual(tpmOf(config), { kind: "tpm", model: "tpm-crb", backend: { type: "emulator", version: "2.0" } });
    assert.ok(running, "the VM is not running");
    assert.equal(tpmOf(running)?.model, "tpm-crb");
    assert.equal(tpmOf(running)?.backend?.type, "emulator");
    assert.equal(tpmOf(running)?.backend?.version, "2.0");
    assert.equal(running.os?.loader?.type, "pflash", "not booted under OVMF");
    assert.ok(swtpmRunsFor(uuid), `no swtpm process on ${stateDir(uuid)}`);
    assert.ok(existsSync(permall(uuid)), `no TPM state at ${permall(uuid)}`);
    firstState = readFileSync(permall(uuid));
    made = manufactures(name);
    assert.ok(made >= 1, `swtpm_setup did not log a manufacture in ${swtpmLog(name)}`);
    console.log(`      TPM state: ${permall(uuid)} (${firstState.length} bytes)`);

    const t1 = Date.now();
    const again = await stack.up(program());
    console.log(`      no-change run: ${since(t1)} s`);
    assert.deepEqual(again.errors, []);
    assert.deepEqual(opsByName(again), { tpm: "same" });
  });

  it("previews a TPM model change as an update naming tpm", async () => {
    const preview = await stack.preview(program("256MiB", { model: "tis" }));
    assert.deepEqual(preview.errors, []);
    const step = preview.steps.find((s) => s.name === "tpm");
    assert.equal(step?.op, "update");
    assert.deepEqual(step?.changes, ["tpm"]);
  });

  it("keeps the TPM state through an update that restarts the VM", async () => {
    const t0 = Date.now();
    const up = await stack.up(program("320MiB"));
    console.log(`      update (maxMemory, by redefinition and restart): ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { tpm: "update" });
    const { config, running } = await definitions(conn, name);
    assert.equal(config.memory?.value, 320 * 1024);
    assert.ok(running, "the VM did not come back after the restart");
    assert.equal(running.memory?.value, 320 * 1024, "the running VM did not restart into the new definition");
    assert.equal(tpmOf(running)?.model, "tpm-crb");
    assert.ok(swtpmRunsFor(uuid), "no swtpm process after the restart");

    // swtpm rewrites the file (a new one renamed over it) whenever the TPM's own counters move, as
    // at each start: neither inode nor hash survives a boot. The same TPM does: libvirt did not
    // manufacture a new one (it does only where no state exists), and all but the counters are the
    // bytes it had; a new TPM has fresh seeds, keys and certificates throughout.
    assert.ok(existsSync(permall(uuid)), "the TPM state is gone after the update");
    const after = readFileSync(permall(uuid));
    assert.equal(manufactures(name), made, "libvirt manufactured a new TPM: the state was not kept");
    const differing = bytesDiffering(firstState, after);
    console.log(`      TPM state after the restart: ${differing} of ${after.length} bytes differ (the TPM's counters)`);
    assert.ok(differing < after.length / 20, `${differing} of ${after.length} bytes differ: not the same TPM`);

    const again = await stack.up(program("320MiB"));
    assert.deepEqual(again.errors, []);
    assert.deepEqual(opsByName(again), { tpm: "same" });
  });

  it("defines each TPM config so that it reads back without a difference; persistentState keeps the state past delete", async () => {
    const up = await configs.up(configsProgram());
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), Object.fromEntries(CONFIGS.map((c) => [c.key, "create"])));
    let kept = "";
    for (const c of CONFIGS) {
      const { ref, config, running } = await definitions(conn, `${name}-${c.key}`);
      for (const dom of c.running ? [config, running] : [config]) {
        assert.equal(tpmOf(dom)?.model, c.model, c.key);
        assert.equal(tpmOf(dom)?.backend?.persistentState, c.persistent, c.key);
      }
      if (c.running) kept = stateDir(ref.uuid);
    }
    assert.ok(existsSync(`${kept}/tpm2/tpm2-00.permall`), `no TPM state at ${kept}`);
    const again = await configs.up(configsProgram());
    assert.deepEqual(again.errors, []);
    assert.deepEqual(opsByName(again), Object.fromEntries(CONFIGS.map((c) => [c.key, "same"])));
    try {
      const down = await configs.destroy();
      assert.deepEqual(down.errors, []);
      assert.ok(existsSync(`${kept}/tpm2/tpm2-00.permall`), "persistentState: the TPM state was removed with the VM");
    } finally {
      // Kept on purpose by the VM's delete: nothing else would remove it.
      rmSync(kept, { recursive: true, force: true });
    }
  });

  it("removes the domain and its TPM state on destroy", async () => {
    const t0 = Date.now();
    const down = await stack.destroy();
    console.log(`      destroy: ${since(t0)} s`);
    assert.deepEqual(down.errors, []);
    assert.equal(await findDomain(conn, name), undefined);
    assert.ok(!existsSync(stateDir(uuid)), `the TPM state is left at ${stateDir(uuid)}`);
    assert.ok(!swtpmRunsFor(uuid), "swtpm still runs");
  });
});
