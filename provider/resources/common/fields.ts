/**
 * Field tables: each input and output of a kind is declared once, as a row
 * holding everything that is true of it — its public type (the row's TSDoc
 * is its documentation), how it is validated and defaulted, whether a
 * change replaces the object, whether it is secret, whether it is an output.
 * The public `…Args` type, the parsed spec, the known-key check, the output
 * names, the constructor's output list, the secret list and the simple
 * replace rules are all derived from the table (see `fieldTable.ts`).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { NamedObject, Problems } from "./problems";

/** What a field's check may look at besides its own value. */
export interface ParseContext {
  /** Every raw input of the resource (stored state also holds its outputs). */
  readonly inputs: Readonly<Record<string, unknown>>;
  /**
   * Whether these are the program's inputs (check, create, update) rather
   * than stored state. Only the program's inputs are held to the rules that
   * look at this machine or that an earlier release did not enforce: the
   * files they name must exist (in state, a file removed since — a rotated
   * key, an uploaded image — must not block a refresh or a delete), and
   * names must fit libvirt's file-name limits (a state written before must
   * still load).
   */
  readonly program?: boolean;
}

/**
 * Validates one raw value that is set (not undefined or null) and returns
 * the parsed value, recording every problem under `property`. What it
 * returns after recording a problem is never used.
 */
export type FieldCheck<Value> = (problems: Problems, property: string, value: unknown, ctx: ParseContext) => Value | undefined;

/** How an input also appears among the resource's outputs. */
export type OutputRole =
  /** The input as the program gave it, echoed into state (e.g. `name`). */
  | "echo"
  /**
   * What the host reports (or the default the program left out), written over
   * the input in state: the diff judges it on parsed values, never as raw
   * state text (a pool's `path`, a network's `bridge`).
   */
  | "reported";

/**
 * How `check` names an object whose program leaves its name unset (see
 * `generatedName.ts`): by the rules of a libvirt `object`'s name, ending in
 * `extension` when the object is a file whose content has one.
 */
export interface NameRule {
  /** The kind of libvirt object named: its name's rules apply. */
  object: NamedObject;
  /** The file extension the name ends with, by the raw inputs (a volume's, by its format). */
  extension?: (inputs: Readonly<Record<string, unknown>>) => string;
  /** Extensions a Pulumi name may end with that are left out of the generated name, so the name has one only. */
  knownExtensions?: readonly string[];
}

/** The rules a row may carry besides its type and check. */
interface RowRules {
  replaces: boolean;
  /** The part of the parsed value a replacement is judged on (all of it when unset). */
  identity?: (value: unknown) => unknown;
  secret: boolean;
  output?: OutputRole;
  specKey?: string;
  generated?: NameRule;
}

/**
 * What the derived types need to know of an input row: whether the program
 * may leave it out, the spec property it is parsed into (its own name when
 * undefined), and whether the resource class exposes it as an output.
 */
export interface Traits {
  /** The program may leave it out. */
  optional: boolean;
  /** The spec key, when not the property's own name. */
  key: string | undefined;
  /** How it is also an output of the resource class, if it is. */
  exposed: OutputRole | false;
  /** Its type as an output (the input's own type unless said otherwise). */
  out: unknown;
}

type With<T extends Traits, K extends keyof Traits, V extends Traits[K]> = {
  [P in keyof Traits]: P extends K ? V : T[P];
};

/** The traits of a new optional input. */
export type OptionalInput = { optional: true; key: undefined; exposed: false; out: undefined };

/** One input property: `Arg` is its public type, `Value` its parsed value. */
export class InputField<Arg, Value, T extends Traits = OptionalInput> {
  /** Discriminates inputs from outputs. */
  readonly role = "input" as const;
  /** Carried for the derived types only; never set. */
  declare readonly types?: { arg: Arg; traits: T };

