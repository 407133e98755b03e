/**
 * The stack state the harness keeps between runs, like a Pulumi stack's checkpoint: one record
 * per resource, JSON-serializable, optionally kept in a file.
 */
import * as fs from "fs";
import { decryptAll, encryptKeys } from "./secretsFile";
import { JsonObject, clone } from "./wire";

/** One resource as the state records it. */
export interface ResourceState {
  /** The resource's URN: the key it is known by across runs (type + name, under its parents). */
  urn: string;
  /** Its type token, e.g. `pulumi-nodejs:dynamic:Resource`. */
  type: string;
  /** Its name. */
  name: string;
  /** The id its provider gave it. */
  id: string;
  /** The inputs as Check returned them (plain values, no `__provider`). */
  inputs: JsonObject;
  /** The outputs as the provider returned them (plain values, no `__provider`). */
  outputs: JsonObject;
  /** Top-level input keys whose values were secret in the program. */
  secretInputs: string[];
  /**
   * Top-level output keys that are secret: those named by `additionalSecretOutputs`, plus those
   * whose input of the same name was secret (the engine's rule for providers that do not
   * accept secrets). Values are plain in memory; `saveState` encrypts them in the file, as a backend does.
   */
  secretOutputs: string[];
  /** The serialized provider (`__provider`) from the last Create/Update/Read: what Delete and Read run. */
  provider: string;
  /** URNs this resource depends on (`dependsOn` and inputs that came from other resources). */
  dependencies: string[];
  /** URN of its parent, when the parent is not the stack. */
  parent?: string;
  /** The `deleteBeforeReplace` option. */
  deleteBeforeReplace?: boolean;
  /** The `additionalSecretOutputs` option. */
  additionalSecretOutputs?: string[];
  /** The `protect` option: Delete refuses to remove it. */
  protect?: boolean;
  /** The `retainOnDelete` option: dropped from the state without calling Delete. */
  retainOnDelete?: boolean;
  /** Reasons of a partial create/update (`ErrorResourceInitFailed`); the next `up` updates it. */
  initErrors?: string[];
  /** Read by the program from an existing id (`new Resource(…, { id })`): forgotten, never deleted. */
  external?: boolean;
  /** Set on the old half of a replacement whose deletion has not happened yet. */
  pendingDelete?: boolean;
}

/** A stack's state: its resources in the order they were created (dependencies first). */
export interface StackState {
  /** Format version. */
  version: 1;
  /** The resources. */
  resources: ResourceState[];
}

/** A new, empty stack state. */
export function emptyState(): StackState {
  return { version: 1, resources: [] };
}

/** Reads a state file (secrets decrypted); an absent file is an empty state. */
export function loadState(file: string): StackState {
  if (!fs.existsSync(file)) return emptyState();
  const state = JSON.parse(fs.readFileSync(file, "utf8")) as StackState;
  if (state.version !== 1 || !Array.isArray(state.resources)) throw new Error(`${file} is not a stack state`);
  for (const r of state.resources) {
    r.inputs = decryptAll(r.inputs);
    r.outputs = decryptAll(r.outputs);
  }
  return state;
}

/**
 * Writes a state file (whole, then renamed over the old one, so a crash never
 * leaves half a file), with secret inputs and outputs encrypted as a backend
 * keeps them.
 */
export function saveState(file: string, state: StackState): void {
  const stored: StackState = {
    version: state.version,
    resources: state.resources.map((r) => ({
      ...r,
      inputs: encryptKeys(r.inputs, r.secretInputs),
      outputs: encryptKeys(r.outputs, r.secretOutputs),
    })),
  };
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(stored, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** The live (not pending-delete) record of `urn`, if any. */
export function findResource(state: StackState, urn: string): ResourceState | undefined {
  return state.resources.find((r) => r.urn === urn && !r.pendingDelete);
}

/** A deep copy of a resource record. */
export function cloneResource(r: ResourceState): ResourceState {
  return clone(r as unknown as JsonObject) as unknown as ResourceState;
}

/** A deep copy of a state. */
export function cloneState(s: StackState): StackState {
  return { version: s.version, resources: s.resources.map(cloneResource) };
}

/** Replaces the contents of `target` with `source`'s, so holders of `target` see the new state. */
export function replaceState(target: StackState, source: StackState): void {
  target.version = source.version;
  target.resources = source.resources;
}
