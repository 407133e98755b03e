/**
 * OpenSSH known_hosts files: parsing, and deciding whether a presented host key is
 * trusted, unknown, changed or revoked. Pure functions over text and bytes; reading
 * files and talking to ssh2 happen in hostKeyVerifier.ts.
 */
import { keyTypeOfBlob, sha256Fingerprint } from "./fingerprint";
import { HASHED_HOST_PREFIX, matchHashedHost, matchPatternList, parseHashedHost, type HashedHost } from "./hostPatterns";

/** The host field of an entry: a pattern list or one hashed name. */
export type KnownHostsHosts =
  { readonly kind: "patterns"; readonly list: string } | { readonly kind: "hashed"; readonly hashed: HashedHost };

/** One usable line of a known_hosts file. */
export interface KnownHostsEntry {
  /** 1-based line number, for messages. */
  readonly line: number;
  /** `@revoked` or `@cert-authority`, if the line has a marker. */
  readonly marker?: "revoked" | "cert-authority";
  /** Which host names the line applies to. */
  readonly hosts: KnownHostsHosts;
  /** Key type as written, e.g. `ssh-ed25519`; equals the type inside the blob. */
  readonly keyType: string;
  /** The public key blob (base64-decoded). */
  readonly key: Buffer;
}

/** A line that was skipped, and why. */
export interface KnownHostsProblem {
  /** 1-based line number. */
  readonly line: number;
  /** What is wrong with it. */
  readonly message: string;
}

/** A parsed known_hosts file: the usable entries and the lines that were skipped. */
export interface KnownHosts {
  /** Usable entries, in file order. */
  readonly entries: readonly KnownHostsEntry[];
  /** Skipped lines; parsing never throws, so one bad line cannot hide the rest. */
  readonly problems: readonly KnownHostsProblem[];
}

/**
 * Parses known_hosts text. Blank lines and `#` comments are ignored; malformed lines
 * are reported in `problems` and skipped, as OpenSSH does.
 */
export function parseKnownHosts(text: string): KnownHosts {
  const entries: KnownHostsEntry[] = [];
  const problems: KnownHostsProblem[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const result = parseLine(lines[i] ?? "", i + 1);
    if (result === undefined) continue;
    if ("message" in result) problems.push(result);
    else entries.push(result);
  }
  return { entries, problems };
}

function parseLine(raw: string, line: number): KnownHostsEntry | KnownHostsProblem | undefined {
  const text = raw.replace(/\r$/, "").trim();
  if (text === "" || text.startsWith("#")) return undefined;
  const fields = text.split(/[ \t]+/);
  let marker: KnownHostsEntry["marker"];
  if (fields[0]?.startsWith("@")) {
    const name = fields.shift();
    if (name === "@revoked") marker = "revoked";
    else if (name === "@cert-authority") marker = "cert-authority";
    else return { line, message: `unknown marker ${name}` };
  }
  const [hostField, keyType, keyText] = fields;
  if (hostField === undefined || keyType === undefined || keyText === undefined) {
    return { line, message: "expected: [marker] hosts key-type base64-key [comment]" };
  }
  if (/^\d+$/.test(keyType)) return { line, message: "SSH protocol 1 key (not supported)" };
  let hosts: KnownHostsHosts;
  if (hostField.startsWith(HASHED_HOST_PREFIX)) {
    const hashed = parseHashedHost(hostField);
    if (hashed === undefined) return { line, message: "malformed hashed host name" };
    hosts = { kind: "hashed", hashed };
  } else {
    hosts = { kind: "patterns", list: hostField };
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyText)) return { line, message: "key is not base64" };
  const key = Buffer.from(keyText, "base64");
  const blobType = keyTypeOfBlob(key);
  if (blobType !== keyType) {
    return { line, message: `key type ${keyType} does not match the key data (${blobType ?? "unreadable"})` };
  }
  return marker === undefined ? { line, hosts, keyType, key } : { line, marker, hosts, keyType, key };
}

/** Whether an entry applies to a host name (`host` or `[host]:port`, lower-case). */
export function entryMatchesHost(entry: KnownHostsEntry, name: string): boolean {
  return entry.hosts.kind === "hashed" ? matchHashedHost(name, entry.hosts.hashed) : matchPatternList(name, entry.hosts.list);
}

/** A fingerprint expected for a host, with the line it came from. */
export interface ExpectedKey {
  /** 1-based line number in the known_hosts source. */
  readonly line: number;
  /** `SHA256:` fingerprint of the listed key. */
  readonly fingerprint: string;
}

/**
 * The outcome of checking a presented host key:
 * - `trusted`: a plain entry for this host lists exactly this key;
 * - `revoked`: a `@revoked` entry for this host lists this key (wins over `trusted`);
 * - `changed`: the host is listed with other keys of the same type;
 * - `unknown`: no plain entry for this host has a key of this type.
 */
export type HostKeyVerdict =
  | { readonly status: "trusted"; readonly line: number }
  | { readonly status: "revoked"; readonly line: number }
  | { readonly status: "changed"; readonly expected: readonly ExpectedKey[] }
  | {
      readonly status: "unknown";
      /** Key types this host is listed with, other than the presented one. */
      readonly otherKeyTypes: readonly string[];
      /** Lines of `@cert-authority` entries for this host, which we cannot use. */
      readonly certAuthorityLines: readonly number[];
    };

/** Checks a presented host key blob for a host name against parsed known_hosts. */
export function checkHostKey(knownHosts: KnownHosts, name: string, presented: Buffer): HostKeyVerdict {
  const presentedType = keyTypeOfBlob(presented);
  let trustedLine: number | undefined;
  const sameType: ExpectedKey[] = [];
  const otherTypes = new Set<string>();
  const certAuthorityLines: number[] = [];
  for (const entry of knownHosts.entries) {
    if (!entryMatchesHost(entry, name)) continue;
    if (entry.marker === "revoked") {
      if (entry.key.equals(presented)) return { status: "revoked", line: entry.line };
      continue;
    }
    if (entry.marker === "cert-authority") {
      certAuthorityLines.push(entry.line);
      continue;
    }
    if (entry.key.equals(presented)) trustedLine ??= entry.line;
    else if (entry.keyType === presentedType) sameType.push({ line: entry.line, fingerprint: sha256Fingerprint(entry.key) });
    else otherTypes.add(entry.keyType);
  }
  if (trustedLine !== undefined) return { status: "trusted", line: trustedLine };
  if (sameType.length > 0) return { status: "changed", expected: sameType };
  return { status: "unknown", otherKeyTypes: [...otherTypes], certAuthorityLines };
}

/**
 * Key types listed (without marker) for a host name, in file order, without
 * duplicates. Used to ask the server for a key type we can actually check, as
 * OpenSSH does when it orders its host key algorithms.
 */
export function knownKeyTypes(knownHosts: KnownHosts, name: string): string[] {
  const types = new Set<string>();
  for (const entry of knownHosts.entries) {
    if (entry.marker === undefined && entryMatchesHost(entry, name)) types.add(entry.keyType);
  }
  return [...types];
}
