import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { VirtualMachine, Volume } from "../../../provider";
import { EngineHarness, opsByName } from "../../engine";
import { connectionTo } from "../support/connections";
import { testHosts } from "../support/hosts";
import { consoleFolder, waitForConsole } from "./consoleFile";
import { natNetwork, since, tag } from "./support";

const { a } = testHosts();
const name = tag("overlay");
const OCTET = 204;

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * The test guest's bootable disk uploaded as a raw base volume, a qcow2
 * overlay on it, and a VM that boots from the overlay (no direct kernel
 * boot). The disk's boot entry asks the guest to write a stamp near the end
 * of its boot disk: a write that must land in the overlay only.
 */
function program(diskImage: string, log: string) {
  return () => {
    const c = connectionTo(a);
    const net = natNetwork("net", a, OCTET, `${name}-net`);
    const base = new Volume("base", {
      pool: "default",
      name: `${name}-base.raw`,
      format: "raw",
      source: { localPath: diskImage },
      connection: c,
    });
    const overlay = new Volume("overlay", { pool: "default", name: `${name}.qcow2`, source: { backingVolume: base.key }, connection: c });
    const vm = new VirtualMachine("vm", {
      name,
      domainType: a.domainType as "qemu" | "kvm",
      memory: "160MiB",
      disks: [{ volumeKey: overlay.key, bootOrder: 1 }],
      networkInterfaces: [{ network: net.name }],
      serialConsole: { type: "file", path: log },
      waitForIp: { timeoutSeconds: 180 },
      shutdownTimeoutSeconds: 30,
      connection: c,
    });
    return { basePath: base.path, baseSha: base.sha256, overlayPath: overlay.path, ip: vm.ipAddresses };
  };
}

// Host A's libvirtd shares this machine's file system: the volumes are read in place.
describe("VirtualMachine booting from a copy-on-write overlay through the engine on host A", function () {
  this.timeout(600_000);
  const stack = new EngineHarness();
  let dir = "";

  before(() => {
    dir = consoleFolder("overlay");
  });

  after(async () => {
    await stack.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("boots the guest from an overlay on the uploaded base; the guest's write lands in the overlay and the base's checksum is unchanged", async () => {
    const diskImage = path.join(a.guestDir, "disk.img");
    const imageSha = await sha256Of(diskImage);
    const log = path.join(dir, "console.log");

    const t0 = Date.now();
    const up = await stack.up(program(diskImage, log));
    console.log(`      create (base upload, overlay, VM booted by SeaBIOS to its lease): ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { net: "create", base: "create", overlay: "create", vm: "create" });
    const out = up.exports as { basePath: string; baseSha: string; overlayPath: string; ip: string[] };
    assert.equal(out.baseSha, imageSha, "the upload's checksum is not the image's");
    assert.match(out.ip[0] ?? "", new RegExp(`^192\\.168\\.${OCTET}\\.`));

    const lines = await waitForConsole(log, [/^guest: boot$/, /^guest: stamped \/dev\/vda$/, /^guest: lease /]);
    console.log(`      console: ${lines.filter((l) => /^guest: (stamped|lease)/.test(l)).join(" | ")}`);

    // The overlay holds the stamp (read while the VM runs: -U shares the image lock).
    const flat = path.join(dir, "overlay.raw");
    execFileSync("qemu-img", ["convert", "-U", "-O", "raw", out.overlayPath, flat]);
    const tail = readFileSync(flat)
      .subarray(-1024 * 1024)
      .toString("latin1");
    assert.match(tail, /pkvm-stamp /, "the guest's write is not in the overlay");
    const info = JSON.parse(execFileSync("qemu-img", ["info", "-U", "--output=json", out.overlayPath], { encoding: "utf8" })) as {
      format: string;
      "backing-filename"?: string;
    };
    assert.equal(info.format, "qcow2");
    assert.equal(info["backing-filename"], out.basePath);

    const after = await sha256Of(out.basePath);
    console.log(`      base sha256 before ${imageSha.slice(0, 16)}…, after boot and write ${after.slice(0, 16)}…`);
    assert.equal(after, imageSha, "the base volume changed");

    const again = await stack.up(program(diskImage, log));
    assert.deepEqual(opsByName(again), { net: "same", base: "same", overlay: "same", vm: "same" });
  });
});
