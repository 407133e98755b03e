/**
 * Turns a {@link HostKeyPolicy} into a check of the raw host key ssh2 receives, with
 * errors that tell the user exactly what was seen and how to trust it.
 *
 * There is no trust-on-first-use: an unknown key is always refused, because silently
 * accepting it would let whoever answers first impersonate the hypervisor.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

import { describeTarget, targetPort } from "./describe";
import { TransportError, type HostKeyProblem } from "./errors";
import { keyTypeOfBlob, normalizeFingerprint, sha256Fingerprint } from "./fingerprint";
import { knownHostName } from "./hostPatterns";
import { checkHostKey, knownKeyTypes, parseKnownHosts, type KnownHosts } from "./knownHosts";
import type { HostKeyPolicy, SshTarget } from "./types";

/** A ready-to-use host key check for one target. */
export interface HostKeyCheck {
  /**
   * Key types to ask the server for first: the types we hold a key for, so a
   * server with several host keys presents one we can check.
   */
  readonly preferredKeyTypes: readonly string[];
  /** Returns undefined when the presented key blob is trusted, else the refusal. */
  check(presented: Buffer): TransportError | undefined;
}

/** Where known_hosts content came from, for messages. */
export interface KnownHostsSource {
  /** The file path, or undefined for inline text. */
  readonly file?: string;
  /** The content. */
  readonly text: string;
}

/** The known_hosts file used when a policy names none. */
export function defaultKnownHostsFile(): string {
  return join(homedir(), ".ssh", "known_hosts");
}

/** Expands a leading `~/` to the home directory (`home`, the account's by default), as OpenSSH does for its paths. */
export function expandHome(path: string, home: string = homedir()): string {
  return path === "~" || path.startsWith("~/") ? join(home, path.slice(1)) : path;
}

/**
 * Reads what the policy needs (the known_hosts file) and builds the check. A missing
 * file counts as empty; any other read failure is a `host-key` error.
 */
export async function loadHostKeyCheck(target: SshTarget): Promise<HostKeyCheck> {
  const policy: HostKeyPolicy = target.hostKey ?? { kind: "known-hosts" };
  if (policy.kind === "fingerprint" || policy.text !== undefined) return createHostKeyCheck(target);
  const file = expandHome(policy.file ?? defaultKnownHostsFile());
  let text = "";
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      const reason = error instanceof Error ? error.message : String(error);
      throw new TransportError("host-key", describeTarget(target), `cannot read known_hosts file ${file}: ${reason}`, { cause: error });
    }
  }
  return createHostKeyCheck(target, { file, text });
}

/** Which trust a target's host key is checked against, for the debug log: a file path or the pin, never more. */
export function describeHostKeyPolicy(target: SshTarget): string {
  const policy: HostKeyPolicy = target.hostKey ?? { kind: "known-hosts" };
  if (policy.kind === "fingerprint") return "the pinned fingerprint";
  if (policy.text !== undefined) return "the given known_hosts text";
  return `known_hosts file ${expandHome(policy.file ?? defaultKnownHostsFile())}`;
}

/**
 * Builds the check from a policy and, for known_hosts policies, the content (taken
 * from `policy.text` when the caller passes no source). Pure: no I/O.
 */
export function createHostKeyCheck(target: SshTarget, source?: KnownHostsSource): HostKeyCheck {
  const policy: HostKeyPolicy = target.hostKey ?? { kind: "known-hosts" };
  const where = describeTarget(target);
  const name = knownHostName(target.host, targetPort(target));
  if (policy.kind === "fingerprint") {
    const pinned = normalizeFingerprint(policy.fingerprint);
    if (pinned === undefined) {
      throw new TransportError("config", where, `pinned host key fingerprint for ${where} is not of the form SHA256:<base64>`);
    }
    return {
      preferredKeyTypes: policy.keyType === undefined ? [] : [policy.keyType],
      check: (presented) => {
        const fingerprint = sha256Fingerprint(presented);
        if (fingerprint === pinned) return undefined;
        return pinnedMismatch(where, name, presented, pinned, policy.keyType === undefined);
      },
    };
  }
  const content = source ?? { text: policy.text ?? "" };
  const knownHosts = parseKnownHosts(content.text);
  return {
    preferredKeyTypes: knownKeyTypes(knownHosts, name),
    check: (presented) => refusal(where, name, presented, knownHosts, content),
  };
}

