/**
 * A link over SSH: the route's last connection runs the remote proxy on an exec
 * channel, and that channel's stdin/stdout is the byte stream to the daemon (what
 * `virsh -c qemu+ssh://` does). One channel per connection, held for the link's life.
 */
import type { ClientChannel } from "ssh2";

import { describeRoute } from "./describe";
import { TransportError } from "./errors";
import { watchProxyChannel, type ProxyChannelWatch } from "./proxyChannel";
import { remoteProxyCommand } from "./remoteCommand";
import { connectRoute, endAll, type RouteSettings } from "./route";
import type { SshConnection } from "./sshConnection";
import { formatSeconds, settlesWithin, withTimeout } from "./timeout";
import type { LibvirtEndpoint, Link, SshTarget } from "./types";

/** Opens an SSH link to the daemon described by `endpoint` (whose `ssh` is `target`). */
export async function openSshLink(endpoint: LibvirtEndpoint, target: SshTarget, settings: RouteSettings): Promise<Link> {
  // Built first: a bad URI or socket path must fail before any connection is made.
  const command = remoteProxyCommand(endpoint);
  const description = describeRoute(target);
  const route = await connectRoute(target, settings);
  let proxy: RunningProxy;
  try {
    proxy = await execProxy(route.target, command, description, settings.deadline.capped(settings.channelTimeoutMs));
  } catch (error) {
    await endAll(route.connections, settings.closeTimeoutMs);
    throw error;
  }
  settings.log(`${description}: remote proxy started`);
  settings.debug(description, `channel opened: ${proxyProgram(endpoint)}`);
  return watchLink(proxy, route.connections, description, settings);
}

/** The remote program's name for the debug log: the command line itself is a shell script. */
function proxyProgram(endpoint: LibvirtEndpoint): string {
  switch (endpoint.proxy ?? "auto") {
    case "virt-ssh-helper":
      return "virt-ssh-helper";
    case "netcat":
      return "nc";
    default:
      return "virt-ssh-helper or nc";
  }
}

interface RunningProxy {
  readonly channel: ClientChannel;
  readonly watch: ProxyChannelWatch;
}

function execProxy(connection: SshConnection, command: string, description: string, timeoutMs: number): Promise<RunningProxy> {
  const opening = new Promise<RunningProxy>((resolve, reject) => {
    try {
      connection.client.exec(command, (error, channel) => {
        if (error !== undefined && error !== null) {
          reject(
            new TransportError(
              "channel",
              description,
              `cannot open an exec channel on ${description}: ${error.message} ` +
                "(sshd refuses channels beyond MaxSessions, default 10 per connection)",
              { cause: error },
            ),
          );
        } else {
          resolve({ channel, watch: watchProxyChannel(channel) });
        }
      });
    } catch (error) {
      // ssh2 throws synchronously when the connection dropped in the meantime.
      const reason = error instanceof Error ? error.message : String(error);
      reject(new TransportError("channel", description, `cannot open an exec channel on ${description}: ${reason}`, { cause: error }));
    }
  });
  return withTimeout(
    opening,
    timeoutMs,
    () =>
      new TransportError(
        "timeout",
        description,
        `${description}: exec channel for the libvirt proxy: not opened within ${formatSeconds(timeoutMs)}`,
      ),
  );
}

/**
 * Wires the channel and connections into a {@link Link}: whichever goes down first
 * (the proxy exits, the channel closes, a connection drops) tears down the rest and
 * settles `closed` with the reason, unless `close()` started it.
 */
