/**
 * What a kind's resource class adds to the program's inputs when it registers, derived from
 * the kind's field table once per table: the derivations filter the table's rows, and a
 * program registers hundreds of resources of a handful of kinds.
 */
import { exposedNames, generatedRow, outputOnlyNames, secretInputNames, secretNames } from "./fieldTable";
import type { FieldTable, NameRule } from "./fields";
import { COMMON_OUTPUT_NAMES } from "./hostIdentity";

/** A kind's registration tables (frozen: every resource of the kind shares them). */
export interface Registration {
  /**
   * Every exposed property, unset: Pulumi makes an output of every property registered, so
   * each is named even when the program leaves it unset (a volume's `format` then reports
   * the host's).
   */
  readonly exposed: Readonly<Record<string, undefined>>;
  /** The output-only properties and those every kind stores, unset: unknown until the provider reports them. */
  readonly outputs: Readonly<Record<string, undefined>>;
  /** Outputs kept secret: `connection`, which may hold key text or a password, and the table's secret rows. */
  readonly secretOutputs: readonly string[];
  /** Inputs wrapped as Pulumi secrets (see `secretInputs.ts`). */
  readonly secretInputs: readonly string[];
  /** The input `check` generates when the program leaves it unset, if any (see `generatedName.ts`). */
  readonly generated: { readonly property: string; readonly rule: NameRule } | undefined;
}

const registrations = new WeakMap<FieldTable, Registration>();

/** The registration tables of the kind whose field table is `fields`. */
export function registrationOf(fields: FieldTable): Registration {
  let registration = registrations.get(fields);
  if (!registration) {
    const unset = (names: readonly string[]) => Object.freeze(Object.fromEntries(names.map((key) => [key, undefined])));
    registration = Object.freeze({
      exposed: unset(exposedNames(fields)),
      outputs: unset([...outputOnlyNames(fields), ...COMMON_OUTPUT_NAMES]),
      secretOutputs: Object.freeze(["connection", ...secretNames(fields)]),
      secretInputs: Object.freeze(secretInputNames(fields)),
      generated: generatedRow(fields),
    });
    registrations.set(fields, registration);
  }
  return registration;
}
