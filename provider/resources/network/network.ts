import * as pulumi from "@pulumi/pulumi";
import type { ConnectedArgs } from "../common/args";
import { withSecretConnection } from "../common/resourceOptions";
import { dynamicProvider } from "../dynamicProvider";

/** A static DHCP lease. */
export interface DhcpHostArgs {
  /** The guest NIC's MAC address (IPv4). */
  mac?: pulumi.Input<string>;
  /** DHCPv6 client id (IPv6). */
  id?: pulumi.Input<string>;
  /** The address to hand out. */
  ip: pulumi.Input<string>;
  /** Host name given with the lease. */
  name?: pulumi.Input<string>;
}

/** One address family of a network. */
export interface NetworkIpArgs {
  /** The host's address on the network with its prefix, e.g. `"192.168.100.1/24"`. */
  address: pulumi.Input<string>;
  /** DHCP service: address ranges and static hosts (static hosts change live). */
  dhcp?: pulumi.Input<{
    ranges?: pulumi.Input<pulumi.Input<{ start: pulumi.Input<string>; end: pulumi.Input<string> }>[]>;
    hosts?: pulumi.Input<pulumi.Input<DhcpHostArgs>[]>;
  }>;
}

/** Inputs of a {@link Network}. */
export interface NetworkArgs extends ConnectedArgs {
  /** Network name, unique on the host. Changing it replaces the network. */
  name: pulumi.Input<string>;
  /** `"nat"` (default), `"route"`, `"open"`, `"isolated"`, or `"bridge"` (an existing host bridge). Changing it replaces the network. */
  mode?: pulumi.Input<"nat" | "route" | "open" | "isolated" | "bridge">;
  /** Bridge name: the one libvirt creates, or for mode `"bridge"` the existing host bridge. Changing it replaces the network. */
  bridge?: pulumi.Input<string>;
  /** MTU of the bridge. */
  mtu?: pulumi.Input<number>;
  /** DNS domain the network's DNS server answers for. */
  domain?: pulumi.Input<string>;
  /** IPv4 address and DHCP. */
  ipv4?: pulumi.Input<NetworkIpArgs>;
  /** IPv6 address and DHCP. */
  ipv6?: pulumi.Input<NetworkIpArgs>;
  /** Extra names the network's DNS server answers (changes live). */
  dnsHosts?: pulumi.Input<pulumi.Input<{ ip: pulumi.Input<string>; hostnames: pulumi.Input<pulumi.Input<string>[]> }>[]>;
  /** Start the network with the host; true by default. */
  autostart?: pulumi.Input<boolean>;
}

/** A libvirt virtual network. */
export class Network extends pulumi.dynamic.Resource {
  /** Network name. */
  declare readonly name: pulumi.Output<string>;
  /** The host bridge the network uses. */
  declare readonly bridge: pulumi.Output<string>;
  /** libvirt's UUID of the network. */
  declare readonly uuid: pulumi.Output<string>;
  /** Whether the network is running. */
  declare readonly active: pulumi.Output<boolean>;

  /**
   * @param name the Pulumi resource name
   * @param args the network's inputs
   * @param opts resource options
   */
  constructor(name: string, args: NetworkArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("Network"),
      name,
      { ...args, bridge: args.bridge, uuid: undefined, active: undefined },
      withSecretConnection(opts),
      "pulumi-kvm",
      "Network",
    );
  }
}
