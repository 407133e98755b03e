import type { DhcpHost, Network, NetworkIp } from "../../xml";
import { netmaskOf } from "../common/ip";
import type { IpSpec, NetworkSpec, StaticHost } from "./spec";

/** A static host as libvirt's `<host>` element describes it. */
export function dhcpHostOf(h: StaticHost): DhcpHost {
  return Object.fromEntries(Object.entries({ mac: h.mac, id: h.id, name: h.name, ip: h.ip }).filter(([, v]) => v !== undefined));
}

function ipOf(ip: IpSpec): NetworkIp {
  const out: NetworkIp =
    ip.cidr.family === 4
      ? { address: ip.cidr.address, netmask: netmaskOf(ip.cidr.prefix) }
      : { family: "ipv6", address: ip.cidr.address, prefix: ip.cidr.prefix };
  if (ip.ranges.length > 0 || ip.hosts.length > 0) {
    out.dhcp = {};
    if (ip.ranges.length > 0) out.dhcp.ranges = ip.ranges.map((r) => ({ ...r }));
    if (ip.hosts.length > 0) out.dhcp.hosts = ip.hosts.map(dhcpHostOf);
  }
  return out;
}

/** The libvirt network definition a spec means. `uuid` keeps a re-created network's identity. */
export function networkModelOf(spec: NetworkSpec, uuid?: string): Network {
  const net: Network = { name: spec.name, forward: { mode: spec.mode } };
  if (uuid) net.uuid = uuid;
  if (spec.bridge) net.bridge = spec.mode === "bridge" ? { name: spec.bridge } : { name: spec.bridge, stp: true, delay: 0 };
  if (spec.mtu !== undefined) net.mtu = spec.mtu;
  if (spec.domain !== undefined) net.domain = { name: spec.domain };
  if (spec.dnsHosts.length > 0) net.dns = { hosts: spec.dnsHosts.map((d) => ({ ip: d.ip, hostnames: [...d.hostnames] })) };
  const ips = [spec.ipv4, spec.ipv6].filter((ip): ip is IpSpec => ip !== undefined).map(ipOf);
  if (ips.length > 0) net.ips = ips;
  return net;
}
