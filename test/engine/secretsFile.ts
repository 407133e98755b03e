/**
 * How a state file keeps secret values: encrypted, as a Pulumi backend with
 * a passphrase secrets provider keeps them (`{ <sig>: <secret sig>,
 * ciphertext }`), so a state file on disk holds no secret in clear text.
 * The passphrase is `PULUMI_CONFIG_PASSPHRASE` when set; otherwise the
 * engine's own, since what is tested is that secrets are marked, not the
 * strength of a test stack's passphrase.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { isObject, JsonObject, JsonValue, SECRET_SIG, SIG_KEY } from "./wire";

const SALT = "pulumi-kvm test engine";
let key: Buffer | undefined;

function stateKey(): Buffer {
  key ??= scryptSync(process.env.PULUMI_CONFIG_PASSPHRASE ?? "pulumi-kvm test engine state", SALT, 32);
  return key;
}

/** The encrypted form of a secret value. */
export function encryptSecret(value: JsonValue): JsonObject {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", stateKey(), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  const ciphertext = ["v1", iv, data, cipher.getAuthTag()].map((p) => (typeof p === "string" ? p : p.toString("base64"))).join(":");
  return { [SIG_KEY]: SECRET_SIG, ciphertext };
}

/** Whether a stored value is an encrypted secret. */
export function isEncryptedSecret(value: JsonValue | undefined): value is JsonObject {
  return isObject(value) && value[SIG_KEY] === SECRET_SIG && typeof value.ciphertext === "string";
}

/** The value of an encrypted secret. */
export function decryptSecret(value: JsonObject): JsonValue {
  const ciphertext = value.ciphertext;
  if (typeof ciphertext !== "string") throw new Error("not a secret this engine wrote");
  const [version, iv, data, tag] = ciphertext.split(":");
  if (version !== "v1" || iv === undefined || data === undefined || tag === undefined) throw new Error("not a secret this engine wrote");
  const decipher = createDecipheriv("aes-256-gcm", stateKey(), Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  const text = Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
  return JSON.parse(text) as JsonValue;
}

/** `props` with the values of `keys` encrypted. */
export function encryptKeys(props: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = { ...props };
  for (const k of keys) {
    const value = out[k];
    if (value !== undefined) out[k] = encryptSecret(value);
  }
  return out;
}

/** `props` with every encrypted value decrypted. */
export function decryptAll(props: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, isEncryptedSecret(v) ? decryptSecret(v) : v]));
}
