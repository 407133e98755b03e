/**
 * The ground the other integration tests stand on: two real hypervisors,
 * reached over SSH as the test user, isolated from each other, each able to run
 * a NAT network and a guest that takes a DHCP lease, at the same time.
 *
 * Talks to the hosts only through OpenSSH + virsh (support/virsh.ts), never
 * through the product's own code.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { testHosts, type TestHost } from "./support/hosts";
import { runRemote, tryVirsh, virsh } from "./support/virsh";

const LEASE_LIMIT_S = 60;
/** Polling goes on past the limit, so a slow lease is reported with its time. */
const LEASE_GIVE_UP_S = 120;

/** What one host is given, and what it did. */
interface HostRun {
  host: TestHost;
  network: string;
  bridge: string;
  subnet: string;
  domain: string;
  consoleLog: string;
  startSeconds?: number;
  lease?: { ip: string; seconds: number };
  consoleLines?: string[];
  error?: unknown;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/'/g, "&apos;").replace(/"/g, "&quot;");
}

function networkXml(r: HostRun): string {
  return `<network>
  <name>${xmlEscape(r.network)}</name>
  <forward mode='nat'/>
  <bridge name='${xmlEscape(r.bridge)}' stp='on' delay='0'/>
  <ip address='${r.subnet}.1' netmask='255.255.255.0'>
    <dhcp><range start='${r.subnet}.100' end='${r.subnet}.199'/></dhcp>
  </ip>
</network>
`;
}

/**
 * The tiny guest of scripts/guest-image, booted directly from its kernel and
 * initramfs, with its serial console written to a file the test reads (a path
 * outside /var/log/libvirt, which host B has its own copy of).
 */
