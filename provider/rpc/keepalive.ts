import { formatSeconds } from "../transport";
import { RpcLinkError } from "./errors";

/** Settings for libvirt's keepalive protocol on one link. */
export interface KeepaliveOptions {
  /** Send a PING after this long without hearing from the daemon (libvirt's default is 5 s). */
  intervalMs: number;
  /** Fail the link after this many PINGs in a row went unanswered (libvirt's default is 5). */
  count: number;
}

/**
 * Watches a link for silence. The daemon answers PING with PONG and any other
 * traffic proves it alive too, so every received packet resets the count.
 * A half-open TCP or SSH link never reports an error by itself: without this,
 * a call on it would wait forever.
 */
export class KeepaliveMonitor {
  private timer?: NodeJS.Timeout;
  private unanswered = 0;

  /**
   * @param options interval and count
   * @param sendPing writes one PING packet
   * @param onDead called once when the daemon stayed silent too long
   */
  constructor(
    private readonly options: KeepaliveOptions,
    private readonly sendPing: () => void,
    private readonly onDead: (silentMs: number) => void,
  ) {}

  /** Starts the periodic check. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    // The monitor must never keep a finished program alive.
    this.timer.unref();
  }

  /** Records that the daemon sent something. */
  heard(): void {
    this.unanswered = 0;
  }

  /** Stops the periodic check. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (this.unanswered >= this.options.count) {
      this.stop();
      this.onDead(this.options.intervalMs * (this.options.count + 1));
      return;
    }
    this.unanswered++;
    this.sendPing();
  }
}

/** What to check when the daemon is silent while the link to it answers. */
export const SILENT_DAEMON_ADVICE = "is libvirtd on the host running and not stopped or hung? (`systemctl status libvirtd`)";

/**
 * The error for a keepalive that gave up: a silent link when the carrier heard nothing
 * either (`linkHeard` false), else a silent daemon (on a unix socket the daemon is the
 * only peer, so undefined counts as the daemon's silence too).
 */
export function silenceError(description: string, silentMs: number, linkHeard: boolean | undefined): RpcLinkError {
  const seconds = formatSeconds(silentMs);
  if (linkHeard === false) {
    return new RpcLinkError(
      `${description}: the SSH link has been silent for ${seconds} (no answer to libvirt or SSH keepalives): ` +
        "the host, its sshd or the network is down or frozen; check that the host is reachable (the next run reconnects)",
      { side: "link" },
    );
  }
  return new RpcLinkError(
    `${description}: no answer from the daemon for ${seconds} while the link is alive (libvirt keepalive): ${SILENT_DAEMON_ADVICE}`,
    { side: "daemon" },
  );
}
