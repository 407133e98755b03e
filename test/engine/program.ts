/**
 * Runs a Pulumi program in this process against an {@link EngineMonitor}, with the real SDK doing
 * everything a program run does: serializing dynamic providers, resolving outputs, awaiting
 * dependencies, registering the stack's exports.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EngineMonitor } from "./monitor";

/** A Pulumi program: declares resources, optionally returns the stack's exports. */
export type Program = () => Record<string, unknown> | void | Promise<Record<string, unknown> | void>;

/** How to run it. */
export interface ProgramRunOptions {
  monitor: EngineMonitor;
  project: string;
  stack: string;
  /** True for a preview (`pulumi.runtime.isDryRun()`). */
  preview: boolean;
  /** The stack config the program reads with `pulumi.Config`, namespaced keys. */
  config: Record<string, string>;
  /** Config keys that are secret (`config.getSecret` / `requireSecret`). */
  secretKeys: string[];
}

/**
 * The SDK's promise-leak detector (internal to `@pulumi/pulumi`; the Automation API's inline
 * programs use it the same way). It also empties the list, which would otherwise be printed when
 * the test process exits.
 */
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises?: () => [Set<unknown>, string] };

/** How long a run that has failed may go without a registration before it is over (ms). */
const STALL_MS = 2000;

/** Runs are serialized in a process: the SDK's runtime settings (monitor, config, stack) are global. */
let processLock: Promise<void> = Promise.resolve();

/** Runs `fn` once no other run of this process holds the runtime. */
export function withRuntimeLock<T>(fn: () => Promise<T>): Promise<T> {
  const result = processLock.then(fn);
  processLock = result.then(
    () => undefined,
    () => undefined,
  );
  return result;
}

/**
 * Runs `program` as the language host would (as the Automation API runs an inline program), and waits until every registration it started has
 * been answered. Returns the program's failures: what it threw, and the rejections the SDK
 * raises for failed registrations and for resources whose inputs depended on them (a real run
 * prints those and exits non-zero).
 */
export async function runProgram(program: Program, options: ProgramRunOptions): Promise<unknown[]> {
  pulumi.runtime.setMockOptions(options.monitor, options.project, options.stack, options.preview);
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);
  const failures: unknown[] = [];
  const note = (reason: unknown): void => {
    if (!failures.includes(reason)) failures.push(reason);
  };
  // The SDK deliberately leaves a failed registration's promise unhandled so that the language
  // host notices it; here the run notices it instead of the test runner's handler.
  const saved = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", note);
  let stop = (): void => undefined;
  try {
    const run = (async () => {
      await pulumi.runtime.runInPulumiStack(async () => (await program()) ?? undefined).catch(note);
      await pulumi.runtime.disconnect();
    })();
    // After a failure, outputs of what failed never resolve: a program that exports one (or
    // anything built on it) would wait forever, where a real run ends as its process runs out
    // of work. The run ends once something failed and no registration came or went for a while.
    const stalled = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (failures.length > 0 && options.monitor.idleMs() >= STALL_MS) resolve();
      }, 50);
      stop = () => clearInterval(timer);
    });
    await Promise.race([run, stalled]);
    stop();
    // Unhandled rejections are reported after the microtask queue drains: give them two turns.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Like a real run: promises left pending by a program that otherwise succeeded are an error
    // (a cycle between resources, a forgotten await); after a failure they are expected.
    const [leaks, message] = debuggable.leakedPromises?.() ?? [new Set<unknown>(), ""];
    if (failures.length === 0 && leaks.size > 0) failures.push(new Error(message));
  } finally {
    stop();
    process.removeListener("unhandledRejection", note);
    for (const listener of saved) process.on("unhandledRejection", listener);
  }
  return failures;
}

/** The message of a failure of any shape. */
export function messageOf(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}
