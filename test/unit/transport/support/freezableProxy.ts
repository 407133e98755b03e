/**
 * A TCP relay in front of a server that can stop relaying while keeping every socket
 * open: a frozen link (a stopped sshd, a network that drops packets), which no socket
 * error ever reports.
 */
import { once } from "node:events";
import { createConnection, createServer, type AddressInfo, type Socket } from "node:net";

/** A running relay. */
export interface FreezableProxy {
  /** The port to connect to instead of the server's. */
  readonly port: number;
  /** From now on, bytes in either direction are dropped; the sockets stay open. */
  freeze(): void;
  /** Closes the relay and every socket it holds. */
  stop(): Promise<void>;
}

/** Starts a relay on 127.0.0.1 to `127.0.0.1:targetPort`. */
export async function startFreezableProxy(targetPort: number): Promise<FreezableProxy> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  };
  const relay = (from: Socket, to: Socket): void => {
    from.on("data", (chunk: Buffer) => void (frozen || to.write(chunk)));
    from.on("end", () => void (frozen || to.end()));
  };
  const server = createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
    track(client);
    track(upstream);
    relay(client, upstream);
    relay(upstream, client);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    freeze: () => void (frozen = true),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
