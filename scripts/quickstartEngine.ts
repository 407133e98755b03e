/**
 * `npm run quickstart` without the Pulumi CLI: runs examples/quickstart through the
 * repository's engine (test/engine) against this machine's libvirt host, as `pulumi up`
 * would — the plan first, then the provider's progress lines as they come, then each
 * resource's step and the stack's outputs. The stack's state is kept in a file, so a second
 * run finds everything `same` and `--destroy` removes what the file holds.
 *
 *   npx tsx scripts/quickstartEngine.ts STATE_DIR [--destroy]
 *
 * The example's configuration comes from the environment, as `pulumi config set` would give it:
 * `KVM_QUICKSTART_PREFIX` (quickstart:prefix), `KVM_QUICKSTART_GUEST_DIR` (quickstart:guestDir),
 * `KVM_QUICKSTART_DOMAIN_TYPE` (quickstart:domainType).
 */
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { EngineHarness, moduleProgram, RunResult } from "../test/engine";
import type { ConfigValue } from "../test/engine";

const example = resolve(__dirname, "../examples/quickstart");

/** The stack config the example reads, from the `KVM_QUICKSTART_*` variables that are set. */
function configFromEnv(): Record<string, ConfigValue> {
  const keys: Record<string, string> = {
    KVM_QUICKSTART_PREFIX: "quickstart:prefix",
    KVM_QUICKSTART_GUEST_DIR: "quickstart:guestDir",
    KVM_QUICKSTART_DOMAIN_TYPE: "quickstart:domainType",
  };
  const config: Record<string, ConfigValue> = {};
  for (const [variable, key] of Object.entries(keys)) {
    const value = process.env[variable];
    if (value) config[key] = value;
  }
  return config;
}

/** Loads examples/quickstart afresh, as each `pulumi` run does, and returns its exports. */
const quickstart = moduleProgram(example);

/** One line per step: its op and the resource's name and type. */
function printSteps(run: RunResult): void {
  // A dynamic resource's type token is `pulumi-nodejs:dynamic/pulumi-kvm:<Kind>`; the kind says enough.
  for (const step of run.steps)
    console.log(`  ${step.op.padEnd(8)} ${step.name.padEnd(6)} ${step.type.replace(/^pulumi-nodejs:dynamic\//, "")}`);
  const counts = new Map<string, number>();
  for (const step of run.steps) counts.set(step.op, (counts.get(step.op) ?? 0) + 1);
  console.log(`resources: ${[...counts].map(([op, n]) => `${n} ${op}`).join(", ") || "none"}`);
}

/** Prints a run's errors and says whether there were any. */
function failed(run: RunResult): boolean {
  for (const e of run.errors) console.error(`error: ${e.message}`);
  return run.errors.length > 0;
}

async function main(): Promise<number> {
  const [stateDir, flag] = process.argv.slice(2);
  if (!stateDir || (flag !== undefined && flag !== "--destroy")) {
    console.error("usage: quickstartEngine.ts STATE_DIR [--destroy]");
    return 2;
  }
  mkdirSync(stateDir, { recursive: true });
  const stateFile = join(stateDir, "engine-dev.json");
  const stack = new EngineHarness({
    project: "pulumi-kvm-quickstart",
    stack: "dev",
    stateFile,
    config: configFromEnv(),
    // The provider's progress lines, as they arrive: what `pulumi up` shows as info.
    onOutput: (line) => (line.stream === "stdout" ? console.log(`    ${line.text}`) : console.error(`    ${line.text}`)),
  });

  if (flag === "--destroy") {
    if (stack.state.resources.length === 0) {
      console.log(`nothing to destroy (no resources in ${stateFile})`);
      rmSync(stateFile, { force: true });
      return 0;
    }
    console.log(`destroying the quickstart stack (state in ${stateFile}):`);
    const destroyed = await stack.destroy();
    printSteps(destroyed);
    if (failed(destroyed)) return 1;
    rmSync(stateFile, { force: true });
    return 0;
  }

  console.log(`plan (state in ${stateFile}):`);
  const plan = await stack.preview(quickstart);
  printSteps(plan);
  if (failed(plan)) return 1;

  console.log("applying:");
  const up = await stack.up(quickstart);
  console.log("applied:");
  printSteps(up);
  if (failed(up)) return 1;
  console.log("outputs:");
  for (const [name, value] of Object.entries(up.exports))
    console.log(`  ${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
