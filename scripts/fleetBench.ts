/**
 * Fleet benchmark W(N): a pool, a network, N volumes and N defined (not started)
 * domains on test host A, run through the repository's engine as a stack whose
 * host comes from its `kvm:` configuration: create, a no-op preview, one property
 * changed on every domain, destroy. Beside the preview, measured in the same run:
 * the same reads through one `virsh -c qemu+ssh://` session. One `fleet:` line per N.
 *
 *   npx tsx scripts/fleetBench.ts [N …] [--profile DIR]
 *
 * `--profile DIR` adds one more no-op preview, after the measured one, whose provider host
 * writes a V8 CPU profile into DIR (open it in Chrome's DevTools or speedscope).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EngineHarness, RunResult } from "../test/engine";
import { configFor } from "../test/integration/support/connections";
import { testHosts, TestHost } from "../test/integration/support/hosts";
import { fleetNames, fleetProgram } from "./fleetProgram";
import { sshWrapper, virshSession } from "./virshSession";

const PREFIX = "pkvm-fleet";
/**
 * Preloaded into a profiled provider host: the engine stops hosts with SIGTERM, on which node
 * dies without writing its --cpu-prof profile; exiting normally writes it.
 */
const EXIT_ON_SIGTERM = `data:text/javascript,${encodeURIComponent('process.on("SIGTERM", () => process.exit(0));')}`;
const NAMES = fleetNames(PREFIX);

/** The fleet's program on `host`; `description` is the property the update run changes on every domain. */
const fleet = (host: TestHost, n: number, description: string) => fleetProgram(NAMES, host, n, description);

/** What a no-op diff reads, as virsh commands: the pool, the network, and each volume and domain. */
function sameReads(n: number): string[] {
  const commands = [
    `pool-info ${NAMES.pool}`,
    `pool-dumpxml ${NAMES.pool}`,
    `net-info ${NAMES.net}`,
    `net-dumpxml --inactive ${NAMES.net}`,
  ];
  for (let i = 0; i < n; i++) {
    commands.push(
      `vol-dumpxml --pool ${NAMES.pool} ${NAMES.volume(i)}`,
      `dominfo ${NAMES.domain(i)}`,
      `dumpxml --inactive ${NAMES.domain(i)}`,
    );
  }
  return commands;
}

/** Milliseconds `fn` took, and its result. */
async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return [Number(process.hrtime.bigint() - start) / 1e6, result];
}

/** From the first Check sent to the last Diff answered: the provider's share of a preview. */
function providerSpanMs(run: RunResult): number {
  const checks = run.calls.filter((c) => c.method === "Check");
  const diffs = run.calls.filter((c) => c.method === "Diff" && c.end !== undefined);
  assert.ok(checks.length > 0 && diffs.length > 0, "the preview made no Check or Diff call");
  return Math.max(...diffs.map((c) => c.end ?? 0)) - Math.min(...checks.map((c) => c.start));
}

/**
 * The machine's CPU time so far, in milliseconds, from /proc/stat's first line (USER_HZ ticks):
 * busy (neither idle nor waiting for I/O nor taken by the hypervisor), stolen by the hypervisor,
 * and everything.
 */
function machineCpu(): number[] {
  const ticks = readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = ticks;
  return [(user + nice + system + irq + softirq) * 10, steal * 10, (user + nice + system + idle + iowait + irq + softirq + steal) * 10];
}

function assertClean(run: RunResult, what: string): void {
  assert.deepEqual(run.errors, [], `${what}: ${JSON.stringify(run.errors.slice(0, 3))}`);
}

