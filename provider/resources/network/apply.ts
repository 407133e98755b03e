import { LibvirtConnection, NetworkRef, NetworkUpdateCommand, NetworkUpdateFlags } from "../../libvirt";
import { buildNetworkXml } from "../../xml";
import { bringUp, defineThenStart } from "../common/defineThenStart";
import { ignoringGone, unlessGone } from "../common/gone";
import type { LiveObject } from "../common/kindDefinition";
import { progress } from "../common/progress";
import { definitionDrift } from "./drift";
import { sectionEdits } from "./liveSections";
import { networkModelOf } from "./model";
import { NetworkLive, readNetwork } from "./read";
import type { NetworkSpec } from "./spec";

/** Defines and starts a network under `uuid`; undone on refusal. */
export function createNetwork(conn: LibvirtConnection, spec: NetworkSpec, uuid: string): Promise<LiveObject<NetworkLive>> {
  return defineThenStart(conn.networks, {
    kind: "Network",
    what: "network",
    name: spec.name,
    uuid,
    xml: buildNetworkXml(networkModelOf(spec, uuid)),
    bringUp: (ref) => bringUp(conn.networks, ref, spec.autostart),
    readBack: (ref) => readNetwork(conn, ref),
  });
}

/**
 * Brings a network to its spec: static DHCP hosts and DNS hosts by live
 * section edits; anything else by redefining it and restarting it.
 */
export async function updateNetwork(
  conn: LibvirtConnection,
  id: string,
  spec: NetworkSpec,
  live: NetworkLive,
): Promise<LiveObject<NetworkLive>> {
  const ref = live.ref;
  if (definitionDrift(spec, live.definition).length > 0) {
    progress("Network", spec.name, "redefining, then restarting to apply the new definition");
    await conn.networks.define(buildNetworkXml(networkModelOf(spec, id)));
    if (live.active) {
      await conn.networks.destroy(ref);
      await conn.networks.start(ref);
    }
    // The new definition already holds the declared hosts.
    await bringUp(conn.networks, ref, spec.autostart, { ...live, active: true });
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
  await bringUp(conn.networks, ref, spec.autostart, live);
  return readNetwork(conn, ref);
}

/** Stops and undefines a network; what is gone meanwhile is done. */
export async function removeNetwork(conn: LibvirtConnection, ref: NetworkRef): Promise<void> {
  if (await unlessGone(conn.networks.isActive(ref))) await ignoringGone(conn.networks.destroy(ref));
  await ignoringGone(conn.networks.undefine(ref));
}
