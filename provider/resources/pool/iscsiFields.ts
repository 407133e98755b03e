/**
 * The inputs an `iscsi-direct` pool has beyond the shared ones: the IQNs of the
 * target and of the initiator the host logs in as, and the CHAP account. Their
 * rows are in `fields.ts`; their checks are here.
 */
import type * as pulumi from "@pulumi/pulumi";
import { input, In, InputField } from "../common/fields";
import { checkKnownFields, isObject, refuse, type Problems } from "../common/problems";

/** The iSCSI port a portal listens on unless told otherwise. */
export const ISCSI_DEFAULT_PORT = 3260;

/** The longest iSCSI name RFC 3720 allows, in bytes. */
const IQN_MAX_BYTES = 223;

/**
 * An iSCSI name (RFC 3720 §3.2.6.3, in the lower case RFC 3722 makes of it):
 * `iqn.<yyyy-mm>.<reversed domain>[:<anything>]`, or the `eui.` / `naa.` forms.
 */
const ISCSI_NAME =
  /^(iqn\.\d{4}-(0[1-9]|1[0-2])\.[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[a-z0-9.:-]+)?|eui\.[0-9a-f]{16}|naa\.([0-9a-f]{16}|[0-9a-f]{32}))$/;

/** An iSCSI qualified name: a target's or an initiator's. */
export function iscsiName(): InputField<In<string>, string | undefined> {
  return input<In<string>, string>((problems, property, value) => {
    if (typeof value === "string" && ISCSI_NAME.test(value) && Buffer.byteLength(value) <= IQN_MAX_BYTES) return value;
    problems.add(
      property,
      `must be an iSCSI name such as "iqn.2004-10.com.example:storage" (iqn.<year-month>.<reversed domain>[:<name>], ` +
        `lower case letters, digits, . - :, at most ${IQN_MAX_BYTES} bytes; or eui./naa. with hex digits)`,
    );
    return undefined;
  });
}

/** The CHAP account of an `iscsi-direct` pool. */
export interface StoragePoolChapArgs {
  /** The CHAP user name the target knows. */
  username: pulumi.Input<string>;
  /** Its password; kept as a secret in state, and on the host in a private libvirt secret. */
  password: pulumi.Input<string>;
}

/** A checked CHAP account. */
export interface ChapSpec {
  username: string;
  password: string;
}

/** CHAP names and secrets go to libiscsi as C strings; 255 bytes is what targets take at most. */
const CHAP_MAX_BYTES = 255;

function checkChapText(problems: Problems, property: string, value: unknown): value is string {
  if (typeof value !== "string" || value === "" || /[\x00-\x1f\x7f]/.test(value))
    return refuse(problems, property, "must be a non-empty string without control characters");
  if (Buffer.byteLength(value) > CHAP_MAX_BYTES) return refuse(problems, property, `must be at most ${CHAP_MAX_BYTES} bytes`);
  return true;
}

/** The `chap` row's check: both fields, each a printable string. Never quotes the password. */
export function checkChap(problems: Problems, property: string, value: unknown): ChapSpec | undefined {
  if (!isObject(value)) return void problems.add(property, "must be an object { username, password }");
  checkKnownFields(problems, property, value, ["username", "password"]);
  const { username, password } = value;
  let ok = true;
  for (const [key, v] of [
    ["username", username],
    ["password", password],
  ] as const) {
    if (v === undefined) ok = refuse(problems, `${property}.${key}`, "is required");
    else ok = checkChapText(problems, `${property}.${key}`, v) && ok;
  }
  return ok ? { username: username as string, password: password as string } : undefined;
}
