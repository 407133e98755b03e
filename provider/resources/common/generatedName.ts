/**
 * Generated names, after Pulumi's auto-naming: an object whose program leaves its `name`
 * unset is named by `check` after its Pulumi (logical) name plus a random suffix
 * (`web-3f9a1c2`), fitted to the rules of its kind's names. The checked inputs keep the
 * name with a mark that it was generated, so the next `check` (which gets them as `olds`)
 * keeps it while the program still sets none. A replacement is checked without `olds`,
 * so it gets a new name: two objects that differ in name can exist side by side, and
 * `diff` lets the new one come first.
 */
import { randomBytes } from "node:crypto";
import { generatedRow } from "./fieldTable";
import type { FieldTable, NameRule } from "./fields";
import { fitsXml, NAME_MAX_BYTES } from "./problems";
import { containsUnknown } from "./unknowns";

type Inputs = Record<string, unknown>;

/**
 * The input a resource class adds when its program sets no name: the resource's Pulumi
 * name, which `check` is not given otherwise (it gets no URN).
 */
export const LOGICAL_NAME_INPUT = "__logicalName";

/** Written by `check` beside a name it generated or kept from a generation; a program's own value is dropped. */
export const NAME_GENERATED_INPUT = "__nameGenerated";

/** Hex digits of the random suffix: 28 bits, as Pulumi's own auto-names have. */
const SUFFIX_DIGITS = 7;

/** A new random suffix. */
export function randomSuffix(): string {
  return randomBytes(4).toString("hex").slice(0, SUFFIX_DIGITS);
}

/** A character kept from the Pulumi name: one a libvirt name may hold, and no space (names end up in file names and command lines). */
const keeps = (ch: string): boolean => ch !== "/" && !/[\s\x00-\x1f\x7f]/u.test(ch) && fitsXml(ch);

/** The longest start of `text` (whole characters) that fits in `bytes` UTF-8 bytes. */
function truncated(text: string, bytes: number): string {
  let out = "";
  let used = 0;
  for (const ch of text) {
    used += Buffer.byteLength(ch, "utf8");
    if (used > bytes) break;
    out += ch;
  }
  return out;
}

/**
 * The name for an object of Pulumi name `logical`: `logical-<suffix><extension>`, where each
 * character a name of the rule's object may not hold (a slash, a control character) or a
 * space becomes `-`, hyphens at either end are dropped, an extension the Pulumi name ends
 * with is not repeated, and the Pulumi name is shortened so the whole fits the object's
 * length limit. Always valid by `checkName` for the rule's object.
 */
export function generateName(logical: string, rule: NameRule, inputs: Readonly<Inputs>, suffix: string = randomSuffix()): string {
  const extension = rule.extension?.(inputs) ?? "";
  let base = [...logical].map((ch) => (keeps(ch) ? ch : "-")).join("");
  const ending = [extension, ...(rule.knownExtensions ?? [])]
    .filter((e) => e !== "")
    .find((e) => base.length > e.length && base.toLowerCase().endsWith(e.toLowerCase()));
  if (ending !== undefined) base = base.slice(0, -ending.length);
  const tail = `${suffix}${extension}`;
  base = truncated(base.replace(/^-+/, ""), NAME_MAX_BYTES[rule.object] - Buffer.byteLength(`-${tail}`, "utf8")).replace(/-+$/, "");
  return base === "" ? tail : `${base}-${tail}`;
}

/**
 * The program's inputs with their name decided: the program's own whenever it sets one
 * (one not known yet in a preview included); else the name the previous run's inputs
 * (`olds`) hold when it was generated; else a new one from the Pulumi name the resource
 * class passed. Only a generated or kept name is marked; without a Pulumi name to
 * generate from, the name stays unset and the spec's parse says it is required.
 */
export function withGeneratedName(table: FieldTable, olds: Readonly<Inputs>, news: Readonly<Inputs>): Inputs {
  const { [NAME_GENERATED_INPUT]: _mark, ...program } = news;
  const row = generatedRow(table);
  if (!row) return program;
  const own = program[row.property];
  if (own !== undefined && own !== null) return program;
  const kept = olds[NAME_GENERATED_INPUT] === true ? olds[row.property] : undefined;
  if (typeof kept === "string") return { ...program, [row.property]: kept, [NAME_GENERATED_INPUT]: true };
  const logical = program[LOGICAL_NAME_INPUT];
  if (typeof logical !== "string" || containsUnknown(logical)) return program;
  return { ...program, [row.property]: generateName(logical, row.rule, program), [NAME_GENERATED_INPUT]: true };
}

/**
 * Whether a stored object (its outputs, `olds`) and the checked inputs (`news`) both carry
 * a generated name: check kept the old one, so the replacement, checked afresh, gets
 * another and can be created before the old object is deleted.
 */
export function bothGenerated(table: FieldTable, olds: Readonly<Inputs>, news: Readonly<Inputs>): boolean {
  const row = generatedRow(table);
  if (!row || news[NAME_GENERATED_INPUT] !== true) return false;
  const name = news[row.property];
  return typeof name === "string" && name === olds[row.property];
}
