/**
 * The host-name side of known_hosts: which name a host is looked up under, and
 * whether an entry's host field (pattern list or hashed name) covers that name.
 * Semantics follow OpenSSH's sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT".
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The name a host is stored under in known_hosts: the bare host for port 22,
 * `[host]:port` otherwise. Lower-cased, as OpenSSH does before every lookup.
 */
export function knownHostName(host: string, port = 22): string {
  const lower = host.toLowerCase();
  return port === 22 ? lower : `[${lower}]:${port}`;
}

/**
 * Glob match with `*` (any run, including empty) and `?` (one character),
 * case-insensitive. Iterative with single-star backtracking, so hostile patterns like
 * `*a*a*a*b` cannot blow up.
 */
export function matchGlob(name: string, pattern: string): boolean {
  const s = name.toLowerCase();
  const p = pattern.toLowerCase();
  let si = 0;
  let pi = 0;
  let starPi = -1;
  let starSi = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === "?" || p[pi] === s[si])) {
      si++;
      pi++;
    } else if (pi < p.length && p[pi] === "*") {
      starPi = pi++;
      starSi = si;
    } else if (starPi !== -1) {
      pi = starPi + 1;
      si = ++starSi;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

/**
 * Whether a comma-separated pattern list covers `name`. A negated pattern (`!pat`)
 * that matches vetoes the whole list, even if a positive pattern also matches;
 * otherwise one positive match suffices.
 */
export function matchPatternList(name: string, list: string): boolean {
  let positive = false;
  for (const raw of list.split(",")) {
    const negated = raw.startsWith("!");
    const pattern = negated ? raw.slice(1) : raw;
    if (pattern === "") continue;
    if (matchGlob(name, pattern)) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

/** The prefix of a hashed host field, as `ssh-keygen -H` writes it. */
export const HASHED_HOST_PREFIX = "|1|";

/** A parsed `|1|salt|hmac` host field. */
export interface HashedHost {
  /** HMAC-SHA1 key. */
  readonly salt: Buffer;
  /** HMAC-SHA1 of the host name under `salt`. */
  readonly hash: Buffer;
}

/** Parses a `|1|base64salt|base64hash` field, or returns undefined when malformed. */
export function parseHashedHost(field: string): HashedHost | undefined {
  if (!field.startsWith(HASHED_HOST_PREFIX)) return undefined;
  const parts = field.slice(HASHED_HOST_PREFIX.length).split("|");
  if (parts.length !== 2) return undefined;
  const [saltText, hashText] = parts as [string, string];
  if (!isBase64(saltText) || !isBase64(hashText)) return undefined;
  const salt = Buffer.from(saltText, "base64");
  const hash = Buffer.from(hashText, "base64");
  // SHA1 output is 20 bytes; OpenSSH also uses a 20-byte salt.
  if (salt.length !== 20 || hash.length !== 20) return undefined;
  return { salt, hash };
}

/** Hashes a host name the way `ssh-keygen -H` does: HMAC-SHA1 keyed by the salt. */
export function hashHostName(name: string, salt: Buffer): Buffer {
  return createHmac("sha1", salt).update(name).digest();
}

/** Whether a hashed host field was made from `name`. */
export function matchHashedHost(name: string, hashed: HashedHost): boolean {
  return timingSafeEqual(hashHostName(name, hashed.salt), hashed.hash);
}

function isBase64(text: string): boolean {
  return text.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(text);
}
