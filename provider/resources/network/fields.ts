import { In, input, output } from "../common/fields";
import { choice, flag, generatedObjectName, integer } from "../common/fieldTypes";
import type { DnsHostArgs, NetworkIpArgs } from "./resource";
import { DnsHostSpec, IpSpec, NETWORK_MODES, parseBridge, parseDnsHosts, parseDomain, parseIp } from "./spec";

/** Every input and output of a {@link Network}, declared once. */
export const networkFields = {
  /** Network name, unique on the host; the resource's name plus a random suffix when unset. Changing it replaces the network. */
  name: generatedObjectName("network").replaces().output("echo"),
  /** `"nat"` (default), `"route"`, `"open"`, `"isolated"`, or `"bridge"` (an existing host bridge). Changing it replaces the network. */
  // As an output, the mode the host reports (a network read by `get` may use one this resource does not create).
  mode: choice(NETWORK_MODES).default("nat").replaces().output<"reported", string>("reported"),
  /**
   * Bridge name: the one libvirt creates, or for mode `"bridge"` the existing
   * host bridge; as an output, the bridge the network uses (libvirt names one
   * when the program does not). Changing it replaces the network.
   */
  bridge: input<In<string>, string>(parseBridge).replaces().output("reported"),
  /** MTU of the bridge. */
  mtu: integer(68, 65535),
  /** DNS domain the network's DNS server answers for. */
  domain: input<In<string>, string>(parseDomain),
  /** IPv4 address and DHCP. */
  ipv4: input<In<NetworkIpArgs>, IpSpec>((problems, property, value) => parseIp(problems, property, value, 4)),
  /** IPv6 address and DHCP. */
  ipv6: input<In<NetworkIpArgs>, IpSpec>((problems, property, value) => parseIp(problems, property, value, 6)),
  /** Extra names the network's DNS server answers (changes live). */
  dnsHosts: input<In<In<DnsHostArgs>[]>, DnsHostSpec[]>(parseDnsHosts).default([]),
  /** Start the network with the host; true by default. */
  autostart: flag().default(true),
  /** libvirt's UUID of the network. */
  uuid: output<string>(),
  /** Whether the network is running. */
  active: output<boolean>(),
};
