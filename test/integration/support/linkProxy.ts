/**
 * A TCP relay between the provider and a test host's sshd, which can cut or
 * freeze every connection it carries: a network failure between the two,
 * with both ends real.
 */
import { createServer, connect, Socket } from "node:net";

/** The relay. */
export class LinkProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private readonly server = createServer((client) => this.relay(client));
  /** Connections accepted so far. */
  accepted = 0;
  /** The port it listens on (127.0.0.1), once started. */
  port = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  /** Listens on `port` of 127.0.0.1 (default an ephemeral one), relaying to `target`. */
  static async start(target: { host: string; port: number }, port = 0): Promise<LinkProxy> {
    const proxy = new LinkProxy(target);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once("error", reject);
      proxy.server.listen(port, "127.0.0.1", resolve);
    });
    const address = proxy.server.address();
    if (address === null || typeof address === "string") throw new Error("the relay has no TCP address");
    proxy.port = address.port;
    return proxy;
  }

  /** Connections open now. */
  get open(): number {
    return this.pairs.size;
  }

  /** Cuts every open connection at once, as a failed network would (the far ends see a reset). */
  cut(): number {
    const n = this.pairs.size;
    for (const [client, upstream] of this.pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.pairs.clear();
    return n;
  }

  /** Stops relaying on every open connection, leaving them open: nothing more passes either way. */
  freeze(): number {
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    return this.pairs.size;
  }

  /** Cuts what is open and stops listening. */
  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    this.accepted++;
    const upstream = connect(this.target.port, this.target.host);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = (): void => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  }
}
