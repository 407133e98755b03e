/**
 * The test engine: runs Pulumi programs of dynamic resources against the real dynamic provider
 * host, over Pulumi's provider gRPC protocol, as `pulumi up` / `preview` / `refresh` /
 * `destroy` would, and keeps a stack state between runs.
 */
import * as path from "path";
import { CallMethod, CallRecord, ProviderClient } from "./client";
import { deleteResource } from "./deletes";
import { Deployment, DeploymentMode } from "./deployment";
import { HostLine, ProviderHost } from "./host";
import { deleteRecords, finishUp, refreshAll, retirePending } from "./lifecycle";
import { EngineMonitor } from "./monitor";
import { Program, messageOf, runProgram, withRuntimeLock } from "./program";
import { ResourceCheckFailure, RunError, RunKind, RunResult, Step, callsOf } from "./results";
import { ResourceState, StackState, cloneState, emptyState, loadState, replaceState, saveState } from "./state";
import { JsonObject, makeSecret, toProviderProps } from "./wire";

/** A config value: a string, or a string marked secret (as `pulumi config set --secret`). */
export type ConfigValue = string | { value: string; secret?: boolean };

/** How to set up a harness. */
export interface HarnessOptions {
  /** Working directory of the provider host; defaults to the repository root. */
  cwd?: string;
  /** Project name (URNs, the default config namespace); default "test". */
  project?: string;
  /** Stack name (URNs); default "dev". */
  stack?: string;
  /** The stack config, namespaced keys (`kvm:host`). Can be changed between runs through {@link EngineHarness.config}. */
  config?: Record<string, ConfigValue>;
  /** A state to start from (kept and updated in place). */
  state?: StackState;
  /** A file to load the state from and save it to after every run. */
  stateFile?: string;
  /** Like `--continue-on-error`: keep applying independent resources after a failure. */
  continueOnError?: boolean;
  /** Extra environment variables for the host. */
  env?: Record<string, string>;
  /** Options for node itself when it starts the host (e.g. `--cpu-prof`). */
  nodeArgs?: readonly string[];
  /** A deadline for each provider call (ms); none by default. A call past it fails its step. */
  callTimeoutMs?: number;
  /** Called with each line a provider host prints, as it arrives (the run's {@link RunResult.output} holds them too). */
  onOutput?: (line: HostLine) => void;
}

/** What a run's body reports back. */
interface RunOutcome {
  steps: Step[];
  errors: RunError[];
  failures?: ResourceCheckFailure[];
  exports?: JsonObject;
  /** The new records; absent when the state does not change. */
  resources?: ResourceState[];
}

/** The repository root (this file lives in test/engine/). */
const repoRoot = path.resolve(__dirname, "..", "..");

/**
 * A stack driven by the test engine.
 *
 * Each run starts its own provider host (as every `pulumi` command does), sends it the stack
 * config through Configure, does its work, and stops it. Runs in one process take turns, since
 * the SDK's runtime settings are global.
 *
 * @example
 * const stack = new EngineHarness({
 *   config: {
 *     "kvm:host": a.host,
 *     "kvm:port": String(a.port),
 *     "kvm:user": a.user,
 *     "kvm:privateKeyPath": a.keyPath,
 *     "kvm:knownHostsPath": a.knownHostsPath,
 *   },
 * });
 * const program = () => {
 *   const net = new Network("net", { name: "pkvm-doc", mode: "isolated", bridge: "pkvm-doc0" });
 *   return { bridge: net.bridge };
 * };
 * assert.deepEqual((await stack.up(program)).errors, []);
 * assert.deepEqual(opsByName(await stack.up(program)), { net: "same" });
 * await stack.destroy();
 *
 * (`a` is test host A from `testHosts()`; test/engine/README.md has the whole test.)
 */
export class EngineHarness {
  /** The stack state, updated in place by every `up`, `refresh` and `destroy`. */
  readonly state: StackState;
  /** Every gRPC call made to a provider host by this harness, across runs. */
  readonly callLog: CallRecord[] = [];
  /** The stack config sent to the next runs. */
  config: Record<string, ConfigValue>;
  private readonly options: HarnessOptions;

  constructor(options: HarnessOptions = {}) {
    this.options = options;
    this.config = { ...options.config };
    this.state = options.state ?? (options.stateFile ? loadState(options.stateFile) : emptyState());
  }

  /** `pulumi up`: applies `program`, then deletes what it no longer declares. */
  up(program: Program): Promise<RunResult> {
    return this.run("up", (client) => this.deploy(client, program, "up"));
  }

  /** `pulumi preview`: Check and Diff only; resources to create or change give unknown outputs. */
  preview(program: Program): Promise<RunResult> {
    return this.run("preview", (client) => this.deploy(client, program, "preview"));
  }

  /** Runs `program` with Check alone for each resource; {@link RunResult.failures} lists what Check rejected. */
  check(program: Program): Promise<RunResult> {
    return this.run("check", (client) => this.deploy(client, program, "check"));
  }

