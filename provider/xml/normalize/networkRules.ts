/** Rule bodies for networks; named and explained in `rules.ts`. */
import { Network } from "../network/types";
import { RuleContext } from "./context";

type Ctx = RuleContext<Network>;

/** Live: drops the uuid when the desired network declares none. */
export function dropUndeclaredUuid(doc: Network, ctx: Ctx): void {
  if (ctx.role === "live" && ctx.desired.uuid === undefined) delete doc.uuid;
}

/** Live: drops the bridge MAC when none is declared. */
export function dropGeneratedMac(doc: Network, ctx: Ctx): void {
  if (ctx.role === "live" && ctx.desired.mac === undefined) delete doc.mac;
}

/** Live: drops the bridge name, stp and delay the user did not give. */
export function dropBridgeDefaults(doc: Network, ctx: Ctx): void {
  if (ctx.role !== "live" || !doc.bridge) return;
  const want = ctx.desired.bridge;
  if (!want) {
    delete doc.bridge;
    return;
  }
  if (want.name === undefined) delete doc.bridge.name;
  if (want.stp === undefined) delete doc.bridge.stp;
  if (want.delay === undefined) delete doc.bridge.delay;
}

/** Live: drops `connections=` of an active network. */
export function dropRuntimeAttributes(doc: Network, ctx: Ctx): void {
  if (ctx.role === "live" && doc.extra) delete doc.extra.attrs.connections;
}

/** Live: drops the default `<nat>` port range unless declared. */
export function dropNatDefaults(doc: Network, ctx: Ctx): void {
  if (ctx.role !== "live" || doc.forward.mode !== "nat" || !doc.forward.extra) return;
  if (ctx.desired.forward.extra?.children.some((c) => c.name === "nat")) return;
  doc.forward.extra.children = doc.forward.extra.children.filter((c) => c.name !== "nat");
}

const MASK_BITS = (mask: string): number | undefined => {
  const parts = mask.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  const bits = parts.map((p) => p.toString(2).padStart(8, "0")).join("");
  return /^1*0*$/.test(bits) ? (bits.indexOf("0") === -1 ? 32 : bits.indexOf("0")) : undefined;
};

/** Both: writes an IPv4 netmask as a prefix length. */
export function netmaskAsPrefix(doc: Network): void {
  for (const ip of doc.ips ?? []) {
    if (ip.netmask === undefined || ip.prefix !== undefined) continue;
    const bits = MASK_BITS(ip.netmask);
    if (bits === undefined) continue;
    ip.prefix = bits;
    delete ip.netmask;
  }
}

/** Both: sorts DNS hosts, DHCP hosts and DHCP ranges. */
export function sortHosts(doc: Network): void {
  doc.dns?.hosts?.sort((a, b) => a.ip.localeCompare(b.ip));
  for (const ip of doc.ips ?? []) {
    ip.dhcp?.hosts?.sort((a, b) => (a.ip ?? a.mac ?? "").localeCompare(b.ip ?? b.mac ?? ""));
    ip.dhcp?.ranges?.sort((a, b) => a.start.localeCompare(b.start));
  }
}
