/**
 * What is derived from a kind's field table at run time: the known-key
 * check, the parsed values, the output names, the secret names and the
 * simple replace rules (the types are derived in `fields.ts`).
 */
import type { AnyField, FieldTable, InputField, NameRule, ParseContext, Traits, ValuesOf } from "./fields";
import { checkKnownFields, Problems } from "./problems";

type Row = [name: string, field: AnyField];
type InputRow = [name: string, field: InputField<unknown, unknown, Traits>];

const rows = (table: FieldTable): Row[] => Object.entries(table);
const inputRows = (table: FieldTable): InputRow[] => rows(table).filter((r): r is InputRow => r[1].role === "input");

/** The input names a table declares, in table order. */
export function inputNames(table: FieldTable): string[] {
  return inputRows(table).map(([name]) => name);
}

/**
 * Keys stored in state that are not the program's inputs as given: the
 * outputs, and inputs the host's report is written over. The diff judges
 * those on parsed values, never as raw state text.
 */
export function storedOutputNames(table: FieldTable): string[] {
  return rows(table)
    .filter(([, f]) => f.role === "output" || f.rules.output === "reported")
    .map(([name]) => name);
}

/** Output-only properties: the resource class registers them unknown until the provider reports them. */
export function outputOnlyNames(table: FieldTable): string[] {
  return rows(table)
    .filter(([, f]) => f.role === "output")
    .map(([name]) => name);
}

/** Properties kept as secrets in state. */
export function secretNames(table: FieldTable): string[] {
  return rows(table)
    .filter(([, f]) => (f.role === "output" ? f.secret : f.rules.secret))
    .map(([name]) => name);
}

/** Inputs kept as secrets: the resource class wraps them as Pulumi secrets. */
export function secretInputNames(table: FieldTable): string[] {
  return inputRows(table)
    .filter(([, f]) => f.rules.secret)
    .map(([name]) => name);
}

/** Properties a resource class exposes as outputs (inputs echoed or reported, and output-only ones). */
export function exposedNames(table: FieldTable): string[] {
  return rows(table)
    .filter(([, f]) => f.role === "output" || f.rules.output !== undefined)
    .map(([name]) => name);
}

/** The input `check` generates when the program leaves it unset (a kind's `name`), and how; none when no row is generated. */
export function generatedRow(table: FieldTable): { property: string; rule: NameRule } | undefined {
  for (const [property, f] of inputRows(table)) if (f.rules.generated) return { property, rule: f.rules.generated };
  return undefined;
}

/** The inputs whose change replaces the object. */
export function replacingNames(table: FieldTable): string[] {
  return inputRows(table)
    .filter(([, f]) => f.rules.replaces)
    .map(([name]) => name);
}

/** JSON with big integers as text, so sizes compare like any other value. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? "undefined";
}

/**
 * The replacing inputs whose parsed values differ between two specs. A
 * reported input the program leaves unset is no change: stored state holds
 * what the host chose then (a network's bridge that libvirt named).
 */
export function replacedBy(table: FieldTable, olds: object, news: object): string[] {
  const valueOf = (spec: object, key: string): unknown => (spec as Record<string, unknown>)[key];
  return inputRows(table)
    .filter(([, f]) => f.rules.replaces)
    .filter(([name, f]) => {
      const key = f.rules.specKey ?? name;
      if (f.rules.output === "reported" && valueOf(news, key) === undefined) return false;
      const identity = f.rules.identity ?? ((v: unknown) => v);
      return canonical(identity(valueOf(olds, key))) !== canonical(identity(valueOf(news, key)));
    })
    .map(([name]) => name);
}

/**
 * Reports every key that is neither a row of the table nor an input every
 * kind takes (`adopt`, `connection`), e.g. a misspelt `autostrat`, naming the
 * known inputs. Keys Pulumi adds (`__provider`) are not the program's.
 */
export function checkKnownKeys(kind: string, table: FieldTable, inputs: Readonly<Record<string, unknown>>, problems: Problems): void {
  checkKnownFields(problems, "", inputs, [...inputNames(table), "adopt", "connection"], {
    what: `a ${kind} input`,
    accepts: (key) => key.startsWith("__") || Object.hasOwn(table, key),
  });
}

/**
 * Parses every input of the table (each default applied), recording every
 * problem; the values are complete only when no problem was recorded. With
 * `program`, the inputs are the program's (see `ParseContext.program`).
 */
export function parseFields<T extends FieldTable>(
  table: T,
  inputs: Readonly<Record<string, unknown>>,
  problems: Problems,
  program = false,
): ValuesOf<T> {
  const ctx: ParseContext = { inputs, program };
  const values: Record<string, unknown> = {};
  for (const [name, field] of inputRows(table)) values[field.rules.specKey ?? name] = field.parse(problems, name, inputs[name], ctx);
  // Complete once no problem was recorded; callers never read it otherwise.
  return values as ValuesOf<T>;
}
