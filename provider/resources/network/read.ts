import { LibvirtConnection, NetworkRef, NetworkXmlFlags } from "../../libvirt";
import { Network, parseNetworkXml } from "../../xml";
import { unlessGone } from "../common/gone";
import { byUuidOrName } from "../common/get";
import type { LiveObject } from "../common/kindDefinition";

/** What the host reports about a network. */
export interface NetworkLive {
  ref: NetworkRef;
  /** The persistent definition. */
  definition: Network;
  active: boolean;
  autostart: boolean;
  bridge?: string;
}

/** Finds a network by UUID (libvirt's not-found when there is none). */
export function lookupNetwork(conn: LibvirtConnection, uuid: string): Promise<NetworkRef> {
  return conn.networks.lookupByUuid(uuid);
}

/** Finds a network by name, whoever made it; undefined only on libvirt's not-found. */
export function findNetwork(conn: LibvirtConnection, name: string): Promise<NetworkRef | undefined> {
  return unlessGone(conn.networks.lookupByName(name));
}

/** Finds the network a `get` names: by UUID, or by its name (unique on the host). */
export function networkByUuidOrName(conn: LibvirtConnection, id: string): Promise<NetworkRef> {
  return byUuidOrName(conn.networks, id);
}

/** Reads everything the network kind decides on, in one round of pipelined calls. */
export async function readNetwork(conn: LibvirtConnection, ref: NetworkRef): Promise<LiveObject<NetworkLive>> {
  const [xml, active, autostart] = await Promise.all([
    conn.networks.xmlDesc(ref, NetworkXmlFlags.Inactive),
    conn.networks.isActive(ref),
    conn.networks.getAutostart(ref),
  ]);
  const definition = parseNetworkXml(xml);
  return { id: ref.uuid, state: { ref, definition, active, autostart, bridge: definition.bridge?.name } };
}
