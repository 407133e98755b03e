/**
 * From raw inputs to a kind's spec, and which changes replace the object:
 * the rules every kind shares, driven by its field table.
 */
import { checkKnownKeys, parseFields, replacedBy } from "./fieldTable";
import type { FieldTable } from "./fields";
import type { ConnectionSpec } from "./connection";
import type { KindDefinition, SpecBase } from "./kindDefinition";
import { Problem, Problems } from "./problems";
import { checkVariant } from "./variants";

/**
 * The spec of raw inputs (their `connection` already resolved to
 * `connection`), or every problem. With `program`, keys that are not the
 * kind's are refused too, as are rows of another member of the kind's union
 * (`checkVariant`, which checks the member's own rules always), and the files
 * the inputs name are looked at; stored state is read without those checks,
 * so a state written by an earlier release, or naming a file removed since,
 * still loads.
 */
export function parseSpec<Table extends FieldTable, Spec extends SpecBase, State>(
  def: KindDefinition<Table, Spec, State>,
  inputs: Readonly<Record<string, unknown>>,
  connection: ConnectionSpec,
  program = false,
): { spec?: Spec; problems: readonly Problem[] } {
  const problems = new Problems();
  if (program) checkKnownKeys(def.kind, def.fields, inputs, problems);
  const values = parseFields(def.fields, inputs, problems, program);
  if (def.variants) checkVariant(def.variants, inputs, problems, program);
  if (problems.all.length > 0) return { problems: problems.all };
  const own = def.toSpec(values, problems, inputs);
  if (!own || problems.all.length > 0) return { problems: problems.all };
  // Spec is the kind's own fields plus the connection, which is exactly what is joined here.
  return { spec: { ...own, connection } as Spec, problems: [] };
}

/** The inputs whose change from `olds` to `news` replaces the object (the table's `replaces()` rows). */
export function replacementsOf<Table extends FieldTable, Spec extends SpecBase, State>(
  def: KindDefinition<Table, Spec, State>,
  olds: Spec,
  news: Spec,
): string[] {
  return replacedBy(def.fields, olds, news);
}
