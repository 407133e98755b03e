/**
 * Registration benchmark: what this package's resource classes cost a program per resource,
 * beyond what Pulumi's SDK costs for the same resources. Under the SDK's in-process mocks, as a
 * preview, it registers the fleet W(N) (`fleetProgram.ts`: a pool, a network, N volumes, N
 * domains) and, as the baseline, as many plain `pulumi.dynamic.Resource`s with the same
 * property names, secret outputs and wiring, sharing one trivial provider object per kind.
 * Each measurement runs in a fresh process, so none finds another's caches warm (serialized
 * providers, loaded modules, the JIT); the modes alternate, and each figure is the median of a
 * mode's runs. The time runs from the first constructor call until the SDK has no registration
 * outstanding (both modes include the SDK loading its closure serializer for the first
 * provider object); loading the package is timed apart (`kvm_load_ms`): a program pays it once.
 * Beside the wall-clock figures, the CPU time each process spent in that span: on a machine
 * other work shares, it varies far less than the wall clock does.
 *
 *   npx tsx scripts/registrationBench.ts [N] [--runs R] [--profile DIR]
 *
 * N is 100 and R (runs of each mode) 3 by default. `--profile DIR` writes a V8 CPU profile of
 * every run into DIR.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { FieldTable } from "../provider/resources/common/fields";

const RUNS = 3;
const MODES = ["kvm", "sdk"] as const;
type Mode = (typeof MODES)[number];

/** What one measuring process reports, as the last line of its output. */
interface Measurement {
  /** Milliseconds to load the package (`../provider`) after the SDK. */
  loadMs: number;
  /** Milliseconds from the first constructor call until every registration completed. */
  registerMs: number;
  /** CPU milliseconds (user and system, all threads) the process spent in that time. */
  cpuMs: number;
  /** Resources the mocks saw registered. */
  resources: number;
}

/** The fleet's names and boot files: no host reads them, they only give inputs their usual size. */
const TARGET = { domainType: "qemu", guestDir: "/var/lib/pulumi-kvm-test/guest" };
const PREFIX = "pkvm-fleet";

const now = (): bigint => process.hrtime.bigint();
const msSince = (start: bigint): number => Number(now() - start) / 1e6;

/** The property names a kind's class registers beyond the program's inputs, and its secret outputs. */
interface Shape {
  /** The exposed and output-only properties, unset. */
  blank: Record<string, undefined>;
  /** `additionalSecretOutputs`. */
  secrets: string[];
}

/** A dynamic resource with nothing between the program and the SDK. */
class PlainResource extends pulumi.dynamic.Resource {
  constructor(provider: pulumi.dynamic.ResourceProvider, type: string, name: string, props: pulumi.Inputs, secrets: string[]) {
    super(provider, name, props, { additionalSecretOutputs: secrets }, "bench", type);
  }
}

/**
 * The baseline's fleet: plain dynamic resources registering the same property names as the
 * package's classes (their exposed and output-only rows unset), the same secret outputs and the
 * same wiring, each kind sharing one provider object that does nothing.
 */
async function sdkFleet(n: number): Promise<() => void> {
  // Imported here, as the package is in `child`, so that the package loads where it is timed.
  const { exposedNames, outputOnlyNames, secretNames } = await import("../provider/resources/common/fieldTable");
  const { COMMON_OUTPUT_NAMES } = await import("../provider/resources/common/hostIdentity");
  const { poolFields } = await import("../provider/resources/pool/fields");
  const { networkFields } = await import("../provider/resources/network/fields");
  const { volumeFields } = await import("../provider/resources/volume/fields");
  const { vmFields } = await import("../provider/resources/vm/fields");
  const { fleetNames } = await import("./fleetProgram");
  const name = fleetNames(PREFIX);
  const shape = (fields: FieldTable): Shape => ({
    blank: Object.fromEntries([...exposedNames(fields), ...outputOnlyNames(fields), ...COMMON_OUTPUT_NAMES].map((k) => [k, undefined])),
    secrets: ["connection", ...secretNames(fields)],
  });
  type Outputs = Record<string, pulumi.Output<unknown>>;
  const kind = (type: string, fields: FieldTable) => {
    const { blank, secrets } = shape(fields);
    const provider: pulumi.dynamic.ResourceProvider = { create: async (inputs) => ({ id: "id", outs: inputs as unknown }) };
    return (resourceName: string, args: pulumi.Inputs): Outputs =>
      new PlainResource(provider, type, resourceName, { ...blank, ...args }, secrets) as unknown as Outputs;
  };
  const [pool, network, volume, vm] = [
    kind("StoragePool", poolFields),
    kind("Network", networkFields),
    kind("Volume", volumeFields),
    kind("VirtualMachine", vmFields),
  ];
  return () => {
    const p = pool("pool", { name: name.pool, path: `/var/lib/libvirt/images/${name.pool}` });
    const net = network("net", { name: name.net, mode: "isolated", bridge: "pkfleet0" });
    for (let i = 0; i < n; i++) {
      const disk = volume(`v${i}`, { pool: p.name, name: name.volume(i), capacity: "16MiB" });
      vm(`d${i}`, {
        name: name.domain(i),
        domainType: TARGET.domainType,
        kernel: `${TARGET.guestDir}/vmlinuz`,
        initrd: `${TARGET.guestDir}/initrd.img`,
        cmdline: "console=ttyS0",
        memory: "64MiB",
        disks: [{ volumeKey: disk.key }],
        networkInterfaces: [{ network: net.name }],
        running: false,
        description: "v1",
        // What VirtualMachine's constructor passes for an absent seed.
        cloudInit: undefined,
      });
    }
  };
}