  /**
   * @param check validates a set value
   * @param optional whether the program may leave it out
   * @param fallback the value when left out (undefined: none)
   * @param rules replace, secret, output and spec-key rules
   */
  constructor(
    private readonly check: FieldCheck<Value>,
    readonly optional: T["optional"],
    private readonly fallback: ((ctx: ParseContext) => Value) | undefined,
    readonly rules: Readonly<RowRules>,
  ) {}

  /**
   * Validates the raw value (undefined or null when left out) and applies the default. A
   * generated value is required here: `check` has written it into the inputs by then.
   */
  parse(problems: Problems, property: string, value: unknown, ctx: ParseContext): Value | undefined {
    if (value === undefined || value === null) {
      if (!this.optional || this.rules.generated) problems.add(property, "is required");
      return this.fallback?.(ctx);
    }
    return this.check(problems, property, value, ctx);
  }

  /** The program must set it. */
  required(): InputField<Arg, Exclude<Value, undefined>, With<T, "optional", false>> {
    return new InputField(this.check as FieldCheck<Exclude<Value, undefined>>, false, undefined, this.rules);
  }

  /** The value when the program leaves it out: a constant, or a function of the other raw inputs. */
  default(
    value: Exclude<Value, undefined> | ((ctx: ParseContext) => Exclude<Value, undefined>),
  ): InputField<Arg, Exclude<Value, undefined>, T> {
    const fallback = typeof value === "function" ? (value as (ctx: ParseContext) => Exclude<Value, undefined>) : () => value;
    return new InputField(this.check as FieldCheck<Exclude<Value, undefined>>, this.optional, fallback, this.rules);
  }

  /**
   * The program may leave it out, and `check` then generates it by `rule` and keeps it in
   * state (see `generatedName.ts`); every later call finds it set.
   */
  generated(rule: NameRule): InputField<Arg, Exclude<Value, undefined>, T> {
    return new InputField(this.check as FieldCheck<Exclude<Value, undefined>>, this.optional, undefined, {
      ...this.rules,
      generated: rule,
    });
  }

  /**
   * A change of the parsed value cannot be applied in place: the object is replaced.
   * @param identity the part of the value that decides the object, when the rest (a
   *   download's timeout) may change without a replacement
   */
  replaces(identity?: (value: Value) => unknown): InputField<Arg, Value, T> {
    return new InputField(this.check, this.optional, this.fallback, {
      ...this.rules,
      replaces: true,
      identity: identity as ((value: unknown) => unknown) | undefined,
    });
  }

  /** Kept as a secret in state: it may hold a password or private data. */
  secret(): InputField<Arg, Value, T> {
    return new InputField(this.check, this.optional, this.fallback, { ...this.rules, secret: true });
  }

  /**
   * Also an output of the resource (see {@link OutputRole}); `Out` is its
   * output type when the host may report more than the input allows (a
   * volume's format).
   */
  output<Role extends OutputRole, Out = pulumi.Unwrap<Arg>>(
    role: Role,
  ): InputField<Arg, Value, With<With<T, "exposed", Role>, "out", Out>> {
    return new InputField<Arg, Value, With<With<T, "exposed", Role>, "out", Out>>(this.check, this.optional, this.fallback, {
      ...this.rules,
      output: role,
    });
  }

  /** Parsed into the spec under another name (e.g. `memory` → `memoryBytes`, a value in bytes). */
  as<Key extends string>(specKey: Key): InputField<Arg, Value, With<T, "key", Key>> {
    return new InputField<Arg, Value, With<T, "key", Key>>(this.check, this.optional, this.fallback, { ...this.rules, specKey });
  }
}

/** One output-only property, reported by the host. */
export class OutputField<Out> {
  /** Discriminates outputs from inputs. */
  readonly role = "output" as const;
  /** Carried for the derived types only; never set. */
  declare readonly types?: { out: Out };

  /** @param secret whether the output is kept as a secret in state */
  constructor(readonly secret: boolean = false) {}
}

/** Any row of a field table. */
export type AnyField = InputField<unknown, unknown, Traits> | OutputField<unknown>;

/** A kind's field table: property name → row. */
export type FieldTable = Readonly<Record<string, AnyField>>;

