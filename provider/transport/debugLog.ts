/**
 * The transport's debug switch: `PULUMI_KVM_DEBUG=transport` (or `1`, `*`) prints each
 * step of opening a link to stderr, so a hanging jump host or a slow login shows where
 * it waits. Pulumi shows the provider host's stderr lines to the user.
 *
 * Lines name hosts, ports, fingerprints, file paths and method names only: never keys,
 * passphrases, passwords or what an agent holds.
 */

/** Writes one debug event about `where` (e.g. `user@host:22`); does nothing when the switch is off. */
export type DebugLog = (where: string, event: string) => void;

/** A {@link DebugLog} that writes nothing. */
export const NO_DEBUG: DebugLog = () => undefined;

/** The values of `PULUMI_KVM_DEBUG` that turn the transport's events on (a comma-separated list may hold several). */
const SWITCH_WORDS = new Set(["transport", "1", "*", "true", "all"]);

/** True when `PULUMI_KVM_DEBUG` asks for the transport's events. */
export function transportDebugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env["PULUMI_KVM_DEBUG"] ?? "";
  return value
    .split(",")
    .map((word) => word.trim().toLowerCase())
    .some((word) => SWITCH_WORDS.has(word));
}

/** Where {@link openDebugLog} reads and writes; each defaults to the process's own. */
export interface DebugLogOptions {
  /** The environment holding `PULUMI_KVM_DEBUG`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Receives each line, newline included. */
  readonly write?: (line: string) => void;
  /** When the opening began (`Date.now()`), so later steps count from the same start; default now. */
  readonly startedAt?: number;
}

/**
 * The debug log for one link being opened, reading the environment now (so a change
 * between opens, as tests make, takes effect). Elapsed times count from `startedAt`.
 */
export function openDebugLog(options: DebugLogOptions = {}): DebugLog {
  if (!transportDebugEnabled(options.env)) return NO_DEBUG;
  const write = options.write ?? writeStderr;
  const started = options.startedAt ?? Date.now();
  return (where, event) => write(`pulumi-kvm: ${where} +${Date.now() - started}ms ${oneLine(event)}\n`);
}

function writeStderr(line: string): void {
  process.stderr.write(line);
}

/** One event, one line: a peer's text (an error message) must not start a line of its own. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}
