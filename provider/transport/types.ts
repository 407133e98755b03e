/**
 * Plain data shapes the transport layer accepts and returns.
 *
 * Everything here is serializable data (no sockets, no clients) so the layers above
 * can keep endpoint descriptions in Pulumi inputs without capturing live objects.
 * Fields marked secret (password, key text, passphrase) never appear in errors,
 * log messages or {@link Link.description}.
 */
import type { Duplex } from "node:stream";

import type { TransportError } from "./errors";

/**
 * How to authenticate an SSH user. Several methods may be given; they are tried in
 * this order: key text, key file, ssh-agent, the key files of an ssh config, password (as
 * `password`, then as `keyboard-interactive`).
 *
 * Explicit keys come first because they are what the caller named for this host, and
 * sshd counts every offered key against `MaxAuthTries` (default 6): an agent holding
 * many keys could use up the attempts before the named key is ever offered.
 */
export interface SshAuth {
  /** Path of an OpenSSH/PEM private key file. A leading `~/` means the home directory. */
  readonly privateKeyFile?: string;
  /** Private key text (OpenSSH or PEM). Secret. */
  readonly privateKey?: string;
  /** Passphrase for an encrypted `privateKey` or `privateKeyFile`. Secret. */
  readonly passphrase?: string;
  /**
   * Use an ssh-agent: `true` reads the socket path from `SSH_AUTH_SOCK`, a string is
   * the agent's socket path.
   */
  readonly agent?: boolean | string;
  /**
   * Key files an ssh config names (`IdentityFile`), tried in order after the agent, as ssh
   * does. Unlike {@link privateKeyFile}, one that is missing, cannot be read or cannot be
   * decrypted (with {@link passphrase}, if any) is skipped, said in the failure message
   * should no method succeed: a config names keys for many hosts, and ssh skips them too.
   */
  readonly identityFiles?: readonly string[];
  /** Password for `password` / `keyboard-interactive` authentication. Secret. */
  readonly password?: string;
}

/** SSH host key algorithms whose keys can be pinned or found in known_hosts. */
export type HostKeyType = "ssh-ed25519" | "ecdsa-sha2-nistp256" | "ecdsa-sha2-nistp384" | "ecdsa-sha2-nistp521" | "ssh-rsa";

/** Trust the host keys listed in an OpenSSH known_hosts file (or text in that format). */
export interface KnownHostsPolicy {
  /** Discriminant. */
  readonly kind: "known-hosts";
  /**
   * Path of the known_hosts file; default `~/.ssh/known_hosts`. A missing file counts
   * as empty, so every host is unknown and refused.
   */
  readonly file?: string;
  /** known_hosts content given inline instead of `file` (exclusive with it). */
  readonly text?: string;
}

/** Trust exactly one host key, named by its OpenSSH SHA256 fingerprint. */
export interface PinnedFingerprintPolicy {
  /** Discriminant. */
  readonly kind: "fingerprint";
  /** `SHA256:` followed by unpadded base64, as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
  /**
   * The pinned key's type. A server with several host keys presents the one the
   * client prefers (ed25519 first); naming the type makes the server present the
   * pinned one.
   */
  readonly keyType?: HostKeyType;
}

/**
 * How a server's host key is checked. There is deliberately no "accept new keys"
 * mode: an unknown key is always refused.
 */
export type HostKeyPolicy = KnownHostsPolicy | PinnedFingerprintPolicy;

/** One SSH server to log in to, possibly reached through a jump host. */
export interface SshTarget {
  /** Host name or IP address, as it appears in known_hosts. */
  readonly host: string;
  /** TCP port; default 22. */
  readonly port?: number;
  /** Login user name. */
  readonly user: string;
  /** Authentication methods to try. */
  readonly auth: SshAuth;
  /** Host key check; default `{ kind: "known-hosts" }` with `~/.ssh/known_hosts`. */
  readonly hostKey?: HostKeyPolicy;
  /**
   * A bastion to log in to first; this target is then reached through a TCP
   * forward (`direct-tcpip`) opened on the bastion, like OpenSSH's `ProxyJump`.
   * The bastion's host key is checked with its own policy.
   */
  readonly jump?: SshTarget;
  /**
   * Time allowed for TCP connect, SSH handshake and authentication; default 20000. Never
   * more than what is left of the endpoint's {@link LibvirtEndpoint.connectTimeoutMs}.
   */
  readonly readyTimeoutMs?: number;
}

