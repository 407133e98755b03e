import type { Duplex } from "node:stream";
import { KeepaliveOptions, RpcClient, XdrWriter } from "../rpc";
import { Domains } from "./domains";
import { encodeArgs, readString } from "./handles";
import { Networks } from "./networks";
import { Pools } from "./pools";
import { RemoteProc } from "./procedures";
import { Volumes } from "./volumes";

/** Authentication schemes a daemon may offer (`remote_auth_type`). */
export enum AuthType {
  None = 0,
  Sasl = 1,
  Polkit = 2,
}

/** `virDrvFeature` numbers this client asks about. */
export enum DriverFeature {
  /** The daemon understands the keepalive program. */
  ProgramKeepalive = 10,
  /** NETWORK_UPDATE takes `command` and `section` in the documented order. */
  NetworkUpdateHasCorrectOrder = 16,
}

/** Options for {@link LibvirtConnection.open}. */
export interface OpenOptions {
  /** The hypervisor URI as the daemon sees it, e.g. `qemu:///system`. */
  uri: string;
  /** Names the link in errors (never holds secrets). */
  description?: string;
  /** Keepalive settings; libvirt's own defaults (5 s, 5 times) when omitted. `false` disables it. */
  keepalive?: KeepaliveOptions | false;
}

const DEFAULT_KEEPALIVE: KeepaliveOptions = { intervalMs: 5000, count: 5 };

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

  private constructor(
    /** The RPC client under this connection. */
    readonly rpc: RpcClient,
    /** The URI that was opened. */
    readonly uri: string,
    /** Whether NETWORK_UPDATE takes command before section on this daemon. */
    readonly networkUpdateInDocumentedOrder: boolean,
  ) {
    this.domains = new Domains(rpc);
    this.networks = new Networks(rpc, networkUpdateInDocumentedOrder);
    this.pools = new Pools(rpc);
    this.volumes = new Volumes(rpc);
  }

  /**
   * Runs libvirt's opening handshake on a fresh link, as libvirt's own client
   * does: list auth schemes (polkit when offered), open the URI, then ask for
   * keepalive and the network-update argument order.
   * On failure the link is closed and the error rethrown.
   */
  static async open(link: Duplex, options: OpenOptions): Promise<LibvirtConnection> {
    const rpc = new RpcClient(link, { description: options.description ?? options.uri });
    try {
      const auth = await authList(rpc);
      if (auth.length > 0 && !auth.includes(AuthType.None)) {
        if (!auth.includes(AuthType.Polkit)) {
          throw new Error(
            `${rpc.description}: the daemon requires SASL authentication, which is not supported; ` +
              `use an SSH login that is a member of the libvirt group`,
          );
        }
        // The daemon decides by the peer's unix credentials (group libvirt
        // passes without an agent); `complete` 0 would mean an agent must act.
        const complete = await rpc.call(RemoteProc.AuthPolkit, undefined, (r) => r.int());
        if (complete === 0) throw new Error(`${rpc.description}: polkit authorization did not complete`);
      }
      await rpc.call(
        RemoteProc.ConnectOpen,
        encodeArgs((w) => w.optional(options.uri, (x, uri) => x.string(uri)).uint(0)),
      );
      // Feature questions go to the opened hypervisor driver, so they follow the open.
      const [keepalive, documentedOrder] = await Promise.all([
        supportsFeature(rpc, DriverFeature.ProgramKeepalive),
        supportsFeature(rpc, DriverFeature.NetworkUpdateHasCorrectOrder),
      ]);
      if (options.keepalive !== false && keepalive) rpc.startKeepalive(options.keepalive ?? DEFAULT_KEEPALIVE);
      return new LibvirtConnection(rpc, options.uri, documentedOrder);
    } catch (err) {
      rpc.close();
      throw err;
    }
  }

  /** True once the link failed or was closed. */
  get isClosed(): boolean {
    return this.rpc.isClosed;
  }

  /** libvirt's version on the host as a number (major * 1,000,000 + minor * 1,000 + micro). */
  async libVersion(): Promise<bigint> {
    return this.rpc.call(RemoteProc.ConnectGetLibVersion, undefined, (r) => r.uhyper());
  }

  /**
   * The host's domain capabilities XML (`virConnectGetDomainCapabilities`):
   * which machines, firmware and devices it offers for an arch and virt type.
   * Undefined arguments let the host choose its defaults.
   */
  domainCapabilities(query: { emulator?: string; arch?: string; machine?: string; virtType?: string } = {}): Promise<string> {
    const opt = (w: XdrWriter, v: string | undefined): XdrWriter => w.optional(v, (x, s) => x.string(s));
    return this.rpc.call(
      RemoteProc.ConnectGetDomainCapabilities,
      encodeArgs((w) => opt(opt(opt(opt(w, query.emulator), query.arch), query.machine), query.virtType).uint(0)),
      readString,
    );
  }

  /** Asks whether the daemon supports a driver feature. */
  supportsFeature(feature: number): Promise<boolean> {
    return supportsFeature(this.rpc, feature);
  }

  /** The authentication schemes the daemon offers. */
  authList(): Promise<AuthType[]> {
    return authList(this.rpc);
  }

  /** Closes the hypervisor connection politely, then the link. Never throws. */
  async close(): Promise<void> {
    if (!this.rpc.isClosed) {
      try {
        await this.rpc.call(RemoteProc.ConnectClose);
      } catch {
        // The link is gone or the daemon refused: closing the link is all that is left.
      }
    }
    this.rpc.close();
  }
}

function authList(rpc: RpcClient): Promise<AuthType[]> {
  return rpc.call(RemoteProc.AuthList, undefined, (r) => r.array(20, (x) => x.int() as AuthType));
}

function supportsFeature(rpc: RpcClient, feature: number): Promise<boolean> {
  return rpc.call(
    RemoteProc.ConnectSupportsFeature,
    encodeArgs((w) => w.int(feature)),
    (r) => r.int() !== 0,
  );
}
