/**
 * SSH public key blobs and their OpenSSH-style SHA256 fingerprints.
 *
 * A key "blob" is the SSH wire encoding of a public key (RFC 4253 §6.6): a
 * length-prefixed key type name followed by type-specific fields. It is what ssh2
 * hands to a host verifier and what known_hosts stores in base64.
 */
import { createHash } from "node:crypto";

/** `SHA256:` plus 43 characters of unpadded base64 (a 32-byte digest). */
const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;

/**
 * The key type name at the start of a public key blob, e.g. `ssh-ed25519`, or
 * undefined when the blob is too short or the name is not printable ASCII.
 */
export function keyTypeOfBlob(blob: Uint8Array): string | undefined {
  if (blob.length < 4) return undefined;
  const view = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const length = view.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > view.length) return undefined;
  const name = view.subarray(4, 4 + length).toString("latin1");
  return /^[\x21-\x7e]+$/.test(name) ? name : undefined;
}

/** The OpenSSH fingerprint of a public key blob: `SHA256:` + unpadded base64. */
export function sha256Fingerprint(blob: Uint8Array): string {
  const digest = createHash("sha256").update(blob).digest("base64");
  return `SHA256:${digest.replace(/=+$/, "")}`;
}

/**
 * Brings a user-written fingerprint to the canonical form, or returns undefined
 * when it is not a SHA256 fingerprint. Trailing `=` padding is tolerated because some
 * tools print it; MD5 fingerprints are not accepted (too weak to pin).
 */
export function normalizeFingerprint(text: string): string | undefined {
  const trimmed = text.trim().replace(/=+$/, "");
  return FINGERPRINT_PATTERN.test(trimmed) ? trimmed : undefined;
}
