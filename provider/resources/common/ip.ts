import { isIPv4, isIPv6 } from "node:net";

/** An address with its prefix length, e.g. 192.168.100.1/24. */
export interface Cidr {
  family: 4 | 6;
  address: string;
  prefix: number;
  /** The address as a number, for subnet arithmetic. */
  value: bigint;
}

/** Parses any `address/prefix` range (prefix 0 to 32 or 128); undefined when it is not one. */
export function parseAddressRange(text: string): Cidr | undefined {
  const [, address, prefixText] = /^([^/]+)\/(\d{1,3})$/.exec(text) ?? [];
  if (address === undefined || prefixText === undefined) return undefined;
  const prefix = Number(prefixText);
  if (isIPv4(address) && prefix <= 32) return { family: 4, address, prefix, value: ipToBigInt(address) };
  if (isIPv6(address) && prefix <= 128) return { family: 6, address, prefix, value: ipToBigInt(address) };
  return undefined;
}

/**
 * Parses a network's `address/prefix`; undefined when it is not one or its prefix leaves no
 * room for a network with hosts (IPv4 /1–/30, IPv6 /8–/126).
 */
export function parseCidr(text: string): Cidr | undefined {
  const cidr = parseAddressRange(text);
  if (cidr === undefined) return undefined;
  const [min, max] = cidr.family === 4 ? [1, 30] : [8, 126];
  return cidr.prefix >= min && cidr.prefix <= max ? cidr : undefined;
}

/**
 * The address as a number: 32 bits for IPv4, 128 for IPv6, in any of IPv6's
 * spellings (compressed `::`, a dotted IPv4 tail as in `::ffff:192.168.1.1`,
 * a `%zone` suffix). The caller has checked it with `isIPv4` / `isIPv6`.
 */
export function ipToBigInt(ip: string): bigint {
  if (isIPv4(ip)) return ipv4ToBigInt(ip);
  const address = ip.replace(/%.*$/, "");
  // A dotted IPv4 tail stands for the last two 16-bit groups.
  const hex = address.replace(/\d+\.\d+\.\d+\.\d+$/, (v4) => {
    const n = ipv4ToBigInt(v4);
    return `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  });
  const [head = "", tail = ""] = hex.split("::");
  const groups = (s: string): string[] => (s === "" ? [] : s.split(":"));
  const h = groups(head);
  const t = groups(tail);
  const all = hex.includes("::") ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t] : h;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function ipv4ToBigInt(ip: string): bigint {
  return ip.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** True when `ip` (of the same family) lies inside `cidr`'s subnet. */
export function inSubnet(cidr: Cidr, ip: string): boolean {
  const family = isIPv4(ip) ? 4 : isIPv6(ip) ? 6 : 0;
  if (family !== cidr.family) return false;
  const bits = BigInt(cidr.family === 4 ? 32 : 128);
  const shift = bits - BigInt(cidr.prefix);
  return ipToBigInt(ip) >> shift === cidr.value >> shift;
}

/** The IPv4 netmask of a prefix length, e.g. 24 → 255.255.255.0. */
export function netmaskOf(prefix: number): string {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (mask >>> s) & 255).join(".");
}

/** True for a unicast MAC address written as six colon-separated hex pairs. */
export function isMac(text: string): boolean {
  return /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(text) && (parseInt(text.slice(0, 2), 16) & 1) === 0;
}