/** An optional input of public type `Arg` whose set values `check` validates; undefined when left out. */
export function input<Arg, Value>(check: FieldCheck<Value>): InputField<Arg, Value | undefined> {
  return new InputField<Arg, Value | undefined>(check, true, undefined, { replaces: false, secret: false });
}

/** An output of public type `Out`, reported by the host. */
export function output<Out>(opts: { secret?: boolean } = {}): OutputField<Out> {
  return new OutputField<Out>(opts.secret ?? false);
}

/**
 * Shorthand for a public input type as Pulumi programs give it. A re-export of `pulumi.Input`
 * itself, not an alias of it: the public types then read `Input<…>`, a name a program can
 * import, rather than a name of this package that it cannot.
 */
export type { Input as In } from "@pulumi/pulumi";

type TraitsOf<F> = F extends { types?: { traits: infer T } } ? T : never;
type InputKeys<T> = { [K in keyof T]: T[K] extends { role: "input" } ? K : never }[keyof T];
type RequiredKeys<T> = {
  [K in keyof T]: T[K] extends { role: "input" } ? ([TraitsOf<T[K]>] extends [{ optional: false }] ? K : never) : never;
}[keyof T];
type OutputKeys<T> = {
  [K in keyof T]: T[K] extends { role: "output" } ? K : [TraitsOf<T[K]>] extends [{ exposed: OutputRole }] ? K : never;
}[keyof T];
type StoredKeys<T> = {
  [K in keyof T]: T[K] extends { role: "output" } ? K : [TraitsOf<T[K]>] extends [{ exposed: "reported" }] ? K : never;
}[keyof T];
type ArgOf<F> = F extends { types?: { arg: infer A } } ? A : never;
type ValueOf<F> = F extends InputField<infer _A, infer V, infer _T> ? V : never;
type OutOf<F> = F extends { types?: { out: infer O } } ? O : TraitsOf<F> extends { out: infer O } ? O : never;
type SpecKeyOf<K, F> = TraitsOf<F> extends { key: infer S extends string } ? S : K;

/** The public inputs a table declares (the kind's `…Args` type, without `connection`). */
export type ArgsOf<T> = {
  [K in keyof T as K extends RequiredKeys<T> ? K : never]: ArgOf<T[K]>;
} & {
  [K in keyof T as K extends InputKeys<T> ? (K extends RequiredKeys<T> ? never : K) : never]?: ArgOf<T[K]>;
};

type MaybeUnset<T> = { [K in keyof T]: undefined extends ValueOf<T[K]> ? K : never }[keyof T];

/** The parsed values of a table's inputs, each under its spec key; a value that may be unset is optional. */
export type ValuesOf<T> = {
  [K in keyof T as K extends InputKeys<T> ? (K extends MaybeUnset<T> ? never : SpecKeyOf<K, T[K]>) : never]: ValueOf<T[K]>;
} & {
  [K in keyof T as K extends InputKeys<T> ? (K extends MaybeUnset<T> ? SpecKeyOf<K, T[K]> : never) : never]?: ValueOf<T[K]>;
};

/** The outputs a table declares, as the resource class exposes them. */
export type OutputsOf<T> = {
  readonly [K in keyof T as K extends OutputKeys<T> ? K : never]: pulumi.Output<OutOf<T[K]>>;
};

type MaybeAbsent<T> = { [K in keyof T]: undefined extends OutOf<T[K]> ? K : never }[keyof T];

/**
 * What a kind's `outputs` writes into state: every output-only row and every
 * reported input, each with its output type; one that may be absent (a
 * volume's `sha256`) is optional.
 */
export type StoredOutputsOf<T> = {
  [K in keyof T as K extends StoredKeys<T> ? (K extends MaybeAbsent<T> ? never : K) : never]: OutOf<T[K]>;
} & {
  [K in keyof T as K extends StoredKeys<T> ? (K extends MaybeAbsent<T> ? K : never) : never]?: Exclude<OutOf<T[K]>, undefined>;
};