  /** `pulumi refresh`: Reads every resource with the provider stored in the state. */
  refresh(): Promise<RunResult> {
    return this.run("refresh", async (client) => {
      const log = { steps: [] as Step[], errors: [] as RunError[] };
      const resources = await refreshAll(client, this.state.resources, log);
      return { ...log, resources };
    });
  }

  /** `pulumi destroy`: deletes everything in the state, dependents first, with the provider stored in the state. */
  destroy(): Promise<RunResult> {
    return this.run("destroy", async (client) => {
      const log = { steps: [] as Step[], errors: [] as RunError[] };
      const gone = await deleteRecords(this.state.resources, (r) => deleteResource(client, r), log);
      return { ...log, resources: this.state.resources.filter((r) => !gone.has(r)) };
    });
  }

  /** The calls of one method made so far (optionally for one resource name). */
  calls(method: CallMethod, name?: string): CallRecord[] {
    return callsOf(this.callLog, method, name);
  }

  private async deploy(client: ProviderClient, program: Program, mode: DeploymentMode): Promise<RunOutcome> {
    const project = this.options.project ?? "test";
    const stack = this.options.stack ?? "dev";
    // As the engine does, pending deletions of an earlier failed run go first, before any step.
    const retired = { steps: [] as Step[], errors: [] as RunError[] };
    const start = mode === "check" ? this.state.resources : await retirePending(client, this.state.resources, mode === "preview", retired);
    if (retired.errors.length > 0) return { ...retired, resources: start };
    const d = new Deployment(client, cloneState({ ...this.state, resources: start }), mode, this.options.continueOnError ?? false);
    const monitor = new EngineMonitor(project, stack, d.register);
    const { values, secretKeys } = this.plainConfig();
    const programFailures = await runProgram(program, { monitor, project, stack, preview: mode !== "up", config: values, secretKeys });
    const errors = [...d.errors, ...programFailures.map((f): RunError => ({ source: "program", message: messageOf(f) }))];
    const log = { steps: d.steps, errors };
    const exports = toProviderProps(monitor.exports);
    if (mode === "check") return { ...log, failures: d.failures, exports };
    const resources = await finishUp(d, mode === "preview", errors.length > 0, log);
    return {
      steps: [...retired.steps, ...log.steps],
      errors: log.errors,
      failures: d.failures,
      exports,
      resources: mode === "up" ? resources : undefined,
    };
  }

  private plainConfig(): { values: Record<string, string>; secretKeys: string[] } {
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [k, v] of Object.entries(this.config)) {
      values[k] = typeof v === "string" ? v : v.value;
      if (typeof v !== "string" && v.secret) secretKeys.push(k);
    }
    return { values, secretKeys };
  }

  /** Starts a host, configures it, runs `body`, stops the host, and applies the new state. */
  private run(kind: RunKind, body: (client: ProviderClient) => Promise<RunOutcome>): Promise<RunResult> {
    return withRuntimeLock(async () => {
      const firstCall = this.callLog.length;
      const { values, secretKeys } = this.plainConfig();
      const host = await ProviderHost.start({
        cwd: this.options.cwd ?? repoRoot,
        project: this.options.project ?? "test",
        config: values,
        env: this.options.env,
        nodeArgs: this.options.nodeArgs,
        onLine: this.options.onOutput,
      });
      const client = new ProviderClient(host.address, this.callLog, this.options.callTimeoutMs);
      let outcome: RunOutcome;
      let hostPeakRssKiB: number | undefined;
      let hostCpuMs: number | undefined;
      try {
        await client.getPluginInfo();
        // The engine sends the whole stack config, secrets marked, and the keys in the old
        // `<package>:config:<key>` spelling as variables.
        const args: JsonObject = {};
        const variables: Record<string, string> = {};
        for (const [k, v] of Object.entries(values)) {
          args[k] = secretKeys.includes(k) ? makeSecret(v) : v;
          variables[`pulumi-nodejs:config:${k}`] = v;
        }
        await client.configure(args, variables);
        const cpuBefore = host.cpuMs();
        outcome = await body(client);
        hostPeakRssKiB = host.peakRssKiB();
        const cpuAfter = host.cpuMs();
        if (cpuBefore !== undefined && cpuAfter !== undefined) hostCpuMs = cpuAfter - cpuBefore;
      } finally {
        client.close();
        await host.stop();
      }
      if (outcome.resources) {
        replaceState(this.state, { version: 1, resources: outcome.resources });
        if (this.options.stateFile) saveState(this.options.stateFile, this.state);
      }
      return {
        kind,
        steps: outcome.steps,
        exports: outcome.exports ?? {},
        output: [...host.lines],
        errors: outcome.errors,
        failures: outcome.failures ?? [],
        hostPeakRssKiB,
        hostCpuMs,
        calls: this.callLog.slice(firstCall),
        state: this.state,
      };
    });
  }
}
