import { isIPv4, isIPv6 } from "node:net";
import type { ValuesOf } from "../common/fields";
import type { SpecBase } from "../common/kindDefinition";
import { Cidr, inSubnet, ipToBigInt, isMac, parseCidr } from "../common/ip";
import { isObject, listAt, Problems } from "../common/problems";
import type { networkFields } from "./fields";

/** How a network reaches the outside (libvirt's forward modes; isolated = none). */
export const NETWORK_MODES = ["nat", "route", "open", "isolated", "bridge"] as const;
/** A network mode. */
export type NetworkMode = (typeof NETWORK_MODES)[number];

/** A static DHCP lease. */
export interface StaticHost {
  mac?: string;
  id?: string;
  ip: string;
  name?: string;
}

/** A name the network's DNS server answers. */
export interface DnsHostSpec {
  ip: string;
  hostnames: string[];
}

/** The parsed values of a network's fields (see `fields.ts`). */
type NetworkValues = ValuesOf<typeof networkFields>;

/** Validated network inputs. */
export interface NetworkSpec extends SpecBase, NetworkValues {}

/** One address family of a network. */
export interface IpSpec {
  cidr: Cidr;
  ranges: { start: string; end: string }[];
  hosts: StaticHost[];
}

const BRIDGE = /^[A-Za-z0-9_.-]{1,15}$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Validates `ipv4` or `ipv6`. */
export function parseIp(problems: Problems, at: string, value: unknown, family: 4 | 6): IpSpec | undefined {
  if (!isObject(value)) {
    problems.add(at, "must be an object with address and optional dhcp");
    return undefined;
  }
  const cidr = typeof value.address === "string" ? parseCidr(value.address) : undefined;
  if (!cidr || cidr.family !== family) {
    problems.add(
      `${at}.address`,
      family === 4
        ? 'must be an IPv4 address with prefix length 1-30, e.g. "192.168.100.1/24"'
        : 'must be an IPv6 address with prefix length 8-126, e.g. "fd00:1::1/64"',
    );
    return undefined;
  }
  const ip: IpSpec = { cidr, ranges: [], hosts: [] };
  if (value.dhcp === undefined) return ip;
  if (!isObject(value.dhcp)) {
    problems.add(`${at}.dhcp`, "must be an object with ranges and hosts");
    return ip;
  }
  const inside = (property: string, addr: unknown): addr is string => {
    if (typeof addr !== "string" || !(family === 4 ? isIPv4(addr) : isIPv6(addr))) {
      problems.add(property, `must be an IPv${family} address`);
      return false;
    }
    if (!inSubnet(cidr, addr)) {
      problems.add(property, `must lie inside the network's subnet ${cidr.address}/${cidr.prefix}`);
      return false;
    }
    return true;
  };
  listAt(problems, `${at}.dhcp.ranges`, value.dhcp.ranges).forEach((r, i) => {
    const p = `${at}.dhcp.ranges[${i}]`;
    if (!isObject(r)) return problems.add(p, "must be an object with start and end");
    const okStart = inside(`${p}.start`, r.start);
    const okEnd = inside(`${p}.end`, r.end);
    if (okStart && okEnd) {
      if (ipToBigInt(r.start as string) > ipToBigInt(r.end as string)) problems.add(p, "start must not come after end");
      else ip.ranges.push({ start: r.start as string, end: r.end as string });
    }
  });
  const macs = new Set<string>();
  listAt(problems, `${at}.dhcp.hosts`, value.dhcp.hosts).forEach((h, i) => {
    const p = `${at}.dhcp.hosts[${i}]`;
    if (!isObject(h)) return problems.add(p, "must be an object with mac (or id), ip and optional name");
    let ok = inside(`${p}.ip`, h.ip);
    if (family === 4) {
      if (typeof h.mac !== "string" || !isMac(h.mac)) {
        problems.add(`${p}.mac`, 'must be a unicast MAC address such as "52:54:00:12:34:56"');
        ok = false;
      } else if (macs.has(h.mac.toLowerCase())) {
        problems.add(`${p}.mac`, "appears twice: each MAC address may have one static lease");
        ok = false;
      } else macs.add(h.mac.toLowerCase());
    } else if (h.id === undefined && h.name === undefined) {
      problems.add(p, "needs id (a DHCPv6 DUID) or name");
      ok = false;
    }
    if (h.name !== undefined && (typeof h.name !== "string" || !HOSTNAME.test(h.name))) {
      problems.add(`${p}.name`, "must be a host name (letters, digits, hyphens, dots)");
      ok = false;
    }
    if (ok)
      ip.hosts.push({
        mac: (h.mac as string | undefined)?.toLowerCase(),
        id: h.id as string | undefined,
        ip: h.ip as string,
        name: h.name as string | undefined,
      });
  });
  return ip;
}

/** Validates `dnsHosts`. */
export function parseDnsHosts(problems: Problems, at: string, value: unknown): DnsHostSpec[] {
  const dnsHosts: DnsHostSpec[] = [];
  listAt(problems, at, value).forEach((d, i) => {
    const p = `${at}[${i}]`;
    if (!isObject(d)) return problems.add(p, "must be an object with ip and hostnames");
    let ok = true;
    if (typeof d.ip !== "string" || !(isIPv4(d.ip) || isIPv6(d.ip))) {
      problems.add(`${p}.ip`, "must be an IP address");
      ok = false;
    }
    const names = Array.isArray(d.hostnames) ? d.hostnames : [];
    if (names.length === 0 || !names.every((n) => typeof n === "string" && HOSTNAME.test(n))) {
      problems.add(`${p}.hostnames`, "must be a non-empty list of host names");
      ok = false;
    }
    if (ok) dnsHosts.push({ ip: d.ip as string, hostnames: names as string[] });
  });
  return dnsHosts;
}

/** A bridge name: a Linux interface name. */
export function parseBridge(problems: Problems, at: string, value: unknown): string | undefined {
  if (typeof value === "string" && BRIDGE.test(value)) return value;
  problems.add(at, "must be 1-15 letters, digits, '_', '.' or '-' (a Linux interface name)");
  return undefined;
}

/** A DNS domain name. */
export function parseDomain(problems: Problems, at: string, value: unknown): string | undefined {
  if (typeof value === "string" && HOSTNAME.test(value)) return value;
  problems.add(at, "must be a DNS domain name (letters, digits, hyphens, dots)");
  return undefined;
}

/** The spec from the fields' values, after the rules across fields (each problem recorded). */
export function networkSpecOf(values: NetworkValues, problems: Problems, inputs: Readonly<Record<string, unknown>>): NetworkValues {
  checkNetworkRules(values, problems, inputs);
  return values;
}

/** Rules across the network's fields; records each problem. */
function checkNetworkRules(values: NetworkValues, problems: Problems, inputs: Readonly<Record<string, unknown>>): void {
  if (values.mode !== "bridge") return;
  if (values.bridge === undefined) problems.add("bridge", 'is required when mode is "bridge": name the existing host bridge');
  for (const key of ["ipv4", "ipv6", "domain", "dnsHosts", "mtu"] as const) {
    if (inputs[key] !== undefined)
      problems.add(key, 'cannot be set when mode is "bridge": the host bridge carries the traffic, libvirt serves no addresses');
  }
}
