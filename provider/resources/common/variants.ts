/**
 * A discriminated union of a kind's inputs (a StoragePool's `type`): one row
 * per member, naming the rows of the kind's field table the member requires
 * and the ones it may take, and the values a row may hold in that member.
 * The field table still declares each row once (type, check, replace rule,
 * doc); the member rows only say which apply. The public `…Args` union is
 * derived from both (`VariantMemberArgs`), and `check` applies them
 * (`checkVariant`, called by `parseSpec`).
 */
import type { In } from "./fields";
import type { Problems } from "./problems";

/** One member of the union: the rows it requires, the rows it may take, and narrower value sets. */
export interface Variant<Key extends string = string> {
  /** Rows the program must set for this member. */
  readonly required: readonly Key[];
  /** Rows the program may set for this member. */
  readonly optional: readonly Key[];
  /** For a row, the values this member accepts (a pool's `format`: filesystems for `fs`, protocols for `netfs`). */
  readonly values?: Readonly<Partial<Record<Key, readonly string[]>>>;
}

/** The members of a union, by the discriminant's value. */
export type Variants<Key extends string = string> = Readonly<Record<string, Variant<Key>>>;

/** A kind's union: its discriminant row, its members, and how messages name a member. */
export interface VariantUnion {
  /** The row whose value chooses the member (`type`). */
  readonly discriminant: string;
  /** The member used when the program leaves the discriminant unset. */
  readonly fallback: string;
  /** The members. */
  readonly variants: Variants;
  /** How a message names a member: `a pool of type fs`. */
  readonly describe: (member: string) => string;
}

/** Every row some member names (those no member names belong to every member). */
export function variantRows(union: VariantUnion): string[] {
  const out = new Set<string>();
  for (const v of Object.values(union.variants)) for (const k of [...v.required, ...v.optional]) out.add(k);
  return [...out];
}

/**
 * Checks the raw inputs against the member the discriminant chooses: each row
 * it requires is set, each set value is one the member accepts, and (for the
 * program's inputs only: stored state also holds reported values) no row of
 * another member is set. An unknown discriminant is its row's own problem.
 */
export function checkVariant(union: VariantUnion, inputs: Readonly<Record<string, unknown>>, problems: Problems, program: boolean): void {
  const raw = inputs[union.discriminant] ?? union.fallback;
  if (typeof raw !== "string" || !Object.hasOwn(union.variants, raw)) return;
  const member = union.variants[raw];
  if (!member) return;
  const set = (key: string) => inputs[key] !== undefined && inputs[key] !== null;
  for (const key of member.required) if (!set(key)) problems.add(key, `is required for ${union.describe(raw)}`);
  for (const [key, allowed] of Object.entries(member.values ?? {})) {
    const value = inputs[key];
    if (!allowed || !set(key) || typeof value !== "string" || allowed.includes(value)) continue;
    problems.add(key, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")} for ${union.describe(raw)}`);
  }
  if (!program) return;
  const own = new Set<string>([...member.required, ...member.optional]);
  for (const key of variantRows(union)) {
    if (own.has(key) || !set(key)) continue;
    const takers = Object.entries(union.variants)
      .filter(([, v]) => [...v.required, ...v.optional].includes(key))
      .map(([name]) => name);
    problems.add(key, `does not apply to ${union.describe(raw)} (it is an input of ${takers.join(", ")})`);
  }
}

type ReqOf<V extends Variant> = V["required"][number];
type OptOf<V extends Variant> = V["optional"][number];
type NarrowedKeys<V extends Variant> = Extract<keyof NonNullable<V["values"]>, string>;

/**
 * One member's inputs: its discriminant, its required rows, its optional rows (narrowed where
 * the member says), and the rows of the other members (`All`) as `never`, so a program setting
 * one fails to compile as it fails `check`.
 */
type MemberArgs<Args, D extends string, Name extends string, V extends Variant, Fallback extends string, All extends string> =
  // Each part is mapped over the table's own rows (`keyof Pick<Args, …>`), so each row keeps its documentation.
  (Name extends Fallback
    ? { [P in keyof Pick<Args, D & keyof Args>]?: In<Name> }
    : { [P in keyof Pick<Args, D & keyof Args>]-?: In<Name> }) &
    Required<Pick<Args, Extract<ReqOf<V>, keyof Args>>> &
    Pick<Args, Extract<Exclude<OptOf<V>, NarrowedKeys<V>>, keyof Args>> & {
      [P in keyof Pick<Args, Extract<NarrowedKeys<V>, keyof Args>>]?: In<NonNullable<NonNullable<V["values"]>[P]>[number]>;
    } & { [P in keyof Pick<Args, Extract<Exclude<All, ReqOf<V> | OptOf<V>>, keyof Args>>]?: never };

/** Every row some member of `V` names. */
type AllRows<V extends Variants> = { [Name in keyof V]: ReqOf<V[Name]> | OptOf<V[Name]> }[keyof V];

/**
 * The public inputs of one member `Name` of a kind's union: the rows every member takes, and
 * the member's own, with the discriminant `D` optional for the `Fallback` member (so a program
 * written before the union still compiles). A kind declares an interface per member extending
 * it, and its `…Args` type is their union.
 */
export type VariantMemberArgs<Args, D extends string, V extends Variants, Name extends keyof V & string, Fallback extends string> = Omit<
  Args,
  D | AllRows<V>
> &
  MemberArgs<Args, D, Name, V[Name], Fallback, AllRows<V>>;
