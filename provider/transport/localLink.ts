/**
 * A link to a daemon on this machine: its unix socket, no SSH.
 */
import { createConnection, type Socket } from "node:net";

import { DEFAULT_SOCKET_PATH } from "./describe";
import { TransportError } from "./errors";
import { onceEvent, settlesWithin } from "./timeout";
import type { LibvirtEndpoint, Link } from "./types";

/** Settings for a local link. */
export interface LocalLinkSettings {
  /** Time allowed for the socket to connect. */
  readonly connectTimeoutMs: number;
  /** Time `close()` waits for the daemon to close its side before destroying. */
  readonly closeTimeoutMs: number;
  /** Progress messages. */
  readonly log: (message: string) => void;
}

/** Connects to the daemon's unix socket (default `/var/run/libvirt/libvirt-sock`). */
export async function openLocalLink(endpoint: LibvirtEndpoint, settings: LocalLinkSettings): Promise<Link> {
  const path = endpoint.socketPath ?? DEFAULT_SOCKET_PATH;
  const description = `unix:${path}`;
  const socket = await connectUnix(path, description, settings.connectTimeoutMs);
  settings.log(`${description}: connected`);

  let closing = false;
  let streamError: Error | undefined;
  // Errors surface through `closed`; this listener also keeps the process alive if
  // the consumer has not attached its own.
  socket.on("error", (error: Error) => void (streamError ??= error));
  const socketClosed = onceEvent(socket, "close");
  const closed = socketClosed.then((): TransportError | undefined => {
    if (closing) return undefined;
    const why = streamError === undefined ? "the daemon closed the connection" : streamError.message;
    return new TransportError(
      "closed",
      description,
      `link to ${description} lost: ${why}`,
      streamError === undefined ? {} : { cause: streamError },
    );
  });

  let closeCall: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closeCall ??= (async () => {
      closing = true;
      socket.end();
      if (!(await settlesWithin(socketClosed, settings.closeTimeoutMs))) socket.destroy();
      await closed;
    })();
    return closeCall;
  };
  return { stream: socket, description, closed, close };
}

function connectUnix(path: string, description: string, timeoutMs: number): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = createConnection({ path });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TransportError("timeout", description, `connecting to ${description} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new TransportError("connect", description, `cannot connect to libvirt at ${description}: ${unixReason(error)}`, { cause: error }),
      );
    });
  });
}

function unixReason(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
      return "no such socket (ENOENT): is libvirtd running?";
    case "ECONNREFUSED":
      return "connection refused (ECONNREFUSED): the socket exists but no daemon is listening";
    case "EACCES":
      return "permission denied (EACCES): is this user in the libvirt group?";
    default:
      return error.code === undefined ? error.message : `${error.message} (${error.code})`;
  }
}