function watchLink(proxy: RunningProxy, connections: readonly SshConnection[], description: string, settings: RouteSettings): Link {
  const { channel, watch } = proxy;
  let closing = false;
  let settle!: (reason: TransportError | undefined) => void;
  const closed = new Promise<TransportError | undefined>((resolve) => (settle = resolve));

  let tearingDown: Promise<void> | undefined;
  const tearDown = (): Promise<void> => {
    tearingDown ??= (async () => {
      const why = closing ? undefined : dropReason(watch, connections, description, settings);
      await endAll(connections, settings.closeTimeoutMs);
      settings.log(`${description}: ${why === undefined ? "closed" : `dropped: ${why.message}`}`);
      settings.debug(description, why === undefined ? "link closed" : `link failed: ${why.message}`);
      settle(why);
    })();
    return tearingDown;
  };
  void watch.closed.then(tearDown);
  for (const connection of connections) void connection.closed.then(tearDown);

  let closeCall: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closeCall ??= (async () => {
      closing = true;
      // EOF lets the proxy exit on its own (nc -q0, virt-ssh-helper); sshd then closes the channel.
      channel.end();
      if (!(await settlesWithin(watch.closed, settings.closeTimeoutMs))) channel.close();
      await tearDown();
    })();
    return closeCall;
  };

  // The target's connection carries the channel: its silence is the link's.
  const carrier = connections[connections.length - 1];
  const silentMs = (): number => carrier?.silentMs() ?? 0;
  return { stream: channel, description, closed, close, silentMs };
}

/** Why the link went down when nobody asked it to: the SSH link, or the daemon behind it. */
function dropReason(
  watch: ProxyChannelWatch,
  connections: readonly SshConnection[],
  description: string,
  settings: RouteSettings,
): TransportError {
  const tail = watch.stderrTail();
  const exitCode = watch.exitCode();
  const exitSignal = watch.exitSignal();
  const details = { stderr: tail, ...(exitCode === undefined ? {} : { exitCode }), ...(exitSignal === undefined ? {} : { exitSignal }) };
  const said = tail === "" ? "" : `; it said: ${tail}`;
  if (exitCode === 127) {
    return new TransportError(
      "channel",
      description,
      `remote libvirt proxy on ${description} exited with status 127 (command not found: is libvirt's virt-ssh-helper or nc installed on the host?)${said}`,
      details,
    );
  }
  if (exitCode !== undefined && exitCode !== 0) {
    // The SSH side delivered the proxy's exit status, so the link held: the proxy lost (or never
    // reached) the daemon's socket, as when libvirtd is stopped, killed or restarting.
    return new TransportError(
      "channel",
      description,
      `the libvirt daemon behind ${description} is gone or unreachable: the remote libvirt proxy exited with status ${exitCode} ` +
        `while the SSH link held (is libvirtd running? see \`systemctl status libvirtd\` on the host; the next run reconnects)${said}`,
      details,
    );
  }
  if (exitSignal !== undefined) {
    return new TransportError("channel", description, `remote libvirt proxy on ${description} was killed by ${exitSignal}${said}`, details);
  }
  const lost = connections.map((c) => c.failure()).find((e) => e !== undefined) ?? watch.streamError();
  if (lost !== undefined) {
    return new TransportError("closed", description, `SSH link to ${description} lost: ${linkLoss(lost, settings)}${said}`, {
      ...details,
      cause: lost,
    });
  }
  if (exitCode === 0) {
    return new TransportError(
      "closed",
      description,
      `the libvirt daemon behind ${description} closed its end of the connection (was libvirtd stopped or restarted? ` +
        `see \`systemctl status libvirtd\` on the host; the next run reconnects)${said}`,
      details,
    );
  }
  return new TransportError(
    "closed",
    description,
    `SSH link to ${description} closed by the server or the network (is the host up and its sshd running? the next run reconnects)${said}`,
    details,
  );
}

/** What ssh2 reported when a connection dropped, said in terms of what to check. */
function linkLoss(error: Error & { level?: string }, settings: RouteSettings): string {
  if (error.level === "client-timeout") {
    const silentMs = settings.keepaliveIntervalMs * (settings.keepaliveCountMax + 1);
    return (
      `no answer to SSH keepalives for about ${formatSeconds(silentMs)} ` +
      "(the host, its sshd or the network is down or frozen: check that the host is reachable; the next run reconnects)"
    );
  }
  return `${error.message} (check that the host is reachable and its sshd running; the next run reconnects)`;
}
