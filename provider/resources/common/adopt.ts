/**
 * Adoption: what a create does when an object of the resource's name already
 * exists on the host. Without `adopt: true` the create fails before writing
 * anything, naming `adopt`, the object and the host. With it, the object
 * becomes the resource's (its UUID, or a volume's key, is the id) and is
 * brought to the program in the same step through the kind's `update`, which
 * never deletes data; a difference only a replacement could remove fails the
 * create instead, and the object is left as it was.
 */
import type { LibvirtConnection } from "../../libvirt";
import { RefusedChangeError } from "./errors";
import type { FieldTable } from "./fields";
import { describeIdentity, identityOf } from "./hostIdentity";
import type { KindDefinition, LiveObject, ReplacingDifference, SpecBase } from "./kindDefinition";
import { checkBoolean, Problems } from "./problems";
import { progress } from "./progress";

/** The input every kind takes beside `connection`: take over an existing object of the resource's name. */
export const ADOPT_INPUT = "adopt";

/** Checks the `adopt` input: true, false or unset. */
export function checkAdopt(problems: Problems, inputs: Readonly<Record<string, unknown>>): void {
  checkBoolean(problems, ADOPT_INPUT, inputs[ADOPT_INPUT]);
}

/** Whether the inputs ask to adopt an existing object. */
export function adoptRequested(inputs: Readonly<Record<string, unknown>>): boolean {
  return inputs[ADOPT_INPUT] === true;
}

/** Why an existing object cannot be adopted as the program declares it. */
function replacementRefusal(what: string, host: string, differences: readonly ReplacingDifference[]): string {
  const lines = differences.map(
    (d) => `${d.property} is ${JSON.stringify(d.host)} on the host, ${JSON.stringify(d.declared)} in the program`,
  );
  const it = differences.length === 1 ? "that" : "these";
  return (
    `cannot adopt ${what} on ${host}: ${lines.join("; ")}; only replacing the object could change ${it}, ` +
    `and adopting never replaces or deletes anything: declare what the host has, or choose another name`
  );
}

/**
 * The kind's create, unless an object of the spec's name exists: then it is
 * refused (without `adopt`) or adopted — read, each difference from the
 * program printed as a progress line, and converged by the kind's `update`
 * with the program's spec as both the previous and the new one.
 * @param name the resource's name, for progress lines
 * @param adopt whether the program set `adopt: true`
 */
export async function createOrAdopt<Table extends FieldTable, Spec extends SpecBase, State, Ref>(
  def: KindDefinition<Table, Spec, State, Ref>,
  conn: LibvirtConnection,
  spec: Spec,
  name: string,
  adopt: boolean,
): Promise<LiveObject<State>> {
  const existing = await def.findExisting(conn, spec);
  if (existing === undefined) return def.create(conn, spec);
  const what = def.describeExisting(spec);
  const host = describeIdentity(identityOf(spec.connection));
  if (!adopt) {
    throw new Error(
      `${what} already exists on ${host}; set adopt: true to take it over (nothing of it is deleted), or choose another name`,
    );
  }
  const live = await def.read(conn, existing, spec);
  const replacing = await def.replacingDifferences(conn, spec, live);
  if (replacing.length > 0) throw new RefusedChangeError(replacementRefusal(what, host, replacing));
  const drift = def.drift(spec, live.state);
  progress(def.kind, name, `adopting ${what} (id ${live.id})${drift.length === 0 ? ": already as declared" : ""}`);
  for (const d of drift) progress(def.kind, name, `${d.property}: ${d.detail}`);
  return def.update(conn, live.id, spec, spec, live.state);
}
