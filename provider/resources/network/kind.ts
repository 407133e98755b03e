import { LibvirtConnection, NetworkRef, NetworkUpdateCommand, NetworkUpdateFlags, NetworkXmlFlags } from "../../libvirt";
import { buildNetworkXml, compareNetwork, Network, parseNetworkXml } from "../../xml";
import { randomUUID } from "node:crypto";
import { ignoringGone, unlessGone } from "../common/gone";
import { createTransactionally } from "../common/transaction";
import type { Drift, KindDefinition, LiveObject } from "../common/kindDefinition";
import { progress } from "../common/progress";
import { sectionEdits } from "./liveSections";
import { NetworkSpec, parseNetworkSpec } from "./spec";
import { networkModelOf } from "./xml";

/** What the host reports about a network. */
export interface NetworkLive {
  ref: NetworkRef;
  /** The persistent definition. */
  definition: Network;
  active: boolean;
  autostart: boolean;
  bridge?: string;
}

function lookup(conn: LibvirtConnection, uuid: string): Promise<NetworkRef | undefined> {
  return unlessGone(conn.networks.lookupByUuid(uuid));
}

async function readNetwork(conn: LibvirtConnection, ref: NetworkRef): Promise<LiveObject<NetworkLive>> {
  const [xml, active, autostart] = await Promise.all([
    conn.networks.xmlDesc(ref, NetworkXmlFlags.Inactive),
    conn.networks.isActive(ref),
    conn.networks.getAutostart(ref),
  ]);
  const definition = parseNetworkXml(xml);
  return { id: ref.uuid, state: { ref, definition, active, autostart, bridge: definition.bridge?.name } };
}

/**
 * Differences outside the live-updatable sections (which `sectionEdits`
 * handles): these need the network redefined and restarted.
 */
function definitionDrift(spec: NetworkSpec, live: Network): Drift[] {
  const desired = networkModelOf(spec);
  // Static hosts and DNS hosts are compared entry by entry elsewhere.
  for (const ip of desired.ips ?? []) if (ip.dhcp) delete ip.dhcp.hosts;
  delete desired.dns;
  return compareNetwork(desired, live)
    .filter((d) => !/\.dhcp\.hosts\b/.test(d.path) && !d.path.startsWith("dns.hosts"))
    .map((d) => ({ property: d.path, detail: `${d.kind}: declared ${d.desired ?? "nothing"}, host has ${d.live ?? "nothing"}` }));
}

async function bringUp(conn: LibvirtConnection, ref: NetworkRef, spec: NetworkSpec, live?: NetworkLive): Promise<void> {
  if (!live?.active) await conn.networks.start(ref);
  if (live?.autostart !== spec.autostart) await conn.networks.setAutostart(ref, spec.autostart);
}

/** The Network kind. */
export const networkKind: KindDefinition<NetworkSpec, NetworkLive> = {
  kind: "Network",
  parse: parseNetworkSpec,

  replaceOn(olds, news) {
    const out: string[] = (["name", "mode"] as const).filter((k) => olds[k] !== news[k]);
    // Stored state holds the bridge libvirt named (the `bridge` output) when the program named none:
    // only a bridge the program names, and that differs, needs a new network.
    if (news.bridge !== undefined && olds.bridge !== news.bridge) out.push("bridge");
    return out;
  },

  async read(conn, id) {
    const ref = await lookup(conn, id);
    return ref ? readNetwork(conn, ref) : undefined;
  },

  drift(spec, live): Drift[] {
    const out = definitionDrift(spec, live.definition);
    if (out.length > 0) out.push({ property: "(network)", detail: "will be redefined and restarted to apply this" });
    for (const e of sectionEdits(spec, live.definition)) out.push({ property: e.property, detail: `${e.describe} (applied live)` });
    if (!live.active) out.push({ property: "active", detail: "the network is stopped on the host" });
    if (live.autostart !== spec.autostart) out.push({ property: "autostart", detail: `is ${live.autostart} on the host` });
    return out;
  },

  create: (conn, spec, id) =>
    createTransactionally("network", spec.name, id ?? randomUUID(), async (uuid) => {
      progress("Network", spec.name, "defining");
      const ref = await conn.networks.define(buildNetworkXml(networkModelOf(spec, uuid)));
      return {
        run: async () => {
          await bringUp(conn, ref, spec);
          return readNetwork(conn, ref);
        },
        undo: async () => {
          if (await conn.networks.isActive(ref)) await conn.networks.destroy(ref);
          await conn.networks.undefine(ref);
        },
      };
    }),

  async update(conn, id, _olds, spec, live) {
    const ref = live.ref;
    if (definitionDrift(spec, live.definition).length > 0) {
      progress("Network", spec.name, "redefining, then restarting to apply the new definition");
      await conn.networks.define(buildNetworkXml(networkModelOf(spec, id)));
      if (live.active) {
        await conn.networks.destroy(ref);
        await conn.networks.start(ref);
      }
      // The new definition already holds the declared hosts.
      await bringUp(conn, ref, spec, { ...live, active: true });
      return readNetwork(conn, ref);
    }
    const flags = live.active ? NetworkUpdateFlags.Live | NetworkUpdateFlags.Config : NetworkUpdateFlags.Config;
    for (const edit of sectionEdits(spec, live.definition)) {
      progress(
        "Network",
        spec.name,
        `${edit.property}: ${edit.command === NetworkUpdateCommand.Delete ? "removing" : "adding"} ${edit.describe.split(" is ")[0]} live`,
      );
      await conn.networks.update(ref, edit.command, edit.section, edit.xml, flags, edit.parentIndex);
    }
    await bringUp(conn, ref, spec, live);
    return readNetwork(conn, ref);
  },

  async remove(conn, id) {
    const ref = await lookup(conn, id);
    if (!ref) return;
    if (await unlessGone(conn.networks.isActive(ref))) await ignoringGone(conn.networks.destroy(ref));
    await ignoringGone(conn.networks.undefine(ref));
  },

  outputNames: ["uuid", "bridge", "active", "mode"],

  outputs(spec, live) {
    return { uuid: live.id, bridge: live.state.bridge ?? spec.bridge ?? "", active: live.state.active, mode: spec.mode };
  },
};
