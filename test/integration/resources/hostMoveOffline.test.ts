/**
 * A stopped VM whose host changes moves offline (issue 17's second
 * acceptance point): a qcow2 `Volume` holding the test guest's boot disk, the
 * guest booted on host A until it stamped its disk, then stopped; the stack's
 * host changed to B in one `up`. The VM is defined on B with the same UUID and
 * stays stopped, its disk on B is byte for byte the one A had (SHA-256 of the
 * whole volume), nothing of the stack is left on A, a second run plans
 * nothing, destroy clears B. The image file the `Volume` names is rebuilt
 * between the two runs with preallocated metadata (the same guest disk, a far
 * longer file), so B's new volume starts longer than A's: the copy must leave
 * B's file as long as A's, not keep B's tail. (Declaring another source with
 * the move would replace the volume old-first, before the VM could copy it.)
 * Then a stopped UEFI VM with a TPM, whose move is
 * refused in the diff (an offline move cannot carry its NVRAM and TPM state)
 * until `onHostChange: "replace"` asks for a new VM on B.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { StoragePool, VirtualMachine, Volume } from "../../../provider";
import { ConnectionPool } from "../../../provider/libvirt";
import { EngineHarness, opsByName, stdoutOf, stepOf, textOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import { TestHost, testHosts } from "../support/hosts";
import { virsh } from "../support/virsh";
import { consoleFolder, waitForConsole } from "../vm/consoleFile";

const { a, b } = testHosts();
const tag = `pkvm-ofx-${process.pid % 100000}`;
const names = { pool: `${tag}-pool`, vol: `${tag}-disk.qcow2`, vm: `${tag}-vm`, uefi: `${tag}-uefi` };

const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");
/** The guest's stamp (`pkvm-stamp HOSTNAME UPTIME`) anywhere in a qcow2 file: its data clusters are stored as written. */
const stampIn = (file: Buffer): string | undefined => /pkvm-stamp [^\n\0]*/.exec(file.toString("latin1"))?.[0];
/** Whether virsh on `host` answers `args` (false: it found no such object). */
const found = (host: TestHost, args: string[]): Promise<boolean> =>
  virsh(host, args).then(
    () => true,
    () => false,
  );

