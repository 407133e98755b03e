/**
 * One user-facing budget for an open connection's silence, split into the SSH
 * and libvirt keepalive schedules so the two layers fail in a known order.
 */

/** Default of {@link LibvirtEndpoint.keepaliveTimeoutMs}: libvirt's own (5 s pings, 5 unanswered). */
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 30_000;

/** Unanswered libvirt PINGs before the daemon is declared silent (libvirt's default). */
const LIBVIRT_KEEPALIVE_COUNT = 5;
/** Unanswered SSH keepalives before the link is declared dead: fewer, so a dead link is blamed first. */
const SSH_KEEPALIVE_COUNT = 3;

/** The keepalive schedules that fit one silence budget. */
export interface KeepaliveSchedule {
  /** Interval of both keepalives (ms): a sixth of the budget. */
  intervalMs: number;
  /** libvirt PINGs left unanswered before the daemon is silent: fails at the budget. */
  libvirtCount: number;
  /** SSH keepalives left unanswered before the link is dead: fails at two thirds of it. */
  sshCountMax: number;
}

/**
 * The schedules for `timeoutMs` of silence. Each side fails after (count + 1)
 * intervals; the SSH side's smaller count makes a frozen link fail as the
 * link's failure before libvirt's keepalive would blame the daemon, and keeps
 * the link heard from often enough to tell a silent daemon from a silent link.
 */
export function keepaliveSchedule(timeoutMs: number = DEFAULT_KEEPALIVE_TIMEOUT_MS): KeepaliveSchedule {
  const intervalMs = Math.max(1, Math.round(timeoutMs / (LIBVIRT_KEEPALIVE_COUNT + 1)));
  return { intervalMs, libvirtCount: LIBVIRT_KEEPALIVE_COUNT, sshCountMax: SSH_KEEPALIVE_COUNT };
}
