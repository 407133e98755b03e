/**
 * The engine's decision for a resource that exists in the state: same, update or replace,
 * from the provider's Diff answer and the resource options. Pure.
 */
import type { DiffAnswer } from "./client";
import { JsonObject, PROVIDER_KEY, changedKeys, withProvider } from "./wire";

/** What is known when deciding. */
export interface PlanInput {
  /** The provider's Diff answer. */
  diff: DiffAnswer;
  /** Old inputs from the state, with the provider text they were applied with. */
  oldInputs: JsonObject;
  oldProvider: string;
  /** New inputs as Check returned them, with the provider text of this program. */
  newInputs: JsonObject;
  newProvider: string;
  /** The `replaceOnChanges` option (top-level property names, or `*`). */
  replaceOnChanges: readonly string[];
  /** The `deleteBeforeReplace` option when the program set it. */
  deleteBeforeReplaceOption?: boolean;
  /** Init errors recorded by a partial create/update. */
  initErrors?: readonly string[];
}

/** The decision. */
export interface Plan {
  op: "same" | "update" | "replace";
  /** Changed top-level input keys (what a user would see in the diff). */
  changes: string[];
  /** Keys that force the replacement. */
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/**
 * Decides like the engine does:
 * - DIFF_UNKNOWN: compare old and new inputs (including `__provider`) and call it a change if any differ;
 * - `replaceOnChanges` turns a change of a named key into a replacement;
 * - a resource with init errors is updated even without changes, so the provider gets another go;
 * - the program's `deleteBeforeReplace` wins over the provider's answer when set.
 */
export function planChange(input: PlanInput): Plan {
  const changes = changedKeys(withProvider(input.oldInputs, input.oldProvider), withProvider(input.newInputs, input.newProvider));
  let someChanges = input.diff.changes === "some" || (input.diff.changes === "unknown" && changes.length > 0);
  const replaces = [...input.diff.replaces];
  for (const key of changes) {
    if (key === PROVIDER_KEY) continue;
    if ((input.replaceOnChanges.includes(key) || input.replaceOnChanges.includes("*")) && !replaces.includes(key)) {
      replaces.push(key);
      someChanges = true;
    }
  }
  const deleteBeforeReplace = input.deleteBeforeReplaceOption ?? input.diff.deleteBeforeReplace;
  if (someChanges && replaces.length > 0) return { op: "replace", changes, replaces, deleteBeforeReplace };
  if (someChanges || (input.initErrors?.length ?? 0) > 0) return { op: "update", changes, replaces: [], deleteBeforeReplace: false };
  return { op: "same", changes: [], replaces: [], deleteBeforeReplace: false };
}
