/**
 * The parts of a run that work from the state alone, with the provider text stored there
 * (as Pulumi does): refresh, destroy, and the deletions that close an `up`.
 */
import type { ProviderClient } from "./client";
import { deleteInOrder, deleteResource } from "./deletes";
import type { Deployment } from "./deployment";
import type { RunError, Step } from "./results";
import { ResourceState, cloneResource } from "./state";
import { changedKeys, withProvider, withoutProvider } from "./wire";

/** Steps and errors a phase adds to its run. */
export interface PhaseLog {
  steps: Step[];
  errors: RunError[];
}

function stepFor(r: ResourceState, op: Step["op"]): Step {
  return { key: r.urn, type: r.type, name: r.name, op, id: r.id };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Refresh: Read every resource with its id, outputs and inputs. No id in the answer means it
 * is gone and leaves the state; otherwise outputs (and inputs, when the provider returns them)
 * are replaced. Reads run concurrently.
 * @returns the new list of records, in the old order
 */
export async function refreshAll(client: ProviderClient, records: readonly ResourceState[], log: PhaseLog): Promise<ResourceState[]> {
  const next = await Promise.all(
    records.map(async (old): Promise<ResourceState | undefined> => {
      const ref = { urn: old.urn, type: old.type, name: old.name };
      try {
        const res = await client.read(ref, old.id, withProvider(old.outputs, old.provider), withProvider(old.inputs, old.provider));
        if (!res.id) {
          log.steps.push(stepFor(old, "refresh-gone"));
          return undefined;
        }
        const r = cloneResource(old);
        r.id = res.id;
        r.outputs = withoutProvider(res.properties);
        if (res.inputs) r.inputs = withoutProvider(res.inputs);
        const provider = res.properties.__provider;
        if (typeof provider === "string") r.provider = provider;
        log.steps.push({ ...stepFor(r, "read"), changes: changedKeys(old.outputs, r.outputs) });
        return r;
      } catch (err) {
        log.steps.push({ ...stepFor(old, "read"), error: errorText(err) });
        log.errors.push({ key: old.urn, source: "step", message: errorText(err) });
        return old;
      }
    }),
  );
  return next.filter((r): r is ResourceState => r !== undefined);
}

/**
 * Deletes `targets` (in state order) dependents first, recording a "delete" step each.
 * @returns the records that are gone
 */
export async function deleteRecords(
  targets: readonly ResourceState[],
  del: (r: ResourceState) => Promise<void>,
  log: PhaseLog,
  onDeleted?: (r: ResourceState, err?: unknown) => boolean,
): Promise<Set<ResourceState>> {
  const gone = new Set<ResourceState>();
  for (const o of await deleteInOrder(targets, del)) {
    if (!o.error && !o.skipped) gone.add(o.record);
    const message = o.skipped ?? (o.error !== undefined ? errorText(o.error) : undefined);
    if (message !== undefined) log.errors.push({ key: o.record.urn, source: "step", message });
    // The caller may report this deletion on a step of its own (the old half of a replacement).
    if (onDeleted?.(o.record, message)) continue;
    log.steps.push(message === undefined ? stepFor(o.record, "delete") : { ...stepFor(o.record, "delete"), error: message });
  }
  return gone;
}

/**
 * Opens an `up` (or reports in a preview) before the program runs, as the engine's
 * `retirePendingDeletes` does: the old halves of replacements that an earlier failed run left
 * pending are deleted first, dependents first. A failed deletion stops the run (the program does
 * not run); the records of what is gone leave the state.
 * @returns the state's records without those deleted (in a preview, without any pending one:
 * the program's run must not see them)
 */
export async function retirePending(
  client: ProviderClient,
  records: readonly ResourceState[],
  preview: boolean,
  log: PhaseLog,
): Promise<ResourceState[]> {
  const pending = records.filter((r) => r.pendingDelete);
  if (preview) {
    for (const r of pending) log.steps.push({ ...stepFor(r, "delete"), preview: true });
    return records.filter((r) => !r.pendingDelete);
  }
  const gone = await deleteRecords(pending, (r) => deleteResource(client, r), log);
  return records.filter((r) => !gone.has(r));
}

/**
 * Closes an `up` (or reports in a preview) once the program is done: resources the program no
 * longer declares and old halves of replacements are deleted, dependents first. Skipped when
 * the run had errors: like the engine, nothing is deleted after a failed program, and the old
 * halves stay pending, for {@link retirePending} at the start of the next run.
 * @returns the stack's new records
 */
export async function finishUp(d: Deployment, preview: boolean, failed: boolean, log: PhaseLog): Promise<ResourceState[]> {
  const replaced = new Set(d.replaced);
  const targets = failed
    ? []
    : d.old.resources.filter((r) => !d.deleted.has(r) && !r.pendingDelete && (replaced.has(r) || !d.seen.has(r.urn)));
  let gone = new Set<ResourceState>();
  if (preview) {
    for (const r of targets) if (!replaced.has(r)) log.steps.push({ ...stepFor(r, "delete"), preview: true });
  } else {
    gone = await deleteRecords(
      targets,
      (r) => deleteResource(d.client, r),
      log,
      (r, err) => {
        if (!replaced.has(r)) return false;
        const step = d.steps.find((s) => s.key === r.urn && s.op === "replace");
        if (step && err) step.error = `replaced, but the old resource (id ${r.id}) was not deleted: ${errorText(err)}`;
        return true;
      },
    );
  }
  if (preview) return d.old.resources;
  const live = new Set(d.records.map((r) => r.urn));
  const kept: ResourceState[] = [];
  for (const r of d.old.resources) {
    if (gone.has(r) || d.deleted.has(r)) continue;
    if (replaced.has(r)) kept.push({ ...cloneResource(r), pendingDelete: true });
    else if (r.pendingDelete || !live.has(r.urn)) kept.push(cloneResource(r));
  }
  return [...d.records, ...kept];
}