async function measure(host: TestHost, n: number, wrapper: string, profileDir: string | undefined): Promise<void> {
  const stack = new EngineHarness({ config: configFor(host) });
  const resources = 2 + 2 * n;
  try {
    const [createMs, created] = await timed(() => stack.up(fleet(host, n, "v1")));
    assertClean(created, "create");
    // Warm both contenders alike: the daemon's caches, the page cache of the SDK's files.
    await virshSession(host, wrapper, sameReads(n));
    await stack.preview(fleet(host, n, "v1"));

    const machineBefore = machineCpu();
    const ownBefore = process.cpuUsage();
    const [previewMs, preview] = await timed(() => stack.preview(fleet(host, n, "v1")));
    const own = process.cpuUsage(ownBefore);
    const machine = machineCpu().map((v, i) => v - (machineBefore[i] ?? 0));
    assertClean(preview, "preview");
    const planned = preview.steps.filter((s) => s.op !== "same").map((s) => `${s.name}:${s.op}`);
    assert.deepEqual(planned, [], "a no-op preview planned changes");
    const spanMs = providerSpanMs(preview);
    const [virshMs] = await timed(() => virshSession(host, wrapper, sameReads(n)));
    if (profileDir !== undefined) {
      const profiled = new EngineHarness({
        config: configFor(host),
        state: stack.state,
        nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, "--import", EXIT_ON_SIGTERM],
      });
      assertClean(await profiled.preview(fleet(host, n, "v1")), "profiled preview");
      console.log(`fleet: n=${n} CPU profile of a no-op preview's provider host in ${profileDir}`);
    }

    const [updateMs, updated] = await timed(() => stack.up(fleet(host, n, "v2")));
    assertClean(updated, "update");
    const [destroyMs, destroyed] = await timed(() => stack.destroy());
    assertClean(destroyed, "destroy");

    const rssMb = (preview.hostPeakRssKiB ?? NaN) / 1024;
    console.log(
      `fleet: n=${n} resources=${resources} create_ms=${createMs.toFixed(0)} update_ms=${updateMs.toFixed(0)} ` +
        `destroy_ms=${destroyMs.toFixed(0)}`,
    );
    console.log(
      `fleet: n=${n} preview_ms=${previewMs.toFixed(0)} provider_span_ms=${spanMs.toFixed(0)} ` +
        `per_resource_ms=${(spanMs / resources).toFixed(1)} virsh_session_ms=${virshMs.toFixed(0)} ` +
        `preview_over_virsh=${(previewMs / virshMs).toFixed(1)} host_peak_rss_mb=${rssMb.toFixed(0)}`,
    );
    // Where the preview's CPU went: the provider host (after the SDK's own start), this process
    // (the program and the engine), and the whole machine, whose cores all of them share.
    const [busy = NaN, steal = NaN, all = NaN] = machine;
    console.log(
      `fleet: n=${n} preview_cpu provider_host_ms=${preview.hostCpuMs ?? NaN} ` +
        `program_and_engine_ms=${((own.user + own.system) / 1000).toFixed(0)} machine_busy_ms=${busy} ` +
        `machine_steal_ms=${steal} machine_capacity_ms=${all}`,
    );
  } finally {
    await stack.destroy();
  }
}

async function main(): Promise<void> {
  // The program and the engine run in this process, under tsx, which turns source maps on; the
  // SDK takes a stack trace for every output promise, and mapping each through source maps
  // doubled this process's CPU, which then competed with the provider host for the machine's
  // cores. A real preview runs the engine and the program in processes of their own.
  process.setSourceMapsEnabled(false);
  const host = testHosts().a;
  const args = process.argv.slice(2);
  const at = args.indexOf("--profile");
  const profileDir = at >= 0 ? args.splice(at, 2)[1] : undefined;
  if (at >= 0 && profileDir === undefined) throw new Error("--profile needs a folder");
  const sizes = args.map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`fleet sizes must be whole numbers: ${args.join(" ")}`);
  const dir = mkdtempSync(join(tmpdir(), "pkvm-fleet-"));
  try {
    const wrapper = sshWrapper(dir, host);
    for (const n of sizes.length > 0 ? sizes : [20, 100]) await measure(host, n, wrapper, profileDir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