function domainXml(r: HostRun): string {
  const dir = r.host.guestDir;
  return `<domain type='${xmlEscape(r.host.domainType)}'>
  <name>${xmlEscape(r.domain)}</name>
  <memory unit='MiB'>96</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
    <kernel>${xmlEscape(path.posix.join(dir, "vmlinuz"))}</kernel>
    <initrd>${xmlEscape(path.posix.join(dir, "initrd.img"))}</initrd>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <interface type='network'>
      <source network='${xmlEscape(r.network)}'/>
      <model type='virtio'/>
    </interface>
    <serial type='file'>
      <source path='${xmlEscape(r.consoleLog)}'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readConsole(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** The guest's own lines ("guest: …") from its serial console log. */
function guestLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/^.*?(?=guest: )/, ""))
    .filter((l) => l.startsWith("guest: "));
}

async function removeAll(r: HostRun): Promise<void> {
  await tryVirsh(r.host, ["destroy", r.domain]);
  await tryVirsh(r.host, ["undefine", r.domain]);
  await tryVirsh(r.host, ["net-destroy", r.network]);
  await tryVirsh(r.host, ["net-undefine", r.network]);
}

/** Network up, guest started, lease awaited, console read; failures kept in r.error. */
async function bootGuest(r: HostRun): Promise<void> {
  const { host } = r;
  await removeAll(r); // leftovers of an interrupted earlier run
  await virsh(host, ["net-define", "/dev/stdin"], { input: networkXml(r) });
  await virsh(host, ["net-start", r.network]);
  await virsh(host, ["define", "/dev/stdin"], { input: domainXml(r) });

  const t0 = Date.now();
  await virsh(host, ["start", r.domain]);
  r.startSeconds = (Date.now() - t0) / 1000;

  while (!r.lease) {
    const seconds = (Date.now() - t0) / 1000;
    if (seconds > LEASE_GIVE_UP_S) throw new Error(`host ${host.name}: no lease after ${LEASE_GIVE_UP_S} s`);
    // "vnet0  52:54:00:…  ipv4  192.168.150.123/24"
    const out = await virsh(host, ["domifaddr", r.domain, "--source", "lease"]);
    const m = /\bipv4\s+(\d+\.\d+\.\d+\.\d+)\//.exec(out);
    if (m) r.lease = { ip: m[1], seconds: (Date.now() - t0) / 1000 };
    else await sleep(250);
  }

  // udhcpc prints the line right after the lease; allow the log a moment.
  const deadline = Date.now() + 30_000;
  let lines = guestLines(readConsole(r.consoleLog));
  while (!lines.some((l) => l.startsWith("guest: lease ")) && Date.now() < deadline) {
    await sleep(250);
    lines = guestLines(readConsole(r.consoleLog));
  }
  r.consoleLines = lines;
}

describe("test hosts", function () {
  const { a, b } = testHosts();
  let consoleDir = "";
  let runs: HostRun[] = [];

  function plan(host: TestHost, letter: "a" | "b", subnet: string): HostRun {
    return {
      host,
      // Distinct bridge names and subnets: both hosts share one network namespace.
      network: `pkvmt-hosts-${letter}`,
      bridge: `pkvmt-${letter}0`,
      subnet,
      domain: `pkvmt-hosts-${letter}`,
      consoleLog: path.join(consoleDir, `${letter}.log`),
    };
  }

  before(async function () {
    // Both hosts see this machine's /tmp; their daemons (root) write the logs.
    consoleDir = mkdtempSync(path.join(os.tmpdir(), "pkvmt-console-"));
    chmodSync(consoleDir, 0o755);
    runs = [plan(a, "a", "192.168.150"), plan(b, "b", "192.168.151")];
    // Both guests boot at once: each gets one of the two cores.
    await Promise.all(
      runs.map((r) =>
        bootGuest(r).catch((e: unknown) => {
          r.error = e;
        }),
      ),
    );
  });

  after(async function () {
    await Promise.all(runs.map(removeAll));
    if (consoleDir) rmSync(consoleDir, { recursive: true, force: true });
  });

  function ran(r: HostRun): void {
    assert.ifError(r.error);
  }

  it("reaches each host over ssh as the test user, with a running pool 'default'", async function () {
    for (const host of [a, b]) {
      assert.equal((await virsh(host, ["uri"])).trim(), host.uri, `host ${host.name}`);
      const whoami = (await runRemote(host, "id", ["-un"])).trim();
      assert.equal(whoami, host.user, `host ${host.name}: logged in as ${whoami}`);
      assert.match(await virsh(host, ["pool-info", "default"]), /^State:\s+running$/m, `host ${host.name}: pool default`);
    }
  });

  it("keeps the two hosts apart: what one defines, the other does not see", async function () {
    runs.forEach(ran);
    const [ra, rb] = runs;
    for (const [mine, other] of [
      [ra, rb],
      [rb, ra],
    ] as const) {
      const domains = (await virsh(mine.host, ["list", "--all", "--name"])).split("\n").map((s) => s.trim());
      const networks = (await virsh(mine.host, ["net-list", "--all", "--name"])).split("\n").map((s) => s.trim());
      assert.ok(domains.includes(mine.domain), `host ${mine.host.name} lists its own domain`);
      assert.ok(!domains.includes(other.domain), `host ${mine.host.name} must not list ${other.domain} of host ${other.host.name}`);
      assert.ok(networks.includes(mine.network), `host ${mine.host.name} lists its own network`);
      assert.ok(!networks.includes(other.network), `host ${mine.host.name} must not list ${other.network} of host ${other.host.name}`);
      await assert.rejects(virsh(mine.host, ["dominfo", other.domain]), `host ${mine.host.name}: dominfo ${other.domain}`);
    }
  });

  it("serves host A on this machine's local libvirt socket", async function () {
    runs.forEach(ran);
    const { stdout } = await promisify(execFile)("virsh", ["-q", "-c", a.uri, "list", "--all", "--name"]);
    const names = stdout.split("\n").map((s) => s.trim());
    assert.ok(names.includes(runs[0].domain), "the local socket lists host A's domain");
    assert.ok(!names.includes(runs[1].domain), "the local socket must not list host B's domain");
  });

  it(`boots a guest on each host, at the same time, that takes a DHCP lease within ${LEASE_LIMIT_S} s`, function () {
    for (const r of runs) {
      ran(r);
      assert.ok(r.lease, `host ${r.host.name}: no lease`);
      console.log(
        `      host ${r.host.name}: lease ${r.lease.ip} ${r.lease.seconds.toFixed(1)} s after \`virsh start\`` +
          ` (start itself took ${r.startSeconds?.toFixed(1)} s; network ${r.network}, bridge ${r.bridge})`,
      );
      assert.ok(r.lease.ip.startsWith(`${r.subnet}.`), `host ${r.host.name}: lease ${r.lease.ip} outside ${r.subnet}.0/24`);
      assert.ok(r.lease.seconds <= LEASE_LIMIT_S, `host ${r.host.name}: lease after ${r.lease.seconds.toFixed(1)} s`);
    }
  });

  it("shows the guest's lines on its serial console, the lease among them", function () {
    for (const r of runs) {
      ran(r);
      const lines = r.consoleLines ?? [];
      console.log(`      host ${r.host.name} console (${r.consoleLog}):`);
      for (const l of lines) console.log(`        ${l}`);
      assert.ok(lines.includes("guest: boot"), `host ${r.host.name}: no "guest: boot" line`);
      assert.ok(
        lines.includes(`guest: lease ${r.lease?.ip}`),
        `host ${r.host.name}: no "guest: lease ${r.lease?.ip}" line in ${JSON.stringify(readConsole(r.consoleLog).slice(-2000))}`,
      );
    }
  });
});
