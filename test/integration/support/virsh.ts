/**
 * `virsh` on a test host through OpenSSH's client: the plainest possible path
 * to a daemon, independent of the product's own transport and RPC code, so
 * integration tests can check the product against it.
 *
 * ssh hands the remote side one command line that the login shell parses, so
 * every argument is validated and single-quoted here; no caller text is ever
 * spliced into a shell string unquoted.
 */
import { spawn } from "node:child_process";
import type { TestHost } from "./hosts";

/** A failed remote command: its exit code and what it printed. */
export class RemoteCommandError extends Error {
  constructor(
    message: string,
    /** Exit code of ssh (255: ssh itself failed), or null when killed. */
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = "RemoteCommandError";
  }
}

/** Options of one remote command. */
export interface RunOptions {
  /** Text fed to the command's standard input (e.g. XML for `virsh define /dev/stdin`). */
  input?: string;
  /** Kill the command after this many milliseconds (default 60 s). */
  timeoutMs?: number;
}

/** Quotes one argument for a POSIX shell. */
export function shellQuote(arg: string): string {
  // Control characters have no business in a virsh argument; NUL cannot even
  // be passed. Refuse them rather than guess.
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(arg)) {
    throw new Error(`refusing an argument with control characters: ${JSON.stringify(arg)}`);
  }
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The ssh arguments that reach `host` with the test key and known_hosts, strictly. */
export function sshArgs(host: TestHost): string[] {
  return [
    "-F",
    "/dev/null", // no ssh config of whoever runs the tests
    "-i",
    host.keyPath,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    `UserKnownHostsFile=${host.knownHostsPath}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    "BatchMode=yes",
    "-o",
    "ConnectTimeout=10",
    "-o",
    "LogLevel=ERROR",
    "-p",
    String(host.port),
    `${host.user}@${host.host}`,
  ];
}

/** Runs `command args…` on `host` over ssh; resolves with its standard output. */
export function runRemote(host: TestHost, command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const remote = [command, ...args].map(shellQuote).join(" ");
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn("ssh", [...sshArgs(host), "--", remote], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      if (code === 0) {
        resolve(stdout);
        return;
      }
      const why = signal ? `killed by ${signal}${signal === "SIGKILL" ? ` after ${timeoutMs} ms` : ""}` : `exit ${code}`;
      reject(new RemoteCommandError(`host ${host.name}: ${command} ${args.join(" ")}: ${why}: ${stderr.trim()}`, code, stdout, stderr));
    });
    // Without input the remote side reads end-of-file at once.
    child.stdin.on("error", () => undefined); // the command may exit without reading it all
    child.stdin.end(options.input ?? "");
  });
}

/** Runs `virsh -c <host.uri> args…` on `host`; resolves with its standard output. */
export function virsh(host: TestHost, args: readonly string[], options: RunOptions = {}): Promise<string> {
  return runRemote(host, "virsh", ["-q", "-c", host.uri, ...args], options);
}

/**
 * Like {@link virsh}, but resolves with undefined when virsh fails (for
 * cleanup of things that may not exist).
 */
export async function tryVirsh(host: TestHost, args: readonly string[], options: RunOptions = {}): Promise<string | undefined> {
  try {
    return await virsh(host, args, options);
  } catch {
    return undefined;
  }
}
