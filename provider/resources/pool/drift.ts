import { comparePool } from "../../xml";
import type { Drift, ReplacingDifference } from "../common/kindDefinition";
import { ISCSI_DEFAULT_PORT } from "./iscsiFields";
import { poolModelOf } from "./model";
import type { PoolLive } from "./read";
import type { PoolSpec } from "./spec";

/** The input each part of a pool definition comes from (`source.devices` is `device` or `devices`, by type). */
function inputOf(spec: PoolSpec, path: string): keyof PoolSpec {
  if (path.startsWith("target")) return "path";
  if (path.startsWith("source.devices")) return spec.type === "logical" ? "devices" : spec.type === "iscsi-direct" ? "target" : "device";
  if (path.startsWith("source.hosts") && path.endsWith("port")) return "port";
  if (path.startsWith("source.hosts")) return "host";
  if (path.startsWith("source.initiator")) return "initiator";
  if (path.startsWith("source.auth")) return "chap";
  if (path.startsWith("source.dir")) return "exportPath";
  if (path.startsWith("source.name")) return "volumeGroup";
  if (path.startsWith("source.format")) return "format";
  return path.split(".")[0] as keyof PoolSpec;
}

/** What the host has for an input, for messages. */
function hostValue(live: PoolLive, property: string, fallback: string | undefined): string {
  const d = live.definition;
  const s = d.source;
  const values: Record<string, string | undefined> = {
    path: d.target?.path,
    device: s?.devices?.[0]?.path,
    devices: s?.devices?.map((x) => x.path).join(", "),
    host: s?.hosts?.[0]?.name,
    exportPath: s?.dir,
    volumeGroup: s?.name,
    format: s?.format,
    port: s?.hosts?.[0]?.port?.toString(),
    target: s?.devices?.[0]?.path,
    initiator: s?.initiator?.iqn,
    chap: s?.auth ? `user ${s.auth.username}` : undefined,
  };
  return (Object.hasOwn(values, property) ? values[property] : fallback) ?? "unset";
}

/** What differs between the program and the pool on the host. */
export function poolDrift(spec: PoolSpec, live: PoolLive): Drift[] {
  // The definition as `create` writes it, against the host's, through the rule table (which knows libvirt's spellings).
  const seen = new Set<string>();
  const out: Drift[] = [];
  for (const d of comparePool(poolModelOf(spec), live.definition)) {
    const property = inputOf(spec, d.path);
    if (seen.has(property)) continue;
    seen.add(property);
    out.push({ property, detail: `is ${hostValue(live, property, d.live)} on the host` });
  }
  // Not a replacement: `up` defines the secret again (an iscsi-direct pool cannot start without it).
  if (spec.chap && live.chapSecret === false) out.push({ property: "chap.password", detail: "its libvirt secret is missing on the host" });
  if (!live.active) out.push({ property: "active", detail: "the pool is stopped on the host" });
  if (live.autostart !== spec.autostart) out.push({ property: "autostart", detail: `is ${live.autostart} on the host` });
  return out;
}

/** What the program declares for an input, for messages. */
function declaredValue(spec: PoolSpec, property: string): string {
  if (property === "devices") return spec.devices?.join(", ") ?? "unset";
  if (property === "volumeGroup") return spec.volumeGroup ?? spec.name;
  if (property === "port") return String(spec.port ?? ISCSI_DEFAULT_PORT);
  // The account's name only: the password is never part of a message.
  if (property === "chap") return spec.chap ? `user ${spec.chap.username}` : "unset";
  const value = (spec as unknown as Record<string, unknown>)[property];
  return typeof value === "string" ? value : "unset";
}

/** Inputs only a replacement changes. */
const REPLACING = new Set([
  "path",
  "device",
  "devices",
  "format",
  "host",
  "exportPath",
  "volumeGroup",
  "port",
  "target",
  "initiator",
  "chap",
]);

/** What only replacing the pool could change: its type and where its storage is (compared as libvirt spells paths). */
export function poolReplacements(spec: PoolSpec, live: PoolLive): ReplacingDifference[] {
  const host = live.definition;
  if (host.type !== spec.type) return [{ property: "type", declared: spec.type, host: host.type }];
  return poolDrift(spec, live)
    .filter((d) => REPLACING.has(d.property))
    .map((d) => ({
      property: d.property,
      declared: declaredValue(spec, d.property),
      host: hostValue(live, d.property, undefined),
    }));
}
