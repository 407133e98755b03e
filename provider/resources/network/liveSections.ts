import { NetworkUpdateCommand, NetworkUpdateSection } from "../../libvirt";
import { buildXml, Network } from "../../xml";
import { dhcpHostOf } from "./model";
import type { NetworkSpec } from "./spec";

/**
 * The parts of a network libvirt can change while it runs (`virNetworkUpdate`):
 * static DHCP hosts and DNS hosts. This resource owns these lists whole, so
 * an entry on the host that the program does not declare is drift too.
 */
export interface SectionEdit {
  /** For messages: `ipv4.dhcp.hosts` or `dnsHosts`. */
  property: string;
  command: NetworkUpdateCommand.AddLast | NetworkUpdateCommand.Delete;
  section: NetworkUpdateSection;
  /** Which `<ip>` element (-1: the one libvirt finds by the entry's address). */
  parentIndex: number;
  /** The element to add or delete. */
  xml: string;
  /** For messages. */
  describe: string;
}

type Entry = { key: string; xml: string; describe: string };

function dhcpEntries(net: Network, family: "ipv4" | "ipv6"): Entry[] {
  const ip = (net.ips ?? []).find((i) => (i.family === "ipv6" ? "ipv6" : "ipv4") === family);
  return (ip?.dhcp?.hosts ?? []).map((h) => {
    const bare = Object.fromEntries(Object.entries(h).filter(([k, v]) => k !== "extra" && v !== undefined)) as Record<string, string>;
    const xml = buildXml({ name: "host", attrs: bare, children: [] });
    return {
      key: JSON.stringify([bare.mac?.toLowerCase(), bare.id, bare.name, bare.ip]),
      xml,
      describe: `${bare.mac ?? bare.id ?? bare.name} → ${bare.ip}`,
    };
  });
}

function dnsEntries(net: Network): Entry[] {
  return (net.dns?.hosts ?? []).map((h) => {
    const xml = buildXml({
      name: "host",
      attrs: { ip: h.ip },
      children: h.hostnames.map((n) => ({ name: "hostname", attrs: {}, children: [], text: n })),
    });
    return { key: JSON.stringify([h.ip, [...h.hostnames].sort()]), xml, describe: `${h.ip} ${h.hostnames.join(" ")}` };
  });
}

/** The desired entries of the live-updatable sections, as a network document holds them. */
function desiredSections(spec: NetworkSpec): Network {
  return {
    name: spec.name,
    forward: { mode: spec.mode },
    ips: [spec.ipv4, spec.ipv6]
      .filter((ip) => ip !== undefined)
      .map((ip) => ({ family: ip.cidr.family === 6 ? ("ipv6" as const) : undefined, dhcp: { hosts: ip.hosts.map(dhcpHostOf) } })),
    dns: { hosts: spec.dnsHosts.map((d) => ({ ip: d.ip, hostnames: d.hostnames })) },
  };
}

/** The edits that turn the live sections into the declared ones: deletions first, then additions. */
export function sectionEdits(spec: NetworkSpec, live: Network): SectionEdit[] {
  const want = desiredSections(spec);
  const edits: SectionEdit[] = [];
  const plan = (property: string, section: NetworkUpdateSection, desired: Entry[], current: Entry[]): void => {
    const desiredKeys = new Set(desired.map((e) => e.key));
    const currentKeys = new Set(current.map((e) => e.key));
    for (const e of current.filter((c) => !desiredKeys.has(c.key))) {
      edits.push({
        property,
        command: NetworkUpdateCommand.Delete,
        section,
        parentIndex: -1,
        xml: e.xml,
        describe: `${e.describe} is on the host but not declared`,
      });
    }
    for (const e of desired.filter((d) => !currentKeys.has(d.key))) {
      edits.push({
        property,
        command: NetworkUpdateCommand.AddLast,
        section,
        parentIndex: -1,
        xml: e.xml,
        describe: `${e.describe} is declared but missing on the host`,
      });
    }
  };
  for (const family of ["ipv4", "ipv6"] as const) {
    if (!spec[family]) continue;
    plan(`${family}.dhcp.hosts`, NetworkUpdateSection.IpDhcpHost, dhcpEntries(want, family), dhcpEntries(live, family));
  }
  plan("dnsHosts", NetworkUpdateSection.DnsHost, dnsEntries(want), dnsEntries(live));
  return edits.sort((a, b) => (a.command === b.command ? 0 : a.command === NetworkUpdateCommand.Delete ? -1 : 1));
}