/** One measurement, in this process: load, register the fleet of `mode`, and report. */
async function child(mode: Mode, n: number): Promise<Measurement> {
  // Not imported at the top: its load (the package's) is timed on its own.
  const loadStart = now();
  const { fleetNames, fleetProgram } = await import("./fleetProgram");
  const loadMs = msSince(loadStart);
  let resources = 0;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources++;
        return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    "project",
    "stack",
    true,
  );
  const program = mode === "kvm" ? fleetProgram(fleetNames(PREFIX), TARGET, n, "v1") : await sdkFleet(n);
  const start = now();
  const cpuStart = process.cpuUsage();
  program();
  // Resolves once no registration is outstanding: the SDK's count of pending RPCs, each
  // released after its resource's outputs are resolved (the SDK's own end of a program).
  await pulumi.runtime.disconnect();
  const registerMs = msSince(start);
  const cpu = process.cpuUsage(cpuStart);
  if (resources !== 2 + 2 * n) throw new Error(`${mode}: ${resources} resources registered, expected ${2 + 2 * n}`);
  return { loadMs, registerMs, cpuMs: (cpu.user + cpu.system) / 1000, resources };
}

/** The middle value (the upper of the two middle ones for an even count). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Each figure's median over the runs of one mode. */
function medians(runs: Measurement[]): Omit<Measurement, "resources"> {
  return {
    loadMs: median(runs.map((m) => m.loadMs)),
    registerMs: median(runs.map((m) => m.registerMs)),
    cpuMs: median(runs.map((m) => m.cpuMs)),
  };
}

/** Removes `flag` and its value from `args`, returning the value (undefined when the flag is absent). */
function option(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  if (at < 0) return undefined;
  const value = args.splice(at, 2)[1];
  if (value === undefined) throw new Error(`${flag} needs a value`);
  return value;
}

/** Runs one measurement in a fresh node process. */
function measure(mode: Mode, n: number, run: number, profileDir: string | undefined): Measurement {
  const profile =
    profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${mode}-n${n}-${run}.cpuprofile`];
  const result = spawnSync(process.execPath, [...profile, "--import", "tsx", __filename, "--child", mode, String(n)], {
    cwd: join(__dirname, ".."),
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`${mode} run failed (${result.status ?? result.signal}):\n${result.stderr}`);
  const last = result.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as Measurement;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    const mode = args[1] as Mode;
    if (!MODES.includes(mode)) throw new Error(`unknown mode ${args[1]}`);
    console.log(JSON.stringify(await child(mode, Number(args[2]))));
    return;
  }
  const profileDir = option(args, "--profile");
  const runs = Number(option(args, "--runs") ?? RUNS);
  const n = args.length > 0 ? Number(args[0]) : 100;
  if (!Number.isInteger(n) || n < 1) throw new Error(`N must be a whole number: ${args[0]}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a whole number");

  const results: Record<Mode, Measurement[]> = { kvm: [], sdk: [] };
  for (let run = 1; run <= runs; run++) for (const mode of MODES) results[mode].push(measure(mode, n, run, profileDir));
  const kvm = medians(results.kvm);
  const sdk = medians(results.sdk);
  const resources = 2 + 2 * n;
  const perResource = (a: number, b: number) => ((a - b) / resources).toFixed(2);
  console.log(
    `registration: n=${n} resources=${resources} kvm_ms=${kvm.registerMs.toFixed(0)} sdk_ms=${sdk.registerMs.toFixed(0)} ` +
      `beyond_sdk_ms_per_resource=${perResource(kvm.registerMs, sdk.registerMs)} ` +
      `kvm_cpu_ms=${kvm.cpuMs.toFixed(0)} sdk_cpu_ms=${sdk.cpuMs.toFixed(0)} ` +
      `beyond_sdk_cpu_ms_per_resource=${perResource(kvm.cpuMs, sdk.cpuMs)} kvm_load_ms=${kvm.loadMs.toFixed(0)}`,
  );
  if (profileDir !== undefined) console.log(`registration: n=${n} CPU profiles in ${profileDir}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
