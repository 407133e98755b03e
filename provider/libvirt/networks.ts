import { NetworkListFlags, NetworkUpdateCommand, NetworkUpdateFlags, NetworkUpdateSection, NetworkXmlFlags } from "./enums/network";
import { NetworkRef } from "./handles";
import type { RemoteCalls } from "./remoteCalls";
import { DhcpLease } from "./replies";
import { FlagSet } from "./wire/codec";
import { FIRST_OR_ONLY_PARENT, NEED_RESULTS, NO_FLAGS } from "./wire/fixedArgs";

/** Typed calls on virtual networks. */
export class Networks {
  /**
   * @param calls the connection's generated procedure wrappers
   * @param updateInDocumentedOrder false on old daemons that read NETWORK_UPDATE's command and section swapped
   */
  constructor(
    private readonly calls: RemoteCalls,
    private readonly updateInDocumentedOrder = true,
  ) {}

  /** All networks, active and defined, or those the filter flags select. */
  async listAll(flags: FlagSet<NetworkListFlags> = NO_FLAGS): Promise<NetworkRef[]> {
    return (await this.calls.connectListAllNetworks({ needResults: NEED_RESULTS, flags })).nets;
  }

  /** @throws LibvirtError with a not-found code when no such network exists */
  lookupByName(name: string): Promise<NetworkRef> {
    return this.calls.networkLookupByName({ name });
  }

  /** @throws LibvirtError with a not-found code when no such network exists */
  lookupByUuid(uuid: string): Promise<NetworkRef> {
    return this.calls.networkLookupByUuid({ uuid });
  }

  /** Defines (or redefines) a persistent network. */
  define(xml: string): Promise<NetworkRef> {
    return this.calls.networkDefineXml({ xml });
  }

  /** The network's XML; `NetworkXmlFlags.Inactive` for the persistent definition. */
  xmlDesc(net: NetworkRef, flags: FlagSet<NetworkXmlFlags> = NO_FLAGS): Promise<string> {
    return this.calls.networkGetXmlDesc({ net, flags });
  }

  /** Starts a defined network. */
  start(net: NetworkRef): Promise<void> {
    return this.calls.networkCreate({ net });
  }

  /** Stops a network. */
  destroy(net: NetworkRef): Promise<void> {
    return this.calls.networkDestroy({ net });
  }

  /** Removes the persistent definition. */
  undefine(net: NetworkRef): Promise<void> {
    return this.calls.networkUndefine({ net });
  }

  /** Whether the network is running. */
  isActive(net: NetworkRef): Promise<boolean> {
    return this.calls.networkIsActive({ net });
  }

  /** Name of the host bridge the network uses. */
  bridgeName(net: NetworkRef): Promise<string> {
    return this.calls.networkGetBridgeName({ net });
  }

  /** Whether the network starts with the host. */
  getAutostart(net: NetworkRef): Promise<boolean> {
    return this.calls.networkGetAutostart({ net });
  }

  /** Sets whether the network starts with the host. */
  setAutostart(net: NetworkRef, autostart: boolean): Promise<void> {
    return this.calls.networkSetAutostart({ net, autostart });
  }

  /**
   * Changes one section of a network without restarting it (e.g. adds a DHCP
   * static host), live and/or in the persistent config.
   * @param parentIndex which `<ip>` element; by default the only or first one
   */
  update(
    net: NetworkRef,
    command: NetworkUpdateCommand,
    section: NetworkUpdateSection,
    xml: string,
    flags: FlagSet<NetworkUpdateFlags>,
    parentIndex = FIRST_OR_ONLY_PARENT,
  ): Promise<void> {
    // Old daemons decode these two words swapped; they say so by not
    // supporting the "correct order" feature, and then we swap them too.
    const [first, second] = this.updateInDocumentedOrder ? [command, section] : [section, command];
    return this.calls.networkUpdate({ net, command: first, section: second, parentIndex, xml, flags });
  }

  /** DHCP leases handed out on the network, optionally for one MAC. */
  async dhcpLeases(net: NetworkRef, mac?: string): Promise<DhcpLease[]> {
    return (await this.calls.networkGetDhcpLeases({ net, mac, needResults: NEED_RESULTS, flags: NO_FLAGS })).leases;
  }
}
