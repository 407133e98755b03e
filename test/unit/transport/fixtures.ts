/**
 * Public keys used as known_hosts fixtures, each with the fingerprint `ssh-keygen -lf`
 * printed for it. They are public halves only; the private halves were discarded.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";

/** A fixture public key: type, base64 blob and OpenSSH's fingerprint of it. */
export interface FixtureKey {
  readonly type: string;
  readonly base64: string;
  readonly fingerprint: string;
}

export const ED25519: FixtureKey = {
  type: "ssh-ed25519",
  base64: "AAAAC3NzaC1lZDI1NTE5AAAAIFKnLgnqz2AAvyrXNia1r1+FLSYcJFGJrEKOI7jD0vk1",
  fingerprint: "SHA256:cPpA15hdAbRxKVbAta2qfGGvyg0gu52Fgghpt66Sa6Y",
};

export const ECDSA: FixtureKey = {
  type: "ecdsa-sha2-nistp256",
  base64:
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBE27hBIEFe5z4dyj4tpbXddQsjaZmCd9Uj+mNZRxEZPdlqxwKcg9AIWZ7CXBv2UltCrT8XERlMWlz+bLBT7Aa0w=",
  fingerprint: "SHA256:0AlgRA7DWGP03ZT45lNm60ZrILDPpkj3LJo6R6AyAEA",
};

export const RSA: FixtureKey = {
  type: "ssh-rsa",
  base64:
    "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDl/cBZVj/GgMOK/caqHL8lXTowBu8LBm2/WgLtLY/56hJUA1+nXFcDYulhKln+hk/+YPAMLLjisUXmgKaj8am9Y9Yz5y7Q+F7TZ8eIjjq77pzI79TYXjDBMJFXVEIsh57R/uPjwM/PgVilfsvTkiKQNMEGRYSa3J7tN2HRpJmZ8w==",
  fingerprint: "SHA256:yRP0TTY0X1G33MSajQ73qtamOZAphTjMpXW7o+eFmKM",
};

/**
 * A second ed25519 key, standing in for "the host was reinstalled": ED25519 with its
 * last byte flipped (structurally valid, different key). Its fingerprint is computed
 * here the OpenSSH way, since no tool printed it.
 */
export const ED25519_OTHER: FixtureKey = (() => {
  const other = Buffer.from(ED25519.base64, "base64");
  other[other.length - 1] = other[other.length - 1] ^ 0xff;
  const digest = createHash("sha256").update(other).digest("base64").replace(/=+$/, "");
  return { type: "ssh-ed25519", base64: other.toString("base64"), fingerprint: `SHA256:${digest}` };
})();

/** The blob of a fixture key. */
export function blob(key: FixtureKey): Buffer {
  return Buffer.from(key.base64, "base64");
}

/** A known_hosts line `hosts type base64`. */
export function line(hosts: string, key: FixtureKey): string {
  return `${hosts} ${key.type} ${key.base64}`;
}

/**
 * A hashed host field exactly as `ssh-keygen -H` writes it: `|1|` base64(salt) `|`
 * base64(HMAC-SHA1(salt, name)), with a fresh 20-byte salt.
 */
export function hashedHost(name: string, salt: Buffer = randomBytes(20)): string {
  const hmac = createHmac("sha1", salt).update(name).digest();
  return `|1|${salt.toString("base64")}|${hmac.toString("base64")}`;
}

/**
 * A line `ssh-keygen -H` produced for `[127.0.0.1]:2222` with the ED25519 key, kept
 * to prove our hashing agrees with OpenSSH's, not only with itself.
 */
export const OPENSSH_HASHED_LINE =
  "|1|kX6BNE6j4VDxBrBmPwNKAKG/yWk=|1Gn5nhthEbfFJjfW7Zlz3oaEsK8= ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFKnLgnqz2AAvyrXNia1r1+FLSYcJFGJrEKOI7jD0vk1";
