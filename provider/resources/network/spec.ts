import { isIPv4, isIPv6 } from "node:net";
import type { ConnectionSpec } from "../common/connection";
import type { SpecBase } from "../common/kindDefinition";
import { Cidr, inSubnet, ipToBigInt, isMac, parseCidr } from "../common/ip";
import { checkBoolean, checkEnum, checkInteger, checkName, isObject, listAt, Problem, Problems } from "../common/problems";

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

/** One address family of a network. */
export interface IpSpec {
  cidr: Cidr;
  ranges: { start: string; end: string }[];
  hosts: StaticHost[];
}

/** Validated network inputs. */
export interface NetworkSpec extends SpecBase {
  name: string;
  mode: NetworkMode;
  bridge?: string;
  mtu?: number;
  domain?: string;
  ipv4?: IpSpec;
  ipv6?: IpSpec;
  dnsHosts: { ip: string; hostnames: string[] }[];
  autostart: boolean;
}

const BRIDGE = /^[A-Za-z0-9_.-]{1,15}$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function parseIp(problems: Problems, at: string, value: unknown, family: 4 | 6): IpSpec | undefined {
  if (value === undefined) return undefined;
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

/** Validates network inputs, returning the spec or every problem. */
export function parseNetworkSpec(inputs: Record<string, unknown>, connection: ConnectionSpec): { spec?: NetworkSpec; problems: Problem[] } {
  const problems = new Problems();
  checkName(problems, "name", inputs.name);
  const mode = inputs.mode ?? "nat";
  checkEnum(problems, "mode", mode, NETWORK_MODES);
  if (inputs.bridge !== undefined && (typeof inputs.bridge !== "string" || !BRIDGE.test(inputs.bridge))) {
    problems.add("bridge", "must be 1-15 letters, digits, '_', '.' or '-' (a Linux interface name)");
  }
  if (mode === "bridge" && inputs.bridge === undefined)
    problems.add("bridge", 'is required when mode is "bridge": name the existing host bridge');
  if (inputs.mtu !== undefined) checkInteger(problems, "mtu", inputs.mtu, 68, 65535);
  if (inputs.domain !== undefined && (typeof inputs.domain !== "string" || !HOSTNAME.test(inputs.domain))) {
    problems.add("domain", "must be a DNS domain name (letters, digits, hyphens, dots)");
  }
  checkBoolean(problems, "autostart", inputs.autostart);
  const ipv4 = parseIp(problems, "ipv4", inputs.ipv4, 4);
  const ipv6 = parseIp(problems, "ipv6", inputs.ipv6, 6);
  if (mode === "bridge") {
    for (const key of ["ipv4", "ipv6", "domain", "dnsHosts", "mtu"] as const) {
      if (inputs[key] !== undefined)
        problems.add(key, 'cannot be set when mode is "bridge": the host bridge carries the traffic, libvirt serves no addresses');
    }
  }
  const dnsHosts: NetworkSpec["dnsHosts"] = [];
  listAt(problems, "dnsHosts", inputs.dnsHosts).forEach((d, i) => {
    const p = `dnsHosts[${i}]`;
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
  if (problems.all.length > 0) return { problems: [...problems.all] };
  return {
    problems: [],
    spec: {
      connection,
      name: inputs.name as string,
      mode: mode as NetworkMode,
      bridge: inputs.bridge as string | undefined,
      mtu: inputs.mtu as number | undefined,
      domain: inputs.domain as string | undefined,
      ipv4,
      ipv6,
      dnsHosts,
      autostart: (inputs.autostart as boolean | undefined) ?? true,
    },
  };
}
