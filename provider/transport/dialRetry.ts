/**
 * Retrying a TCP dial to an SSH host: a host that is rebooting, an sshd restarting or a
 * network blip refuses or drops the first try, and one failed dial should not fail a
 * whole run. Only errors that may pass are retried; a wrong name, a refused login or a
 * changed host key fails at once, since trying again cannot change them.
 */
import type { Deadline } from "./timeout";

/** Default number of dial attempts per host. */
export const DEFAULT_CONNECT_ATTEMPTS = 3;
/** Bounds of {@link LibvirtEndpoint.connectAttempts}. */
export const MIN_CONNECT_ATTEMPTS = 1;
/** Upper bound: more tries than this is waiting for a host that is not coming. */
export const MAX_CONNECT_ATTEMPTS = 10;
/** The wait before the second attempt; each later wait doubles it. */
export const FIRST_BACKOFF_MS = 500;
/** The longest wait between two attempts. */
export const MAX_BACKOFF_MS = 4_000;

/**
 * Socket error codes a later dial may not see: refused or reset (sshd not up yet), no
 * route (an interface or VPN coming up), timed out, and a resolver that could not answer
 * now (EAI_AGAIN). ENOTFOUND is not among them: a name that does not exist stays so.
 */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EAI_AGAIN",
]);

/** True when a failed dial with this error code is worth another try. */
export function isTransientDialError(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT_CODES.has(code);
}

/** The wait before attempt `attempt` (2, 3, …): 0.5 s, 1 s, 2 s, 4 s, 4 s, … */
export function backoffMs(attempt: number): number {
  if (attempt <= 1) return 0;
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempt - 2));
}

/** How a dial is retried. */
export interface DialRetrySettings {
  /** Attempts in all, at least 1. */
  readonly attempts: number;
  /** The link's budget: no wait starts that would leave the next attempt no time. */
  readonly deadline: Deadline;
  /** The socket error code of a failed attempt; undefined (never retried) when it was no socket failure. */
  codeOf(error: unknown): string | undefined;
  /** The error to reject with when giving up after a retry, given the last attempt's error. */
  giveUp(last: unknown, attempts: number, elapsedMs: number): Error;
  /** Told before each attempt, with its number. */
  readonly onAttempt?: (attempt: number) => void;
  /** Waits `ms`; a parameter so unit tests need not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `dial` until it succeeds, fails with an error that is not transient, runs out of
 * attempts, or the next wait would leave the next attempt too little of the deadline. A
 * first attempt's failure is rethrown as it is; after retries, `giveUp` says how many
 * attempts were made.
 */
export async function dialWithRetries<T>(dial: () => Promise<T>, settings: DialRetrySettings): Promise<T> {
  const sleep = settings.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    settings.onAttempt?.(attempt);
    try {
      return await dial();
    } catch (error) {
      const wait = backoffMs(attempt + 1);
      // Leave the next attempt some of the budget: a retry that starts as it ends only times out.
      const fits = settings.deadline.remainingMs() > wait + FIRST_BACKOFF_MS;
      if (!isTransientDialError(settings.codeOf(error)) || attempt >= settings.attempts || !fits) {
        if (attempt === 1) throw error;
        throw settings.giveUp(error, attempt, Date.now() - started);
      }
      await sleep(wait);
    }
  }
}
