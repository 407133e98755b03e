import { RpcClient } from "../rpc";
import { encodeArgs, NetworkRef, readNamedUuid, readOptionalString, readString, uuidToBytes, writeNamedUuid } from "./handles";
import { RemoteProc } from "./procedures";

/** REMOTE_NETWORK_LIST_MAX. */
const NETWORK_LIST_MAX = 16384;
/** REMOTE_NETWORK_DHCP_LEASES_MAX. */
const DHCP_LEASES_MAX = 65536;

/** What a live network update does (`virNetworkUpdateCommand`). */
export enum NetworkUpdateCommand {
  Modify = 1,
  Delete = 2,
  AddLast = 3,
  AddFirst = 4,
}

/** Which part of the network a live update touches (`virNetworkUpdateSection`). */
export enum NetworkUpdateSection {
  Bridge = 1,
  Domain = 2,
  Ip = 3,
  IpDhcpHost = 4,
  IpDhcpRange = 5,
  Forward = 6,
  ForwardInterface = 7,
  ForwardPf = 8,
  Portgroup = 9,
  DnsHost = 10,
  DnsTxt = 11,
  DnsSrv = 12,
}

/** Where a network update applies (`virNetworkUpdateFlags`). */
export enum NetworkUpdateFlags {
  Current = 0,
  Live = 1,
  Config = 2,
}

/** One DHCP lease handed out by a libvirt network. */
export interface DhcpLease {
  /** Bridge the lease was given on. */
  iface: string;
  /** Expiry, seconds since the epoch. */
  expiryTime: bigint;
  /** 0 IPv4, 1 IPv6. */
  type: number;
  /** Client MAC address. */
  mac?: string;
  /** IPv6 identity association id. */
  iaid?: string;
  /** The leased address. */
  ipAddress: string;
  /** Prefix length. */
  prefix: number;
  /** Hostname the client sent. */
  hostname?: string;
  /** DHCP client id. */
  clientId?: string;
}

/** Typed calls on virtual networks. */
export class Networks {
  /**
   * @param rpc the connection's RPC client
   * @param updateInDocumentedOrder false on old daemons that read NETWORK_UPDATE's command and section swapped
   */
  constructor(
    private readonly rpc: RpcClient,
    private readonly updateInDocumentedOrder = true,
  ) {}

  /** All networks, active and defined. */
  listAll(flags = 0): Promise<NetworkRef[]> {
    return this.rpc.call(
      RemoteProc.ConnectListAllNetworks,
      encodeArgs((w) => w.int(1).uint(flags)),
      (r) => {
        const nets = r.array(NETWORK_LIST_MAX, readNamedUuid);
        r.uint();
        return nets;
      },
    );
  }

  /** @throws LibvirtError with a not-found code when no such network exists */
  lookupByName(name: string): Promise<NetworkRef> {
    return this.rpc.call(
      RemoteProc.NetworkLookupByName,
      encodeArgs((w) => w.string(name)),
      readNamedUuid,
    );
  }

  /** @throws LibvirtError with a not-found code when no such network exists */
  lookupByUuid(uuid: string): Promise<NetworkRef> {
    return this.rpc.call(
      RemoteProc.NetworkLookupByUuid,
      encodeArgs((w) => w.fixedOpaque(uuidToBytes(uuid), 16)),
      readNamedUuid,
    );
  }

  /** Defines (or redefines) a persistent network. */
  define(xml: string): Promise<NetworkRef> {
    return this.rpc.call(
      RemoteProc.NetworkDefineXml,
      encodeArgs((w) => w.string(xml)),
      readNamedUuid,
    );
  }

  /** The network's XML (flag 1 = inactive definition). */
  xmlDesc(net: NetworkRef, flags = 0): Promise<string> {
    return this.rpc.call(
      RemoteProc.NetworkGetXmlDesc,
      encodeArgs((w) => {
        writeNamedUuid(w, net);
        w.uint(flags);
      }),
      readString,
    );
  }

  /** Starts a defined network. */
  start(net: NetworkRef): Promise<void> {
    return this.rpc.call(
      RemoteProc.NetworkCreate,
      encodeArgs((w) => writeNamedUuid(w, net)),
    );
  }

  /** Stops a network. */
  destroy(net: NetworkRef): Promise<void> {
    return this.rpc.call(
      RemoteProc.NetworkDestroy,
      encodeArgs((w) => writeNamedUuid(w, net)),
    );
  }

  /** Removes the persistent definition. */
  undefine(net: NetworkRef): Promise<void> {
    return this.rpc.call(
      RemoteProc.NetworkUndefine,
      encodeArgs((w) => writeNamedUuid(w, net)),
    );
  }

  /** Whether the network is running. */
  isActive(net: NetworkRef): Promise<boolean> {
    return this.rpc.call(
      RemoteProc.NetworkIsActive,
      encodeArgs((w) => writeNamedUuid(w, net)),
      (r) => r.int() !== 0,
    );
  }

  /** Name of the host bridge the network uses. */
  bridgeName(net: NetworkRef): Promise<string> {
    return this.rpc.call(
      RemoteProc.NetworkGetBridgeName,
      encodeArgs((w) => writeNamedUuid(w, net)),
      readString,
    );
  }

  /** Whether the network starts with the host. */
  getAutostart(net: NetworkRef): Promise<boolean> {
    return this.rpc.call(
      RemoteProc.NetworkGetAutostart,
      encodeArgs((w) => writeNamedUuid(w, net)),
      (r) => r.int() !== 0,
    );
  }

  /** Sets whether the network starts with the host. */
  setAutostart(net: NetworkRef, autostart: boolean): Promise<void> {
    return this.rpc.call(
      RemoteProc.NetworkSetAutostart,
      encodeArgs((w) => {
        writeNamedUuid(w, net);
        w.bool(autostart);
      }),
    );
  }

  /**
   * Changes one section of a network without restarting it (e.g. adds a DHCP
   * static host), live and/or in the persistent config.
   * @param parentIndex which `<ip>` element, or -1 for "the only/first one"
   */
  update(
    net: NetworkRef,
    command: NetworkUpdateCommand,
    section: NetworkUpdateSection,
    xml: string,
    flags: number,
    parentIndex = -1,
  ): Promise<void> {
    // Old daemons decode these two words swapped; they say so by not
    // supporting the "correct order" feature, and then we swap them too.
    const [first, second] = this.updateInDocumentedOrder ? [command, section] : [section, command];
    return this.rpc.call(
      RemoteProc.NetworkUpdate,
      encodeArgs((w) => {
        writeNamedUuid(w, net);
        w.uint(first).uint(second).int(parentIndex).string(xml).uint(flags);
      }),
    );
  }

  /** DHCP leases handed out on the network, optionally for one MAC. */
  dhcpLeases(net: NetworkRef, mac?: string): Promise<DhcpLease[]> {
    return this.rpc.call(
      RemoteProc.NetworkGetDhcpLeases,
      encodeArgs((w) => {
        writeNamedUuid(w, net);
        w.optional(mac, (x, m) => x.string(m))
          .int(1)
          .uint(0);
      }),
      (r) => {
        const leases = r.array(DHCP_LEASES_MAX, (x) => ({
          iface: readString(x),
          expiryTime: x.hyper(),
          type: x.int(),
          mac: readOptionalString(x),
          iaid: readOptionalString(x),
          ipAddress: readString(x),
          prefix: x.uint(),
          hostname: readOptionalString(x),
          clientId: readOptionalString(x),
        }));
        r.uint();
        return leases;
      },
    );
  }
}
