/**
 * The field types several kinds share. Each is an optional input until the
 * row says `.required()` or gives a `.default(…)`; kind-specific shapes are
 * declared with `input(check)` in the kind's own `fields.ts`.
 */
import { expandHome } from "../../transport";
import { input, In, InputField, NameRule } from "./fields";
import { checkAbsolutePath, checkBoolean, checkEnum, checkInteger, checkLocalFile, checkName, fitsXml, NamedObject } from "./problems";
import { checkSize, SizeArg } from "./sizeInput";

/** Any string. */
export function text(): InputField<In<string>, string | undefined> {
  return input<In<string>, string>((problems, property, value) => {
    if (typeof value === "string") return value;
    problems.add(property, "must be a string");
    return undefined;
  });
}

/**
 * Free text kept in a libvirt document: at most `maxBytes` UTF-8 bytes, and
 * only characters XML can hold (tabs and line breaks, no other control character).
 */
export function documentText(maxBytes: number): InputField<In<string>, string | undefined> {
  return input<In<string>, string>((problems, property, value) => {
    if (typeof value !== "string") return void problems.add(property, "must be a string");
    if (!fitsXml(value)) return void problems.add(property, "must hold no control characters other than tabs and line breaks");
    if (Buffer.byteLength(value, "utf8") > maxBytes) return void problems.add(property, `must be at most ${maxBytes} bytes`);
    return value;
  });
}

/** A string that matches `rule`; `reason` says the rule to the user. */
export function matching(rule: RegExp, reason: string): InputField<In<string>, string | undefined> {
  return input<In<string>, string>((problems, property, value) =>
    typeof value === "string" && rule.test(value) ? value : void problems.add(property, reason),
  );
}

/** The name of a libvirt `object` (domain, network, pool, volume). */
export function objectName(object: NamedObject): InputField<In<string>, string | undefined> {
  return input<In<string>, string>((problems, property, value, { program }) => {
    // Stored state keeps names an earlier release accepted (up to 255 characters): they must still load.
    if (!program) return typeof value === "string" ? value : void problems.add(property, "must be a string");
    return checkName(problems, property, value, object) ? value : undefined;
  });
}

/**
 * The name of a libvirt object that the program may leave unset: `check` then generates
 * one from the resource's Pulumi name, by the same rules (see `generatedName.ts`), ending
 * in the extension `file` gives when the object is a file.
 */
export function generatedObjectName(object: NamedObject, file?: Omit<NameRule, "object">): InputField<In<string>, string> {
  return objectName(object).generated({ object, ...file });
}

/**
 * A file on the machine that runs Pulumi (a leading `~/` is the home
 * directory), refused when it is not there; looked at for the program's
 * inputs only (`ParseContext.program`).
 */
export function localFile(): InputField<In<string>, string | undefined> {
  return input<In<string>, string>((problems, property, value, { program }) => {
    if (typeof value !== "string") return void problems.add(property, "must be a string");
    const path = expandHome(value);
    return !program || checkLocalFile(problems, property, path) ? value : undefined;
  });
}

/** true or false. */
export function flag(): InputField<In<boolean>, boolean | undefined> {
  return input<In<boolean>, boolean>((problems, property, value) => {
    checkBoolean(problems, property, value);
    return value as boolean;
  });
}

/** One of a fixed set of strings. */
export function choice<const T extends string>(allowed: readonly T[]): InputField<In<T>, T | undefined> {
  return input<In<T>, T>((problems, property, value) => (checkEnum(problems, property, value, allowed) ? value : undefined));
}

/** A whole number within bounds. */
export function integer(min: number, max: number): InputField<In<number>, number | undefined> {
  return input<In<number>, number>((problems, property, value) => (checkInteger(problems, property, value, min, max) ? value : undefined));
}

/** An absolute host path. */
export function absolutePath(): InputField<In<string>, string | undefined> {
  return input<In<string>, string>((problems, property, value) => (checkAbsolutePath(problems, property, value) ? value : undefined));
}

/** A size in bytes (a number, `"20GiB"` or `{ value, unit }`). */
export function size(): InputField<In<SizeArg>, bigint | undefined> {
  return input<In<SizeArg>, bigint>((problems, property, value) => checkSize(problems, property, value));
}
