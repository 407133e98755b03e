/**
 * Comparable views: each document with its lists turned into {@link Keyed}
 * collections, so the engine pairs entries by identity, not by position.
 */
import { Device } from "../domain/devices";
import { Domain } from "../domain/types";
import { Network } from "../network/types";
import { Pool } from "../storage/pool";
import { Volume } from "../storage/volume";
import { Keyed } from "./diff";
import { DeviceGroup, keyDevices } from "./keys";

const GROUPS: readonly DeviceGroup[] = [
  "disks",
  "interfaces",
  "graphics",
  "serials",
  "consoles",
  "channels",
  "filesystems",
  "rngs",
  "tpms",
  "other",
];

/** The devices of a domain, grouped and keyed (`devices.disks[vda]`). */
export function devicesView(devices: readonly Device[]): Record<DeviceGroup, Keyed<unknown>> {
  const keys = keyDevices(devices);
  const out = {} as Record<DeviceGroup, Keyed<unknown>>;
  for (const g of GROUPS) {
    const entries = new Map<string, unknown>();
    for (const [dev, { group, key }] of keys) {
      if (group !== g) continue;
      if (dev.kind === "other") entries.set(key, dev.node);
      else {
        const { kind: _kind, ...rest } = dev;
        entries.set(key, rest);
      }
    }
    // Unmodelled devices someone added by hand are theirs to keep, not drift.
    out[g] = new Keyed(entries, g !== "other");
  }
  return out;
}

/** A domain as compared. */
export function domainView(d: Domain): Record<string, unknown> {
  const { devices, clock, cputune, ...rest } = d;
  return {
    ...rest,
    // Pins by vCPU, always a list (a pin the host lacks is one missing pin); a host pin of a vCPU the program leaves unpinned is not compared.
    cputune: { ...cputune, vcpupins: Keyed.of(cputune?.vcpupins ?? [], (p) => String(p.vcpu), false) },
    clock: clock && { ...clock, timers: clock.timers && Keyed.of(clock.timers, (t) => t.name, true) },
    devices: devicesView(devices),
  };
}

/** A network as compared: IPs by address, hosts by address or MAC. */
export function networkView(n: Network): Record<string, unknown> {
  const { ips, dns, ...rest } = n;
  return {
    ...rest,
    dns: dns && { ...dns, hosts: dns.hosts && Keyed.of(dns.hosts, (h) => h.ip, true) },
    ips:
      ips &&
      Keyed.of(
        ips.map((ip) => ({
          ...ip,
          dhcp: ip.dhcp && {
            ...ip.dhcp,
            ranges: ip.dhcp.ranges && Keyed.of(ip.dhcp.ranges, (r) => r.start, true),
            hosts: ip.dhcp.hosts && Keyed.of(ip.dhcp.hosts, (h) => h.ip ?? h.mac ?? h.id ?? h.name ?? "?", true),
          },
        })),
        (ip) => ip.address ?? ip.family ?? "ip",
        true,
      ),
  };
}

/** A pool as compared: source devices by path, hosts by name. */
export function poolView(p: Pool): Record<string, unknown> {
  const { source, ...rest } = p;
  return {
    ...rest,
    source: source && {
      ...source,
      devices: source.devices && Keyed.of(source.devices, (d) => d.path, true),
      hosts: source.hosts && Keyed.of(source.hosts, (h) => h.name, true),
    },
  };
}

/** A volume as compared (no lists to key). */
export function volumeView(v: Volume): Record<string, unknown> {
  return { ...v };
}
