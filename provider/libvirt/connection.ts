import type { Duplex } from "node:stream";
import { KeepaliveOptions, RpcClient, RpcClientOptions, RpcLinkError, SILENT_DAEMON_ADVICE } from "../rpc";
import { DEFAULT_CONNECT_TIMEOUT_MS, formatSeconds, keepaliveSchedule, openDebugLog } from "../transport";
import { Domains } from "./domains";
import { AuthType, DriverFeature } from "./enums/connect";
import { MigrationSteps } from "./migrationSteps";
import { Networks } from "./networks";
import { Pools } from "./pools";
import { RemoteCalls, remoteCalls } from "./remoteCalls";
import { Secrets } from "./secrets";
import { Volumes } from "./volumes";
import { cpusOf } from "./wire/cpumap";
import { NO_FLAGS } from "./wire/fixedArgs";

/** Options for {@link LibvirtConnection.open}. */
export interface OpenOptions {
  /** The hypervisor URI as the daemon sees it, e.g. `qemu:///system`. */
  uri: string;
  /** Names the link in errors (never holds secrets). */
  description?: string;
  /** Keepalive settings; libvirt's own defaults (5 s, 5 times) when omitted. `false` disables it. */
  keepalive?: KeepaliveOptions | false;
  /**
   * Time allowed for the whole handshake; default 30000 ms. Keepalive starts only after
   * it, so without this bound a daemon that accepts the link but never answers (frozen
   * with `kill -STOP`) would hold the caller forever.
   */
  timeoutMs?: number;
  /**
   * When the time allowed began (`Date.now()`); default now. The connection pool starts
   * it before opening the link, so link and handshake share one budget.
   */
  startedAt?: number;
  /** The carrier's reasons and liveness, passed to the {@link RpcClient} (see its options). */
  link?: Pick<RpcClientOptions, "linkClosed" | "linkSilentMs">;
}

/** libvirt's keepalive for a silence budget (default 30 s: a PING every 5 s, 5 unanswered, as libvirt's own client). */
export function libvirtKeepalive(timeoutMs?: number): KeepaliveOptions {
  const { intervalMs, libvirtCount } = keepaliveSchedule(timeoutMs);
  return { intervalMs, count: libvirtCount };
}

/**
 * The handshake's timeout, saying the step and, when the carrier can tell, which side
 * is silent: a link that still answers means the daemon is stopped or hung.
 */
function handshakeTimeout(rpc: RpcClient, step: string, timeoutMs: number, waitedMs: number): RpcLinkError {
  const where = `${rpc.description}: libvirt handshake (${step}): no answer within ${formatSeconds(timeoutMs)} (connect timeout)`;
  // Heard in the second half of the wait: the link answered while the daemon did not.
  if (rpc.linkHeardWithin(waitedMs / 2) === true) {
    return new RpcLinkError(`${where}; the SSH link is alive, so the libvirt daemon is not answering: ${SILENT_DAEMON_ADVICE}`, {
      side: "daemon",
    });
  }
  return new RpcLinkError(
    `${where}: is libvirtd on the host running and not stopped or hung, and the host reachable? ` +
      "(a slow host may need a longer connect timeout)",
  );
}

/**
 * An open hypervisor connection: the RPC client after libvirt's opening
 * handshake, with typed calls grouped by object kind.
 */
export class LibvirtConnection {
  /** Domain (virtual machine) calls. */
  readonly domains: Domains;
  /** Virtual network calls. */
  readonly networks: Networks;
  /** Storage pool calls. */
  readonly pools: Pools;
  /** Storage volume calls. */
  readonly volumes: Volumes;
  /** The steps of a live migration this host takes part in (driven by `migrateLive`). */
  readonly migration: MigrationSteps;
  /** Secret calls. */
  readonly secrets: Secrets;

  private constructor(
    /** The RPC client under this connection. */
    readonly rpc: RpcClient,
    /** The generated wrappers of the procedure table, bound to {@link rpc}. */
    private readonly calls: RemoteCalls,
    /** The URI that was opened. */
    readonly uri: string,
    /** Whether NETWORK_UPDATE takes command before section on this daemon. */
    readonly networkUpdateInDocumentedOrder: boolean,
  ) {
    this.domains = new Domains(calls);
    this.networks = new Networks(calls, networkUpdateInDocumentedOrder);
    this.pools = new Pools(calls);
    this.volumes = new Volumes(calls);
    this.migration = new MigrationSteps(calls);
    this.secrets = new Secrets(calls);
  }

