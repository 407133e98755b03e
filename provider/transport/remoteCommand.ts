/**
 * The command run on the SSH server to reach the libvirt daemon: the only place a
 * shell command line is built, and only from validated values.
 *
 * sshd hands the command to the user's login shell, whatever that is. So the line the
 * login shell sees is a plain `sh -c '<script>'` (parsed alike by sh, bash, zsh and
 * csh); the script inside is POSIX sh. Every value in the script is single-quoted,
 * and the script is single-quoted again as one word: two levels, like libvirt's own
 * client. Validation restricts values to characters that need no quoting at all,
 * so the quoting is a second wall, not the only one.
 */
import { TransportError } from "./errors";
import { DEFAULT_SOCKET_PATH } from "./describe";
import type { RemoteProxy } from "./types";

/**
 * A daemon-local libvirt URI: a lower-case driver name, `:///`, then an optional path
 * of `/`-separated words, e.g. `qemu:///system`, `qemu:///session`, `lxc:///`.
 */
const DAEMON_URI = /^[a-z][a-z0-9]*:\/\/\/(?:[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*)?$/;
/** An absolute path of letters, digits and `._-/`. */
const SOCKET_PATH = /^\/[A-Za-z0-9._/-]*$/;
/** Unix socket paths must fit `sun_path` (108 bytes on Linux, with the NUL). */
const MAX_SOCKET_PATH = 107;
const MAX_URI = 256;

/** Problems with a daemon-local URI; empty when it is acceptable. */
export function validateDaemonUri(uri: string): string[] {
  if (DAEMON_URI.test(uri) && uri.length <= MAX_URI) return [];
  if (uri.length > MAX_URI) return [`uri is longer than ${MAX_URI} characters`];
  const scheme = /^([^:/?#]*):/.exec(uri)?.[1];
  if (scheme?.includes("+")) {
    return [
      `uri "${safeShow(uri)}" names a transport (${scheme}); give the daemon-local form such as qemu:///system — the SSH hop is set by the endpoint's ssh field`,
    ];
  }
  if (/^[a-z][a-z0-9]*:\/\/[^/]/.test(uri)) {
    return [
      `uri "${safeShow(uri)}" names a host; give the daemon-local form such as qemu:///system — the host is set by the endpoint's ssh field`,
    ];
  }
  if (uri.includes("?")) return [`uri "${safeShow(uri)}" has query parameters, which are not supported`];
  return [
    `uri "${safeShow(uri)}" is not a daemon-local libvirt URI such as qemu:///system (driver name, ":///", path of letters, digits, "_" and "-")`,
  ];
}

/** Problems with a unix socket path; empty when it is acceptable. */
export function validateSocketPath(path: string): string[] {
  if (!path.startsWith("/")) return [`socketPath "${safeShow(path)}" must be absolute`];
  if (!SOCKET_PATH.test(path)) return [`socketPath "${safeShow(path)}" may only contain letters, digits and "._-/"`];
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) return [`socketPath is longer than ${MAX_SOCKET_PATH} bytes, the unix socket limit`];
  return [];
}

/**
 * Quotes one word for a POSIX shell: wrapped in single quotes, inside which nothing
 * is special; a single quote itself is written as `'\''` (close, escaped quote, reopen).
 * NUL cannot be passed through a command line at all, so it is refused.
 */
export function shellQuote(word: string): string {
  if (word.includes("\0")) throw new TransportError("config", "remote command", "a shell word cannot contain a NUL character");
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** What the remote command needs to know. */
export interface RemoteCommandInput {
  /** Daemon-local URI handed to `virt-ssh-helper`. */
  readonly uri: string;
  /** Daemon socket for the `nc` fallback; default `/var/run/libvirt/libvirt-sock`. */
  readonly socketPath?: string;
  /** Which proxy to run; default `auto`. */
  readonly proxy?: RemoteProxy;
}

/**
 * Builds the command line for the exec channel. Throws a `config`
 * {@link TransportError} listing every problem when a value fails validation.
 *
 * The script mirrors what libvirt's client runs for `qemu+ssh://`:
 * - `virt-ssh-helper URI` when installed: it knows where each (modular or monolithic)
 *   daemon listens, so it is preferred;
 * - otherwise `nc -U SOCKET`, with `-q0` when this nc has `-q` (detected by the
 *   "requires an argument" complaint), because OpenBSD nc otherwise keeps running
 *   after our side closes, leaving the session open on the host.
 * `exec` replaces the shell, so the proxy's exit status and stderr reach us directly.
 * Missing programs end with exit 127 and a message on stderr, which the link reports.
 */
export function remoteProxyCommand(input: RemoteCommandInput): string {
  const socketPath = input.socketPath ?? DEFAULT_SOCKET_PATH;
  const proxy = input.proxy ?? "auto";
  const problems = [...validateDaemonUri(input.uri), ...validateSocketPath(socketPath)];
  if (!["auto", "virt-ssh-helper", "netcat"].includes(proxy)) problems.push(`proxy must be auto, virt-ssh-helper or netcat`);
  if (problems.length > 0) throw new TransportError("config", "remote command", problems.join("; "));

  const helper = `exec virt-ssh-helper ${shellQuote(input.uri)}`;
  const missingNc =
    proxy === "auto"
      ? `neither virt-ssh-helper nor nc is installed on this host (nc would reach ${socketPath})`
      : `nc is not installed on this host (needed to reach ${socketPath})`;
  const netcat =
    `command -v nc >/dev/null 2>&1 || { echo ${shellQuote(missingNc)} >&2; exit 127; }; ` +
    `if nc -q 2>&1 | grep "requires an argument" >/dev/null 2>&1; then ARG=-q0; else ARG=; fi; ` +
    `exec nc $ARG -U ${shellQuote(socketPath)}`;
  let script: string;
  switch (proxy) {
    case "virt-ssh-helper":
      script = `command -v virt-ssh-helper >/dev/null 2>&1 || { echo ${shellQuote("virt-ssh-helper is not installed on this host")} >&2; exit 127; }; ${helper}`;
      break;
    case "netcat":
      script = netcat;
      break;
    default:
      script = `if command -v virt-ssh-helper >/dev/null 2>&1; then ${helper}; fi; ${netcat}`;
  }
  return `sh -c ${shellQuote(script)}`;
}

/** Shows user input in a message without letting control characters through. */
function safeShow(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > 80 ? `${printable.slice(0, 77)}...` : printable;
}