/**
 * Which program the remote end runs to reach the libvirt daemon, like libvirt's own
 * `proxy=` URI parameter: `auto` prefers `virt-ssh-helper` and falls back to `nc`.
 */
export type RemoteProxy = "auto" | "virt-ssh-helper" | "netcat";

/** Where a libvirt daemon is and how to reach it. */
export interface LibvirtEndpoint {
  /** Reach the daemon over SSH; absent means the local unix socket. */
  readonly ssh?: SshTarget;
  /**
   * The daemon-local URI, e.g. `qemu:///system`, `qemu:///session`, `lxc:///`:
   * no transport (`+ssh`) and no host part.
   */
  readonly uri: string;
  /**
   * The daemon's unix socket: used locally, and remotely by the `nc` fallback.
   * Default `/var/run/libvirt/libvirt-sock`.
   */
  readonly socketPath?: string;
  /** Remote proxy program; default `auto`. Ignored for local links. */
  readonly proxy?: RemoteProxy;
  /**
   * Time allowed to open the connection, every step together: TCP connect, SSH login
   * on each jump host and on the target, the channel to the daemon, and libvirt's own
   * handshake (which the libvirt layer runs within what is left); default 30000 ms.
   * One budget rather than one per step, so a user can tell how long a run may wait.
   */
  readonly connectTimeoutMs?: number;
  /**
   * Tries at each TCP dial to an SSH host (the target, or the outermost jump host), from
   * 1 to 10; default 3. A dial that fails in a way that may pass (refused, reset, no
   * route, timed out, resolver unavailable) is tried again after 0.5 s, 1 s, 2 s, … (at
   * most 4 s), within {@link connectTimeoutMs}; other failures are not retried.
   */
  readonly connectAttempts?: number;
  /**
   * How long an open connection may go unanswered before its calls fail; default 30000 ms.
   * SSH keepalives (for the link) and libvirt keepalives (for the daemon) are sent every
   * sixth of it; a silent link fails at about two thirds, a silent daemon behind a live
   * link at the whole (see `keepaliveSchedule`). Explicit {@link OpenLinkOptions} SSH
   * keepalive settings take precedence on the link.
   */
  readonly keepaliveTimeoutMs?: number;
}

/** Tuning knobs for {@link openLink}; all optional with sensible defaults. */
export interface OpenLinkOptions {
  /** SSH keepalive interval; default 5000 ms. 0 disables keepalives. */
  readonly keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the link is declared dead; default 3. */
  readonly keepaliveCountMax?: number;
  /**
   * Time allowed for opening a forward or the exec channel; default 10000 ms. Never more
   * than what is left of the endpoint's {@link LibvirtEndpoint.connectTimeoutMs}.
   */
  readonly channelTimeoutMs?: number;
  /** Time {@link Link.close} waits for each graceful step before forcing; default 3000 ms. */
  readonly closeTimeoutMs?: number;
  /** Receives progress messages (never secrets), e.g. for Pulumi's log. */
  readonly log?: (message: string) => void;
}

/** An open byte stream to a libvirt daemon. */
export interface Link {
  /** Bytes to and from the daemon; the RPC layer owns framing. */
  readonly stream: Duplex;
  /** Who is at the other end, e.g. `kvmtest@127.0.0.1:2222`; never contains secrets. */
  readonly description: string;
  /**
   * Settles once the link is fully down and never rejects: `undefined` after
   * {@link Link.close}, otherwise the {@link TransportError} saying why it dropped
   * (for example the remote proxy's exit status and stderr). The stream may end
   * before this settles; consumers that see the stream end should await it for
   * the reason.
   */
  readonly closed: Promise<TransportError | undefined>;
  /**
   * Milliseconds since the SSH server last sent anything on this link (its answers to
   * SSH keepalives included); absent for a local link, which has no carrier of its own.
   * Lets the layer above tell a silent daemon (the link still answers) from a silent link.
   */
  readonly silentMs?: () => number;
  /**
   * Ends the stream, then the SSH connections (target first, then jump hosts), and
   * resolves when all are closed. Idempotent; never rejects.
   */
  close(): Promise<void>;
}