  /**
   * Runs libvirt's opening handshake on a fresh link, as libvirt's own client
   * does: list auth schemes (polkit when offered), open the URI, then ask for
   * keepalive and the network-update argument order.
   * On failure the link is closed and the error rethrown.
   */
  static async open(link: Duplex, options: OpenOptions): Promise<LibvirtConnection> {
    const rpc = new RpcClient(link, { description: options.description ?? options.uri, ...options.link });
    const calls = remoteCalls(rpc);
    const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    // Which call the handshake waits on, for the timeout's message.
    let step = "authentication list";
    const leftMs = Math.max(1, (options.startedAt ?? Date.now()) + timeoutMs - Date.now());
    const timer = setTimeout(() => rpc.abort(handshakeTimeout(rpc, step, timeoutMs, leftMs)), leftMs);
    try {
      const auth = await calls.authList();
      if (auth.length > 0 && !auth.includes(AuthType.None)) {
        if (!auth.includes(AuthType.Polkit)) {
          throw new Error(
            `${rpc.description}: the daemon requires SASL authentication, which is not supported; ` +
              `use an SSH login that is a member of the libvirt group`,
          );
        }
        // The daemon decides by the peer's unix credentials (group libvirt
        // passes without an agent); `complete` 0 would mean an agent must act.
        step = "polkit authorization";
        if (!(await calls.authPolkit())) throw new Error(`${rpc.description}: polkit authorization did not complete`);
      }
      step = "connect open";
      await calls.connectOpen({ name: options.uri, flags: NO_FLAGS });
      step = "feature queries";
      // Feature questions go to the opened hypervisor driver, so they follow the open.
      const [keepalive, documentedOrder] = await Promise.all([
        calls.connectSupportsFeature({ feature: DriverFeature.ProgramKeepalive }),
        calls.connectSupportsFeature({ feature: DriverFeature.NetworkUpdateHasCorrectOrder }),
      ]);
      if (options.keepalive !== false && keepalive) rpc.startKeepalive(options.keepalive ?? libvirtKeepalive());
      openDebugLog({ startedAt: options.startedAt })(rpc.description, "libvirt connection opened");
      return new LibvirtConnection(rpc, calls, options.uri, documentedOrder);
    } catch (err) {
      rpc.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** True once the link failed or was closed. */
  get isClosed(): boolean {
    return this.rpc.isClosed;
  }

  /** libvirt's version on the host as a number (major * 1,000,000 + minor * 1,000 + micro). */
  async libVersion(): Promise<bigint> {
    return this.calls.connectGetLibVersion();
  }

  /**
   * The host's domain capabilities XML (`virConnectGetDomainCapabilities`):
   * which machines, firmware and devices it offers for an arch and virt type.
   * Undefined arguments let the host choose its defaults.
   */
  domainCapabilities(query: { emulator?: string; arch?: string; machine?: string; virtType?: string } = {}): Promise<string> {
    const { emulator: emulatorBin, arch, machine, virtType } = query;
    return this.calls.connectGetDomainCapabilities({ emulatorBin, arch, machine, virtType, flags: NO_FLAGS });
  }

  /** The host's online CPUs, ascending (`virNodeGetCPUMap`): what a vCPU pinned to "all CPUs" may run on. */
  async onlineCpus(): Promise<number[]> {
    const { cpumap, ret } = await this.calls.nodeGetCpuMap({ needMap: 1, needOnline: 1, flags: NO_FLAGS });
    return cpusOf(cpumap, ret);
  }

  /** Asks whether the daemon supports a driver feature. */
  supportsFeature(feature: DriverFeature): Promise<boolean> {
    return this.calls.connectSupportsFeature({ feature });
  }

  /** The authentication schemes the daemon offers. */
  authList(): Promise<AuthType[]> {
    return this.calls.authList();
  }

  /** Closes the hypervisor connection politely, then the link. Never throws. */
  async close(): Promise<void> {
    if (!this.rpc.isClosed) {
      try {
        await this.calls.connectClose();
      } catch {
        // The link is gone or the daemon refused: closing the link is all that is left.
      }
    }
    this.rpc.close();
  }
}
