/**
 * A running UEFI VM with a TPM whose host changes keeps its UEFI variables and
 * its TPM: the live migration carries the firmware's flash (QEMU sends it with
 * the guest's memory and the destination writes it to its NVRAM file) and the
 * TPM's state (QEMU's TPM emulator sends swtpm's blobs). The VM boots OVMF on
 * host A until its shell (OVMF has written its variables then, and libvirt
 * manufactured the TPM), one `up` points it at B, and the NVRAM file and the
 * TPM's state file on B are compared with what A had. Host B's libvirt keeps
 * its files under the test setup's `host-b` folder (its private mounts).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { VirtualMachine } from "../../../provider";
import { EngineHarness, opsByName, stdoutOf, textOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { TestHost, testHosts } from "../support/hosts";
import { keepDomainIdsApart } from "../support/moves";
import { virsh } from "../support/virsh";
import { consoleFolder, waitForConsole } from "../vm/consoleFile";

const { a, b } = testHosts();
const name = `pkvm-ofx-tpm-${process.pid % 100000}`;
/** Where host B's libvirt has what it calls `/var/lib/libvirt` (see scripts/test-hosts: B_ROOT). */
const bRoot = path.resolve(b.guestDir, "..", "host-b");
const onB = (file: string): string => path.join(bRoot, file);
const permall = (uuid: string): string => `/var/lib/libvirt/swtpm/${uuid}/tpm2/tpm2-00.permall`;

/** The bytes two versions of a file differ in (a longer one counts its extra bytes). */
function bytesDiffering(x: Buffer, y: Buffer): number {
  let n = Math.abs(x.length - y.length);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) n++;
  return n;
}

/** The NVRAM file and its template as a domain definition names them. */
function nvramOf(xml: string): { file: string; template: string | undefined } {
  const m = /<nvram(?: template='([^']*)')?[^>]*>([^<]+)<\/nvram>/.exec(xml);
  assert.ok(m?.[2], `no NVRAM file in the definition:\n${xml}`);
  return { file: m[2], template: m[1] };
}

describe("a running UEFI VM with a TPM whose host changes (live migration)", function () {
  this.timeout(900_000);
  const stack = new EngineHarness();
  let dir = "";

  before(() => {
    assert.ok(existsSync(path.join(bRoot, "var/lib/libvirt")), `host B's files are not at ${bRoot}`);
    dir = consoleFolder("hostmigratetpm");
  });

  after(async () => {
    await stack.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps its UEFI variables and its TPM state on B", async () => {
    const log = path.join(dir, "console.log");
    const program = (host: TestHost) => () => {
      const vm = new VirtualMachine("vm", {
        name,
        domainType: host.domainType as "qemu" | "kvm",
        firmware: "uefi",
        memory: "256MiB",
        tpm: {},
        serialConsole: { type: "file", path: log },
        // The UEFI shell ignores ACPI power buttons: a stop is a power-off after this wait.
        shutdownTimeoutSeconds: 3,
        connection: connectionTo(host),
      });
      return { uuid: vm.uuid };
    };
    const first = await stack.up(program(a));
    assert.deepEqual(first.errors, [], JSON.stringify(first.errors));
    const uuid = textOf(first.exports.uuid);
    // OVMF found nothing to boot and runs its shell: its variables are written by now.
    await waitForConsole(log, [/Shell>|UEFI Interactive Shell/], 300_000);
    // The running definition names the file autoselection picked.
    const nvram = nvramOf(await virsh(a, ["dumpxml", name]));
    const varsOnA = readFileSync(nvram.file);
    const tpmOnA = readFileSync(permall(uuid));
    if (nvram.template !== undefined && existsSync(nvram.template)) {
      assert.notDeepEqual(varsOnA, readFileSync(nvram.template), "OVMF wrote no variable on A: nothing to carry");
    }
    await keepDomainIdsApart(a, b, name, `${name}-probe`);

    const moved = await stack.up(program(b));
    console.log(
      stdoutOf(moved)
        .filter((l) => /VirtualMachine/.test(l))
        .map((l) => `      ${l.trim()}`)
        .join("\n"),
    );
    assert.deepEqual(moved.errors, [], JSON.stringify(moved.errors));
    assert.deepEqual(opsByName(moved), { vm: "update" });
    // Not restarted on B: it runs as it did on A (its firmware reads as declared there too).
    assert.ok(!stdoutOf(moved).some((l) => /restarting|shutting down|starting/.test(l)), stdoutOf(moved).join("\n"));
    // Nothing of it left on A: neither its definition nor its NVRAM file nor its TPM state.
    await assert.rejects(virsh(a, ["domstate", name]), "the VM is left on A");
    assert.ok(!existsSync(nvram.file), `A's NVRAM file ${nvram.file} is left`);
    assert.ok(!existsSync(path.dirname(path.dirname(permall(uuid)))), "A's TPM state is left");
    assert.equal((await virsh(b, ["domstate", name])).trim(), "running");
    assert.equal((await virsh(b, ["domuuid", name])).trim(), uuid);

    const varsOnB = readFileSync(onB(nvram.file));
    const varsDiffering = bytesDiffering(varsOnA, varsOnB);
    const tpmOnB = readFileSync(onB(permall(uuid)));
    const tpmDiffering = bytesDiffering(tpmOnA, tpmOnB);
    console.log(
      `      NVRAM: ${varsDiffering} of ${varsOnB.length} bytes differ from A's; TPM state: ${tpmDiffering} of ${tpmOnB.length} bytes differ from A's`,
    );
    assert.equal(varsDiffering, 0, "B's NVRAM file is not A's");
    // A TPM manufactured afresh has new seeds, keys and certificates throughout; the same one differs in its counters only.
    assert.ok(tpmDiffering < tpmOnB.length / 20, `${tpmDiffering} of ${tpmOnB.length} bytes differ: not A's TPM`);

    const again = await stack.up(program(b));
    assert.deepEqual(again.errors, [], JSON.stringify(again.errors));
    assert.deepEqual(opsByName(again), { vm: "same" });
    const down = await stack.destroy();
    assert.deepEqual(down.errors, [], JSON.stringify(down.errors));
    await assert.rejects(virsh(b, ["domstate", name]), "the VM is left on B");
  });
});