describe("a stopped VM whose host changes (offline move)", function () {
  this.timeout(900_000);
  const pool = new ConnectionPool({ idleMs: 100 });
  let dir = "";

  before(() => {
    dir = consoleFolder("hostoffline");
  });

  after(async () => {
    await pool.closeAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("moves a stamped qcow2 disk to B byte for byte (B's longer file cut to A's length); nothing left on A", async () => {
    const stack = new EngineHarness();
    const log = path.join(dir, "console.log");
    // The guest image as a compact qcow2 file for A's volume; rebuilt before the move with preallocated metadata.
    const guestImage = path.join(a.guestDir, "disk.img");
    const image = path.join(dir, "disk.qcow2");
    execFileSync("qemu-img", ["convert", "-O", "qcow2", guestImage, image]);
    const compact = readFileSync(image);
    const program = (host: TestHost, running: boolean) => () => {
      const connection = connectionTo(host);
      const pool1 = new StoragePool("pool", { name: names.pool, path: `/var/lib/libvirt/images/${names.pool}`, connection });
      const disk = new Volume("disk", { pool: pool1.name, name: names.vol, format: "qcow2", source: { localPath: image }, connection });
      const vm = new VirtualMachine("vm", {
        name: names.vm,
        domainType: host.domainType as "qemu" | "kvm",
        memory: "160MiB",
        // Booted from the disk by SeaBIOS: the guest then stamps it.
        disks: [{ volumeKey: disk.key, bootOrder: 1 }],
        serialConsole: { type: "file", path: log },
        running,
        shutdownTimeoutSeconds: 120,
        connection,
      });
      return { diskPath: disk.path, uuid: vm.uuid };
    };
    try {
      const first = await stack.up(program(a, true));
      assert.deepEqual(first.errors, [], JSON.stringify(first.errors));
      await waitForConsole(log, [/^guest: stamped \/dev\/vda$/, /^guest: ready/], 300_000);
      const stopped = await stack.up(program(a, false));
      assert.deepEqual(stopped.errors, [], JSON.stringify(stopped.errors));
      assert.equal((await virsh(a, ["domstate", names.vm])).trim(), "shut off");
      const uuid = textOf(stopped.exports.uuid);
      // Host A is this machine: its volume's file is read in place.
      const onA = readFileSync(textOf(stopped.exports.diskPath));
      const before = sha256(onA);
      const stamp = stampIn(onA);
      assert.ok(stamp !== undefined, `the guest's stamp is not in A's volume (${onA.length} bytes)`);
      assert.equal(stampIn(compact), undefined, "the image itself holds a stamp");
      execFileSync("qemu-img", ["convert", "-O", "qcow2", "-o", "preallocation=metadata", guestImage, image]);
      const longer = statSync(image).size;
      assert.ok(longer > onA.length, `the rebuilt image (${longer} bytes) is not longer than A's volume (${onA.length})`);
      console.log(`      A's volume: ${onA.length} bytes, sha256 ${before}; image for B: ${longer} bytes; ${stamp}`);

      const preview = await stack.preview(program(b, false));
      assert.deepEqual(preview.errors, [], JSON.stringify(preview.errors));
      assert.equal(stepOf(preview, "vm")?.op, "update", JSON.stringify(stepOf(preview, "vm")));
      assert.ok(
        // The preview counts what the copy streams: A's file, as long as it is.
        stdoutOf(preview).some((l) =>
          new RegExp(
            `VirtualMachine .*: moves offline from .*:2222 .* to .*:2223 .*, copying 1 disk, ${(onA.length / 1024 / 1024).toFixed(1)} MiB`,
          ).test(l),
        ),
        stdoutOf(preview).join("\n"),
      );

      const t0 = Date.now();
      const moved = await stack.up(program(b, false));
      const lines = stdoutOf(moved);
      console.log(`      moved in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      console.log(
        lines
          .filter((l) => /VirtualMachine/.test(l))
          .map((l) => `      ${l.trim()}`)
          .join("\n"),
      );
      assert.deepEqual(moved.errors, [], JSON.stringify(moved.errors));
      assert.deepEqual(opsByName(moved), { pool: "replace", disk: "replace", vm: "update" });
      assert.equal(stepOf(moved, "disk")?.deleteBeforeReplace, false, "A's volume was deleted before the VM's move");
      assert.ok(
        lines.some((l) => l.includes(`sha256 ${before} on both hosts`)),
        lines.join("\n"),
      );
      assert.equal((await virsh(b, ["domstate", names.vm])).trim(), "shut off");
      assert.equal((await virsh(b, ["domuuid", names.vm])).trim(), uuid, "the VM on B has another UUID");
      assert.equal(textOf(moved.exports.uuid), uuid);
      assert.equal(await found(a, ["domstate", names.vm]), false, "the VM is left on A");
      assert.equal(await found(a, ["pool-info", names.pool]), false, "the pool is left on A");
      assert.equal(await found(a, ["vol-info", textOf(stopped.exports.diskPath)]), false, "the volume is left on A");

      // B's volume, all of it as B's libvirt serves it, is A's: same length, same SHA-256, the stamp in it.
      const connB = (await pool.acquire(sshEndpoint(b))).connection;
      const volB = await connB.volumes.lookupByPath(textOf(moved.exports.diskPath));
      const chunks: Buffer[] = [];
      for await (const c of await connB.volumes.download(volB)) chunks.push(Buffer.from(c as Uint8Array));
      const onB = Buffer.concat(chunks);
      assert.equal(onB.length, onA.length, "B's volume is not as long as A's");
      assert.equal(sha256(onB), before);
      assert.equal(stampIn(onB), stamp);
      assert.match(await virsh(b, ["vol-dumpxml", textOf(moved.exports.diskPath)]), /<format type='qcow2'\/>/);

      const again = await stack.up(program(b, false));
      assert.deepEqual(again.errors, [], JSON.stringify(again.errors));
      assert.deepEqual(opsByName(again), { pool: "same", disk: "same", vm: "same" });

      const down = await stack.destroy();
      assert.deepEqual(down.errors, [], JSON.stringify(down.errors));
      assert.equal(await found(b, ["domstate", names.vm]), false, "the VM is left on B");
      assert.equal(await found(b, ["pool-info", names.pool]), false, "the pool is left on B");
      assert.equal(await found(a, ["domstate", names.vm]), false);
    } finally {
      await stack.destroy();
    }
  });

  it("refuses in the diff to move a stopped UEFI VM with a TPM offline, naming the ways out; replacing it works", async () => {
    const stack = new EngineHarness();
    const program = (host: TestHost, onHostChange?: "replace") => () => {
      const vm = new VirtualMachine("uefi", {
        name: names.uefi,
        domainType: host.domainType as "qemu" | "kvm",
        firmware: "uefi",
        memory: "128MiB",
        tpm: {},
        running: false,
        ...(onHostChange ? { onHostChange } : {}),
        connection: connectionTo(host),
      });
      return { uuid: vm.uuid };
    };
    try {
      const first = await stack.up(program(a));
      assert.deepEqual(first.errors, [], JSON.stringify(first.errors));

      const refusal = new RegExp(
        `VirtualMachine ${names.uefi}.*is stopped and keeps UEFI variables \\(NVRAM\\) and TPM state on its host, which an offline move cannot carry: ` +
          `start it on its current host first \\(running: true\\), then change its host.*onHostChange: \\\\?"replace\\\\?"`,
      );
      const preview = await stack.preview(program(b));
      const previewErrors = preview.errors.map((e) => JSON.stringify(e)).join("\n");
      console.log(`      ${previewErrors.slice(0, 500)}`);
      assert.match(previewErrors, refusal);
      const up = await stack.up(program(b));
      assert.match(up.errors.map((e) => JSON.stringify(e)).join("\n"), refusal);
      // Refused before anything was touched: still on A, stopped, UEFI; nothing on B; the state at A.
      assert.equal((await virsh(a, ["domstate", names.uefi])).trim(), "shut off");
      assert.match(await virsh(a, ["dumpxml", "--inactive", names.uefi]), /<os firmware='efi'>/);
      assert.equal(await found(b, ["domstate", names.uefi]), false, "something of the VM is on B");
      const stored = stack.state.resources.find((r) => r.name === "uefi");
      assert.equal((stored?.outputs.hostIdentity as { port?: number } | undefined)?.port, a.port, "the state no longer records A");

      // The way out without a start: a new VM on B, the old one gone from A.
      const replaced = await stack.up(program(b, "replace"));
      assert.deepEqual(replaced.errors, [], JSON.stringify(replaced.errors));
      assert.deepEqual(opsByName(replaced), { uefi: "replace" });
      assert.equal((await virsh(b, ["domstate", names.uefi])).trim(), "shut off");
      assert.equal(await found(a, ["domstate", names.uefi]), false, "the VM is left on A");
      const down = await stack.destroy();
      assert.deepEqual(down.errors, [], JSON.stringify(down.errors));
      assert.equal(await found(b, ["domstate", names.uefi]), false, "the VM is left on B");
    } finally {
      await stack.destroy();
    }
  });
});
