/**
 * The one error type the transport layer throws or reports.
 *
 * Callers branch on {@link TransportError.kind} (and for host keys on
 * {@link HostKeyProblem.reason}), never on message text. Messages name the host and
 * port but never contain passwords, passphrases or key material.
 */

/**
 * What went wrong:
 * - `config`: the endpoint description is invalid (nothing was attempted);
 * - `connect`: TCP connect or a jump forward failed, or the socket is missing;
 * - `timeout`: the SSH handshake or a channel open took too long;
 * - `auth`: no authentication method was accepted, or a key could not be loaded;
 * - `host-key`: the server's host key is unknown, changed, revoked or not the pinned one;
 * - `channel`: the exec channel could not be opened, or the remote proxy failed;
 * - `closed`: an established link dropped.
 */
export type TransportErrorKind = "config" | "connect" | "timeout" | "auth" | "host-key" | "channel" | "closed";

/** Why a host key was refused. */
export type HostKeyRefusal = "unknown" | "changed" | "revoked" | "pinned-mismatch";

/** Details of a refused host key; all public values, safe to show. */
export interface HostKeyProblem {
  /** Why the key was refused. */
  readonly reason: HostKeyRefusal;
  /** The name looked up, `host` or `[host]:port`. */
  readonly hostName: string;
  /** Type of the key the server presented, e.g. `ssh-ed25519`. */
  readonly keyType: string;
  /** `SHA256:` fingerprint of the key the server presented. */
  readonly fingerprint: string;
  /** Fingerprints that were expected instead (changed or pinned-mismatch). */
  readonly expected: readonly string[];
}

/** Construction details for {@link TransportError}. */
export interface TransportErrorDetails {
  /** The underlying error, if any (its message must already be free of secrets). */
  readonly cause?: unknown;
  /** Host key details when `kind` is `host-key`. */
  readonly hostKey?: HostKeyProblem;
  /** Exit code of the remote proxy when it exited. */
  readonly exitCode?: number;
  /** Signal that ended the remote proxy. */
  readonly exitSignal?: string;
  /** The last part of what the remote proxy wrote to stderr. */
  readonly stderr?: string;
}

/** A failure to open, or the loss of, a link to a libvirt daemon. */
export class TransportError extends Error {
  /** What went wrong; see {@link TransportErrorKind}. */
  readonly kind: TransportErrorKind;
  /** Who we were talking to, e.g. `kvmtest@127.0.0.1:2222` (no secrets). */
  readonly target: string;
  /** Host key details when `kind` is `host-key`. */
  readonly hostKey?: HostKeyProblem;
  /** Exit code of the remote proxy when it exited. */
  readonly exitCode?: number;
  /** Signal that ended the remote proxy. */
  readonly exitSignal?: string;
  /** The last part of what the remote proxy wrote to stderr. */
  readonly stderr?: string;

  /**
   * @param kind - what went wrong
   * @param target - who we were talking to (no secrets)
   * @param message - full human-readable explanation (no secrets)
   * @param details - cause and structured extras
   */
  constructor(kind: TransportErrorKind, target: string, message: string, details: TransportErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "TransportError";
    this.kind = kind;
    this.target = target;
    if (details.hostKey !== undefined) this.hostKey = details.hostKey;
    if (details.exitCode !== undefined) this.exitCode = details.exitCode;
    if (details.exitSignal !== undefined) this.exitSignal = details.exitSignal;
    if (details.stderr !== undefined) this.stderr = details.stderr;
  }
}

/** True when `value` is a {@link TransportError}, optionally of the given kind. */
export function isTransportError(value: unknown, kind?: TransportErrorKind): value is TransportError {
  return value instanceof TransportError && (kind === undefined || value.kind === kind);
}
