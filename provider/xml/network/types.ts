/** The network document (`virsh net-dumpxml`), after libvirt's formatnetwork. */
import type { XmlExtra } from "../node";

/**
 * How traffic leaves the network. `isolated` is this model's name for a
 * network without `<forward>`: parse gives it, build writes no element.
 */
export type ForwardMode = "nat" | "route" | "open" | "bridge" | "private" | "vepa" | "passthrough" | "hostdev" | "isolated";

/** `<forward>`. */
export interface NetworkForward {
  mode: ForwardMode;
  /** Host interface to forward through. */
  dev?: string;
  extra?: XmlExtra;
}

/** `<bridge>`: the host bridge; libvirt names it `virbrN` when absent. */
export interface NetworkBridge {
  name?: string;
  stp?: boolean;
  delay?: number;
  extra?: XmlExtra;
}

/** `<range start end>` of a DHCP pool. */
export interface DhcpRange {
  start: string;
  end: string;
  extra?: XmlExtra;
}

/** `<host>`: a static DHCP lease (by MAC for IPv4, by `id` or name for IPv6). */
export interface DhcpHost {
  mac?: string;
  id?: string;
  name?: string;
  ip?: string;
  extra?: XmlExtra;
}

/** `<ip>`: one address of the bridge, with optional DHCP service. */
export interface NetworkIp {
  family?: "ipv4" | "ipv6";
  address?: string;
  netmask?: string;
  prefix?: number;
  dhcp?: { ranges?: DhcpRange[]; hosts?: DhcpHost[]; extra?: XmlExtra };
  extra?: XmlExtra;
}

/** `<dns><host ip><hostname>…`: names the network's DNS answers for one IP. */
export interface DnsHost {
  ip: string;
  /** Free text each, kept byte for byte. */
  hostnames: string[];
  extra?: XmlExtra;
}

/** `<dns>`. */
export interface NetworkDns {
  enable?: boolean;
  hosts?: DnsHost[];
  extra?: XmlExtra;
}

/** A whole network definition. */
export interface Network {
  name: string;
  uuid?: string;
  forward: NetworkForward;
  bridge?: NetworkBridge;
  /** `<mtu size>` of the bridge. */
  mtu?: number;
  /** Bridge MAC; libvirt generates one when absent. */
  mac?: string;
  /** `<domain name localOnly>`: DNS domain of the network. */
  domain?: { name: string; localOnly?: boolean; extra?: XmlExtra };
  dns?: NetworkDns;
  ips?: NetworkIp[];
  extra?: XmlExtra;
}
