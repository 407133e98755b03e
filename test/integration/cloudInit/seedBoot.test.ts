import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import path from "node:path";
import { CloudInitDisk } from "../../../provider";
import { ConnectionPool, DomainRef, LibvirtConnection } from "../../../provider/libvirt";
import { EngineHarness, opsByName, ResourceState, stdoutOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { consoleFolder, waitForConsole } from "../vm/consoleFile";
import { findDomain, natNetwork, since } from "../vm/support";

const { a } = testHosts();
const tag = `pkvm-ci-${process.pid % 100000}`;
const OCTET = 224;

/** The seed program: a NAT network and a CloudInitDisk whose user-data carries `marker`. */
function program(marker: string, filler = "") {
  return () => {
    const net = natNetwork("net", a, OCTET, `${tag}-net`);
    const seed = new CloudInitDisk("seed", {
      pool: "default",
      name: `${tag}-seed.iso`,
      userData: `#cloud-config\n#marker ${marker}\n${filler}`,
      metaData: `instance-id: ${tag}\nlocal-hostname: ${tag}-host\n`,
      connection: connectionTo(a),
    });
    return { net: net.name, key: seed.key, path: seed.path, sha256: seed.sha256 };
  };
}

/**
 * A plain domain defined through our libvirt client, not the VirtualMachine
 * resource, so this file tests the seed alone (the VM's side of a seed is in
 * test/integration/vm/cloudInitVm.test.ts). Its console goes to a file.
 */
function domainXml(seedPath: string, network: string, consoleLog: string): string {
  const dir = a.guestDir;
  return `<domain type='${a.domainType}'>
  <name>${tag}</name>
  <memory unit='MiB'>96</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${dir}/vmlinuz</kernel>
    <initrd>${dir}/initrd.img</initrd>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='${seedPath}'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <interface type='network'><source network='${network}'/><model type='virtio'/></interface>
    <serial type='file'><source path='${consoleLog}'/><target port='0'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
`;
}

/** Waits until the console holds the hostname line and a marker line; returns the guest's lines. */
async function guestLines(file: string): Promise<string[]> {
  const lines = await waitForConsole(file, [/^guest: hostname /, /^guest: #marker /]);
  return lines.filter((l) => l.startsWith("guest: "));
}

describe("CloudInitDisk: a guest reads the seed", function () {
  this.timeout(600_000);
  const stack = new EngineHarness();
  const direct = new ConnectionPool({ idleMs: 100 });
  let conn: LibvirtConnection;
  let consoleDir = "";
  let dom: DomainRef | undefined;

  before(async () => {
    conn = (await direct.acquire(sshEndpoint(a))).connection;
    consoleDir = consoleFolder("console");
    const old = await findDomain(conn, tag);
    if (old) await conn.domains.undefine(old);
  });

  after(async () => {
    const ref = dom ?? (await findDomain(conn, tag));
    if (ref) {
      await conn.domains.destroy(ref).catch(() => undefined);
      await conn.domains.undefine(ref).catch(() => undefined);
    }
    await stack.destroy();
    await direct.closeAll();
    if (consoleDir) rmSync(consoleDir, { recursive: true, force: true });
  });

  const seedState = (): ResourceState | undefined => stack.state.resources.find((r) => r.name === "seed" && !r.pendingDelete);

  async function boot(seedPath: string, network: string, log: string): Promise<string[]> {
    if (dom) {
      // Removed and defined again each boot, so the console goes to a fresh file.
      if (await conn.domains.isActive(dom)) await conn.domains.destroy(dom);
      await conn.domains.undefine(dom);
    }
    dom = await conn.domains.define(domainXml(seedPath, network, log));
    const t0 = Date.now();
    await conn.domains.start(dom);
    const lines = await guestLines(log);
    const seen = lines.filter((l) => /hostname|#marker/.test(l)).map((l) => (l.length > 60 ? `${l.slice(0, 60)}…` : l));
    console.log(`      guest read the seed ${since(t0)} s after start: ${seen.join(" | ")}`);
    return lines;
  }

  it("creates the seed, boots a guest that reads hostname and marker, updates in place, and the guest sees the new marker", async () => {
    const t0 = Date.now();
    const up = await stack.up(program("one"));
    console.log(`      create (network + seed): ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { net: "create", seed: "create" });
    const first = up.exports as { net: string; key: string; path: string; sha256: string };
    assert.match(first.sha256, /^[0-9a-f]{64}$/);
    assert.doesNotMatch(stdoutOf(up).join("\n"), /#marker|cloud-config/, "user-data reached the progress lines");

    const stored = seedState();
    assert.ok(stored, "no seed in state");
    assert.deepEqual(
      ["userData", "connection"].filter((k) => !stored.secretOutputs.includes(k)),
      [],
      "user-data is not secret in state",
    );

    const again = await stack.up(program("one"));
    assert.deepEqual(again.errors, []);
    assert.deepEqual(opsByName(again), { net: "same", seed: "same" });

    const lines1 = await boot(first.path, first.net, path.join(consoleDir, "1.log"));
    assert.ok(lines1.includes(`guest: hostname ${tag}-host`), lines1.join("\n"));
    assert.ok(lines1.includes("guest: #marker one"), lines1.join("\n"));

    const t1 = Date.now();
    const changed = await stack.up(program("two, a longer marker " + "x".repeat(3000)));
    console.log(`      content update: ${since(t1)} s`);
    assert.deepEqual(changed.errors, []);
    assert.equal(opsByName(changed).seed, "update");
    const second = changed.exports as { key: string; path: string; sha256: string };
    assert.equal(second.key, first.key, "the volume was replaced");
    assert.notEqual(second.sha256, first.sha256);
    assert.doesNotMatch(stdoutOf(changed).join("\n"), /#marker/);

    const lines2 = await boot(second.path, first.net, path.join(consoleDir, "2.log"));
    assert.ok(
      lines2.some((l) => l.startsWith("guest: #marker two, a longer marker xxx")),
      lines2.join("\n"),
    );
    assert.ok(!lines2.includes("guest: #marker one"), "the old marker is still there");
  });

  it("rewrites a seed changed on the host behind its back", async () => {
    const before = seedState()!.outputs as { key: string; sha256: string };
    const vol = await conn.volumes.lookupByKey(before.key);
    const up = await conn.volumes.upload(vol, 0n, 4096n);
    await up.write(Buffer.alloc(4096, 0x5a)); // clobbers the system area and part of the descriptors
    await up.finish();
    const t0 = Date.now();
    const run = await stack.up(program("two, a longer marker " + "x".repeat(3000)));
    console.log(`      drift found and repaired: ${since(t0)} s`);
    assert.deepEqual(run.errors, []);
    assert.equal(opsByName(run).seed, "update");
    assert.match(stdoutOf(run).join("\n"), /sha256: is [0-9a-f]{64} on the host/);
    assert.equal((run.exports as { sha256: string }).sha256, before.sha256);
  });

  it("grows the seed while a running VM holds it open, at the same key, and the VM reads it at its next start", async () => {
    assert.ok(dom && (await conn.domains.isActive(dom)), "the guest is not running");
    const before = seedState()!.outputs as { key: string; sizeBytes: number };
    const run = await stack.up(program("three", "# filler\n".repeat(70_000)));
    assert.deepEqual(run.errors, []);
    assert.equal(opsByName(run).seed, "update");
    const after = run.exports as { key: string };
    assert.equal(after.key, before.key);
    const info = await conn.volumes.info(await conn.volumes.lookupByKey(after.key));
    console.log(`      grew from ${before.sizeBytes} to ${info.capacity} bytes under a running VM`);
    assert.ok(info.capacity > BigInt(before.sizeBytes));
    const lines = await boot((run.exports as { path: string }).path, (run.exports as { net: string }).net, path.join(consoleDir, "3.log"));
    assert.ok(lines.includes("guest: #marker three"), lines.join("\n"));
  });
});