function refusal(
  where: string,
  name: string,
  presented: Buffer,
  knownHosts: KnownHosts,
  source: KnownHostsSource,
): TransportError | undefined {
  const verdict = checkHostKey(knownHosts, name, presented);
  const keyType = keyTypeOfBlob(presented) ?? "unknown-type";
  const fingerprint = sha256Fingerprint(presented);
  const origin = source.file ?? "the given known_hosts text";
  const problem = (reason: HostKeyProblem["reason"], expected: readonly string[] = []): HostKeyProblem => ({
    reason,
    hostName: name,
    keyType,
    fingerprint,
    expected,
  });
  switch (verdict.status) {
    case "trusted":
      return undefined;
    case "revoked":
      return new TransportError(
        "host-key",
        where,
        `host key for ${name} is REVOKED: the server presented ${keyType} ${fingerprint}, ` +
          `which ${origin} line ${verdict.line} marks @revoked. Refusing to connect to ${where}.`,
        { hostKey: problem("revoked") },
      );
    case "changed": {
      const expected = verdict.expected.map((e) => e.fingerprint);
      const lines = verdict.expected.map((e) => `${e.fingerprint} (line ${e.line})`).join(", ");
      return new TransportError(
        "host-key",
        where,
        `host key for ${name} has CHANGED: the server presented ${keyType} ${fingerprint}, ` +
          `but ${origin} expects ${lines}. Someone may be intercepting the connection, or the host ` +
          `was reinstalled. Refusing to connect to ${where}. If the change is expected, check the new ` +
          `fingerprint on the host, then replace the old entry` +
          (source.file === undefined ? "." : ` (ssh-keygen -R '${name}' -f ${source.file}).`),
        { hostKey: problem("changed", expected) },
      );
    }
    case "unknown": {
      const notes: string[] = [];
      if (verdict.otherKeyTypes.length > 0) {
        notes.push(`${origin} lists ${name} only with ${verdict.otherKeyTypes.join(", ")} keys, but the server presented ${keyType}.`);
      }
      if (verdict.certAuthorityLines.length > 0) {
        notes.push(
          `Line(s) ${verdict.certAuthorityLines.join(", ")} are @cert-authority entries for this host; ` +
            "host certificates are not supported, so list the host's own key instead.",
        );
      }
      return new TransportError(
        "host-key",
        where,
        `host key for ${name} is unknown: ${name} is not listed in ${origin}; the server presented ` +
          `${keyType} ${fingerprint}. ${notes.join(" ")}${notes.length > 0 ? " " : ""}` +
          `Refusing to connect to ${where}. ${howToTrust(name, keyType, presented, source.file)}`,
        { hostKey: problem("unknown") },
      );
    }
  }
}

function howToTrust(name: string, keyType: string, presented: Buffer, file: string | undefined): string {
  const short = keyType === "ssh-ed25519" ? "ed25519" : keyType.startsWith("ecdsa-") ? "ecdsa" : keyType === "ssh-rsa" ? "rsa" : keyType;
  const { host, port } = splitName(name);
  const keyscan = `ssh-keyscan${port === 22 ? "" : ` -p ${port}`} -t ${short} ${host}`;
  return (
    `To trust it, first check the fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_${short}_key.pub), ` +
    `then add this line to ${file ?? "the known_hosts text"}: ${name} ${keyType} ${presented.toString("base64")} ` +
    (file === undefined ? `(${keyscan} prints the same line).` : `(or: ${keyscan} >> ${file}).`)
  );
}

function pinnedMismatch(where: string, name: string, presented: Buffer, pinned: string, typeUnset: boolean): TransportError {
  const keyType = keyTypeOfBlob(presented) ?? "unknown-type";
  const fingerprint = sha256Fingerprint(presented);
  return new TransportError(
    "host-key",
    where,
    `host key for ${name} does not match the pinned fingerprint: the server presented ${keyType} ` +
      `${fingerprint}, but ${pinned} is pinned. Refusing to connect to ${where}.` +
      (typeUnset ? " If the pin is for a key of another type, set keyType so the server presents that key." : ""),
    { hostKey: { reason: "pinned-mismatch", hostName: name, keyType, fingerprint, expected: [pinned] } },
  );
}

function splitName(name: string): { host: string; port: number } {
  const match = /^\[(.*)\]:(\d+)$/.exec(name);
  return match === null ? { host: name, port: 22 } : { host: match[1] ?? name, port: Number(match[2]) };
}
