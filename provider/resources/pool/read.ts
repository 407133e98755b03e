import { LibvirtConnection, PoolRef, PoolXmlFlags } from "../../libvirt";
import { parsePoolXml, Pool } from "../../xml";
import { unlessGone } from "../common/gone";
import { byUuidOrName } from "../common/get";
import { hasChapSecret } from "./chapSecret";
import type { LiveObject } from "../common/kindDefinition";

/** What the host reports about a pool. */
export interface PoolLive {
  ref: PoolRef;
  definition: Pool;
  active: boolean;
  autostart: boolean;
  capacity: bigint;
  available: bigint;
  /** For a pool that logs in with CHAP: whether the secret holding its password is on the host. */
  chapSecret?: boolean;
}

/** Finds a pool by UUID (libvirt's not-found when there is none). */
export function lookupPool(conn: LibvirtConnection, uuid: string): Promise<PoolRef> {
  return conn.pools.lookupByUuid(uuid);
}

/** Finds a pool by name, whoever made it; undefined only on libvirt's not-found. */
export function findPool(conn: LibvirtConnection, name: string): Promise<PoolRef | undefined> {
  return unlessGone(conn.pools.lookupByName(name));
}

/** Finds the pool a `get` names: by UUID, or by its name (unique on the host). */
export function poolByUuidOrName(conn: LibvirtConnection, id: string): Promise<PoolRef> {
  return byUuidOrName(conn.pools, id);
}

/** Reads everything the pool kind decides on, in one round of pipelined calls. */
export async function readPool(conn: LibvirtConnection, ref: PoolRef): Promise<LiveObject<PoolLive>> {
  const [xml, active, autostart, info] = await Promise.all([
    conn.pools.xmlDesc(ref, PoolXmlFlags.Inactive),
    conn.pools.isActive(ref),
    conn.pools.getAutostart(ref),
    conn.pools.info(ref),
  ]);
  const definition = parsePoolXml(xml);
  const state: PoolLive = { ref, definition, active, autostart, capacity: info.capacity, available: info.available };
  if (definition.type === "iscsi-direct" && definition.source?.auth) state.chapSecret = await hasChapSecret(conn, ref.name);
  return { id: ref.uuid, state };
}
