/**
 * Deleting a set of resources the way the engine does: concurrently, but never a resource
 * before the resources that depend on it; a resource whose dependent could not be deleted is
 * left alone.
 */
import type { ProviderClient } from "./client";
import type { ResourceState } from "./state";
import { withProvider } from "./wire";

/**
 * Deletes one resource with the provider text and outputs stored in the state. A protected
 * resource is refused; one with `retainOnDelete`, or read from an existing id, is only forgotten.
 */
export async function deleteResource(client: ProviderClient, r: ResourceState): Promise<void> {
  if (r.protect) throw new Error(`${r.name} is protected and cannot be deleted`);
  if (r.retainOnDelete || r.external) return;
  await client.delete(
    { urn: r.urn, type: r.type, name: r.name },
    r.id,
    withProvider(r.outputs, r.provider),
    withProvider(r.inputs, r.provider),
  );
}

/** What happened to one resource. */
export interface DeleteOutcome {
  record: ResourceState;
  /** The error of its Delete. */
  error?: unknown;
  /** Set when it was not attempted because a dependent failed. */
  skipped?: string;
}

/**
 * Deletes `targets` with `del`, dependents first. `targets` must be in state order (creation
 * order): a resource's dependents then come after it, so the waits form no cycle.
 * @returns outcomes in the order they happened
 */
export async function deleteInOrder(targets: readonly ResourceState[], del: (r: ResourceState) => Promise<void>): Promise<DeleteOutcome[]> {
  const outcomes: DeleteOutcome[] = [];
  const done = new Map<ResourceState, Promise<boolean>>();
  const run = (index: number): Promise<boolean> => {
    const record = targets[index];
    let p = done.get(record);
    if (p) return p;
    p = (async () => {
      const dependents = dependentsOf(targets, index);
      const results = await Promise.all(dependents.map(run));
      const blocker = dependents.find((_, i) => !results[i]);
      if (blocker !== undefined) {
        outcomes.push({ record, skipped: `not deleted: ${targets[blocker].urn} still depends on it` });
        return false;
      }
      try {
        await del(record);
        outcomes.push({ record });
        return true;
      } catch (error) {
        outcomes.push({ record, error });
        return false;
      }
    })();
    done.set(record, p);
    return p;
  };
  await Promise.all(targets.map((_, i) => run(i)));
  return outcomes;
}

/** Indexes of the targets after `index` that depend on it (by dependency or as children). */
export function dependentsOf(targets: readonly ResourceState[], index: number): number[] {
  const urn = targets[index].urn;
  const out: number[] = [];
  for (let j = index + 1; j < targets.length; j++) {
    const t = targets[j];
    if (t.urn !== urn && (t.dependencies.includes(urn) || t.parent === urn)) out.push(j);
  }
  return out;
}
