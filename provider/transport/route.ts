/**
 * Walks a target's jump chain: log in to the outermost bastion, forward a TCP stream
 * from it to the next hop, log in to that hop over the stream, and so on, like
 * OpenSSH's `ProxyJump`. Each hop checks its own host key with its own policy.
 */
import type { Duplex } from "node:stream";

import { describeTarget, targetPort } from "./describe";
import { TransportError } from "./errors";
import { connectSsh, type SshConnection, type SshConnectionSettings } from "./sshConnection";
import { formatSeconds, withTimeout } from "./timeout";
import type { SshTarget } from "./types";

/** Settings for walking a route. */
export interface RouteSettings extends SshConnectionSettings {
  /** Time allowed for a bastion to open each forward. */
  readonly channelTimeoutMs: number;
  /** Time allowed for each connection to close when unwinding after a failure. */
  readonly closeTimeoutMs: number;
}

/** The connections a route opened. */
export interface Route {
  /** Every connection, outermost bastion first, the target's last. */
  readonly connections: readonly SshConnection[];
  /** The connection to the target itself (the last of {@link connections}). */
  readonly target: SshConnection;
}

/**
 * Connects to `target` through its jump hosts, outermost bastion first. On failure,
 * ends whatever was opened, then rethrows.
 */
export async function connectRoute(target: SshTarget, settings: RouteSettings): Promise<Route> {
  const opened: SshConnection[] = [];
  try {
    const last = await connectThrough(target, settings, opened);
    return { connections: opened, target: last };
  } catch (error) {
    await endAll(opened, settings.closeTimeoutMs);
    throw error;
  }
}

/**
 * Connects to `target` over a stream forwarded by its jump host, itself connected the
 * same way first; appends each connection to `opened` as soon as it exists, so a
 * failure further in can end it.
 */
async function connectThrough(target: SshTarget, settings: RouteSettings, opened: SshConnection[]): Promise<SshConnection> {
  let sock: Duplex | undefined;
  if (target.jump !== undefined) {
    const bastion = await connectThrough(target.jump, settings, opened);
    settings.debug(describeTarget(target), `asking jump host ${bastion.description} for a TCP forward`);
    sock = await forwardTo(bastion, target, settings.deadline.capped(settings.channelTimeoutMs));
    settings.debug(describeTarget(target), "TCP forward opened");
  }
  const connection = await connectSsh(target, settings, sock);
  opened.push(connection);
  return connection;
}

/** Ends connections innermost first, so each hop's stream closes before its carrier. */
export async function endAll(connections: readonly SshConnection[], timeoutMs: number): Promise<void> {
  for (const connection of [...connections].reverse()) await connection.end(timeoutMs);
}

/** Asks a bastion to open a TCP stream (`direct-tcpip`) to the next hop. */
function forwardTo(bastion: SshConnection, next: SshTarget, timeoutMs: number): Promise<Duplex> {
  const destination = describeTarget(next);
  const opening = new Promise<Duplex>((resolve, reject) => {
    // The source address is informational for sshd; OpenSSH's ProxyJump sends loopback too.
    bastion.client.forwardOut("127.0.0.1", 0, next.host, targetPort(next), (error, stream) => {
      if (error !== undefined && error !== null) {
        reject(
          new TransportError(
            "connect",
            destination,
            `jump host ${bastion.description} could not open a TCP forward to ${next.host}:${targetPort(next)}: ` +
              `${error.message} (is the target reachable from the jump host, and does its sshd allow TCP forwarding?)`,
            { cause: error },
          ),
        );
      } else {
        resolve(stream);
      }
    });
  });
  return withTimeout(
    opening,
    timeoutMs,
    () =>
      new TransportError(
        "timeout",
        destination,
        `jump host ${bastion.description}: TCP forward to ${destination}: not opened within ${formatSeconds(timeoutMs)}`,
      ),
  );
}
