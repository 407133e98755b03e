/**
 * What a run reports: one step per resource touched, the stack's exports, the host's output
 * lines and the errors, shaped for assertions.
 */
import type { CallMethod, CallRecord, CheckFailure } from "./client";
import type { HostLine } from "./host";
import type { StackState } from "./state";
import type { JsonObject } from "./wire";

/** The operation a step performed (or, in a preview, would perform). */
export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "read" | "refresh-gone";

/** One resource's step in a run. */
export interface Step {
  /** The resource's URN (its key in the state). */
  key: string;
  /** Its type token. */
  type: string;
  /** Its name. */
  name: string;
  /** What was done, or attempted when {@link error} is set. */
  op: StepOp;
  /** The id after the step (the new id for a replace); absent in a preview of a new resource. */
  id?: string;
  /** Top-level input keys that differ from the state (update/replace), or output keys that changed (read). */
  changes?: string[];
  /** The properties that forced a replacement. */
  replaces?: string[];
  /** True when the old resource was (or would be) deleted before its replacement was created. */
  deleteBeforeReplace?: boolean;
  /** Check's failures, when Check rejected the inputs. */
  failures?: CheckFailure[];
  /** The error that stopped the step. */
  error?: string;
  /** True for a step that only reports what would happen (preview). */
  preview?: boolean;
}

/** One property Check rejected, with the resource it belongs to. */
export interface ResourceCheckFailure extends CheckFailure {
  key: string;
  type: string;
  name: string;
}

/** An error of a run: a failed step (with its key) or a failure of the program itself. */
export interface RunError {
  /** The resource it belongs to, for step errors. */
  key?: string;
  /** `step`: a provider call failed or a step was refused; `program`: the program threw or an output rejected. */
  source: "step" | "program";
  /** The message. */
  message: string;
}

/** The kinds of run. */
export type RunKind = "up" | "preview" | "refresh" | "destroy" | "check";

/** Everything a run produced. */
export interface RunResult {
  /** The kind of run. */
  kind: RunKind;
  /** Steps in the order they finished. */
  steps: Step[];
  /** The program's exports (wire values: unknowns are {@link UNKNOWN}, secrets unwrapped). */
  exports: JsonObject;
  /** Lines the provider host printed during the run (what a user would see). */
  output: HostLine[];
  /** The errors; empty when the run succeeded. */
  errors: RunError[];
  /** Check's failures, by resource. */
  failures: ResourceCheckFailure[];
  /** The gRPC calls made to the host during the run, in order of sending. */
  calls: CallRecord[];
  /** The stack state after the run (the harness's own state object; unchanged by preview and check). */
  state: StackState;
  /** The provider host's peak resident memory during the run, in KiB (from /proc), when known. */
  hostPeakRssKiB?: number;
  /**
   * The CPU time the provider host spent on the run's calls, in milliseconds: from Configure's
   * answer (the SDK's own start is before it) to the run's end; undefined where /proc does not tell.
   */
  hostCpuMs?: number;
}

/** The step of the resource named `name` (the last one if several). */
export function stepOf(result: RunResult, name: string): Step | undefined {
  return [...result.steps].reverse().find((s) => s.name === name);
}

/** The steps' operations by resource name, e.g. `{ a: "create", b: "same" }`: a compact thing to assert on. */
export function opsByName(result: RunResult): Record<string, StepOp> {
  const ops: Record<string, StepOp> = {};
  for (const s of result.steps) ops[s.name] = s.op;
  return ops;
}

/** The calls of one method in `calls`, optionally for one resource name. */
export function callsOf(calls: readonly CallRecord[], method: CallMethod, name?: string): CallRecord[] {
  return calls.filter((c) => c.method === method && (name === undefined || c.name === name));
}

/** The host's stdout lines of a run, as text. */
export function stdoutOf(result: RunResult): string[] {
  return result.output.filter((l) => l.stream === "stdout").map((l) => l.text);
}
