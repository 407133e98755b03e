import { DEFAULT_CONNECT_TIMEOUT_MS, LibvirtEndpoint, Link, openLink, OpenLinkOptions } from "../transport";
import type { SshTarget } from "../transport";
import { LibvirtConnection, libvirtKeepalive } from "./connection";

/** Options of a {@link ConnectionPool}. */
export interface ConnectionPoolOptions {
  /** How long an unused connection stays open for the next caller; default 5000 ms. */
  idleMs?: number;
  /** Link settings (keepalive, timeouts, progress log). */
  link?: OpenLinkOptions;
  /** Opens links; the transport's `openLink` unless a test injects another. */
  openLink?: (endpoint: LibvirtEndpoint, options: OpenLinkOptions) => Promise<Link>;
}

/** A borrowed connection; call {@link Lease.release} when done (or use {@link ConnectionPool.use}). */
export interface Lease {
  /** The shared hypervisor connection. */
  readonly connection: LibvirtConnection;
  /** Gives the connection back to the pool. Idempotent. */
  release(): void;
}

interface Entry {
  ready: Promise<{ connection: LibvirtConnection; link: Link }>;
  refs: number;
  idleTimer?: NodeJS.Timeout;
  closing: boolean;
}

/**
 * One connection per (user, host, port, jump route, URI, socket), shared by
 * every caller in the process, opened on first use and closed when idle.
 *
 * Concurrent first callers share one opening attempt, so a program with
 * fifty resources on a host opens one SSH connection and one channel, not
 * fifty (OpenSSH refuses the eleventh channel by default). A connection
 * whose link dropped is forgotten at once: the next caller reconnects
 * instead of receiving a dead client.
 */
export class ConnectionPool {
  private readonly entries = new Map<string, Entry>();
  private readonly idleMs: number;

  /** @param options idle time, link settings, link opener */
  constructor(private readonly options: ConnectionPoolOptions = {}) {
    this.idleMs = options.idleMs ?? 5000;
  }

  /** Number of connections open or opening (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Borrows the connection for `endpoint`, opening it if needed.
   * @throws TransportError or LibvirtError when it cannot be opened
   */
  async acquire(endpoint: LibvirtEndpoint): Promise<Lease> {
    const key = endpointKey(endpoint);
    let entry = this.entries.get(key);
    if (!entry || entry.closing) {
      entry = this.open(key, endpoint);
      this.entries.set(key, entry);
    }
    entry.refs++;
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    const held = entry;
    let connection: LibvirtConnection;
    try {
      connection = (await held.ready).connection;
    } catch (err) {
      held.refs--;
      throw err;
    }
    let released = false;
    return {
      connection,
      release: () => {
        if (released) return;
        released = true;
        this.release(key, held);
      },
    };
  }

  /** Runs `fn` with the connection for `endpoint`, releasing it afterwards. */
  async use<T>(endpoint: LibvirtEndpoint, fn: (connection: LibvirtConnection) => Promise<T>): Promise<T> {
    const lease = await this.acquire(endpoint);
    try {
      return await fn(lease.connection);
    } finally {
      lease.release();
    }
  }

  /** Closes every connection now, borrowed or not. */
  async closeAll(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((e) => this.shut(e)));
  }

  private open(key: string, endpoint: LibvirtEndpoint): Entry {
    const entry: Entry = { refs: 0, closing: false, ready: undefined as never };
    const opener = this.options.openLink ?? openLink;
    entry.ready = (async () => {
      // One budget for the link and the handshake: the handshake gets what opening the link left.
      const startedAt = Date.now();
      const link = await opener(endpoint, this.options.link ?? {});
      try {
        const connection = await LibvirtConnection.open(link.stream, {
          uri: endpoint.uri,
          description: `${link.description} ${endpoint.uri}`,
          timeoutMs: endpoint.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
          keepalive: libvirtKeepalive(endpoint.keepaliveTimeoutMs),
          startedAt,
          link: { linkClosed: link.closed, ...(link.silentMs === undefined ? {} : { linkSilentMs: link.silentMs }) },
        });
        connection.rpc.onClose(() => this.forget(key, entry, link));
        return { connection, link };
      } catch (err) {
        await link.close();
        throw err;
      }
    })();
    entry.ready.catch(() => this.forget(key, entry));
    return entry;
  }

  private release(key: string, entry: Entry): void {
    entry.refs--;
    if (entry.refs > 0 || entry.closing) return;
    entry.idleTimer = setTimeout(() => {
      if (entry.refs > 0) return;
      this.forget(key, entry);
      void this.shut(entry);
    }, this.idleMs);
    // An idle connection must not keep a finished program running.
    entry.idleTimer.unref();
  }

  /** Drops the entry from the map if it is still the current one for its key. */
  private forget(key: string, entry: Entry, link?: Link): void {
    entry.closing = true;
    if (this.entries.get(key) === entry) this.entries.delete(key);
    if (link) void link.close();
  }

  private async shut(entry: Entry): Promise<void> {
    entry.closing = true;
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    try {
      const { connection, link } = await entry.ready;
      await connection.close();
      await link.close();
    } catch {
      // Opening failed: there is nothing to close.
    }
  }
}

/**
 * The identity of a connection: everything that decides which daemon answers,
 * nothing secret. Two resources naming the same host with different keys
 * share one connection, as they would share one `virsh -c` session.
 */
export function endpointKey(endpoint: LibvirtEndpoint): string {
  const route: string[] = [];
  for (let hop: SshTarget | undefined = endpoint.ssh; hop; hop = hop.jump) route.push(`${hop.user}@${hop.host}:${hop.port ?? 22}`);
  return JSON.stringify({ route, uri: endpoint.uri, socket: endpoint.socketPath ?? "", proxy: endpoint.proxy ?? "auto" });
}

let shared: ConnectionPool | undefined;

/** The process-wide pool that every resource in one provider process shares. */
export function sharedConnectionPool(): ConnectionPool {
  shared ??= new ConnectionPool();
  return shared;
}
