import type { LibvirtConnection, PoolRef } from "../../libvirt";
import { buildPoolXml } from "../../xml";
import { defineThenStart } from "../common/defineThenStart";
import { ignoringGone } from "../common/gone";
import type { LiveObject } from "../common/kindDefinition";
import { poolModelOf } from "./model";
import { PoolLive, readPool } from "./read";
import type { PoolSpec } from "./spec";

/** Starts the pool when it is stopped and sets its autostart as declared. */
async function bringUp(conn: LibvirtConnection, ref: PoolRef, spec: PoolSpec, live?: PoolLive): Promise<void> {
  if (!live?.active) {
    // Building a dir pool creates its directory; an existing one is kept.
    await conn.pools.build(ref);
    await conn.pools.start(ref);
  }
  if (live?.autostart !== spec.autostart) await conn.pools.setAutostart(ref, spec.autostart);
}

/** Defines, builds and starts a pool under `uuid`; undone on refusal. */
export function createPool(conn: LibvirtConnection, spec: PoolSpec, uuid: string): Promise<LiveObject<PoolLive>> {
  return defineThenStart(conn.pools, {
    kind: "StoragePool",
    what: "pool",
    name: spec.name,
    uuid,
    xml: buildPoolXml(poolModelOf(spec, uuid)),
    bringUp: (ref) => bringUp(conn, ref, spec),
    readBack: (ref) => readPool(conn, ref),
  });
}

/** Starts a stopped pool and sets autostart; the rest of a pool cannot change in place. */
export async function updatePool(conn: LibvirtConnection, spec: PoolSpec, live: PoolLive): Promise<LiveObject<PoolLive>> {
  await bringUp(conn, live.ref, spec, live);
  return readPool(conn, live.ref);
}

/** Deletes a pool: refused while it holds volumes, unless `forceDestroy` deletes them too. */
export async function removePool(conn: LibvirtConnection, ref: PoolRef, spec: PoolSpec): Promise<void> {
  if (await conn.pools.isActive(ref)) {
    await conn.pools.refresh(ref);
    const volumes = await conn.volumes.listAll(ref);
    if (volumes.length > 0 && !spec.forceDestroy) {
      const names = volumes
        .map((v) => v.name)
        .slice(0, 5)
        .join(", ");
      throw new Error(
        `pool ${spec.name} still holds ${volumes.length} volume(s) (${names}${volumes.length > 5 ? ", …" : ""}): ` +
          `delete them first, or set forceDestroy: true to delete them with the pool`,
      );
    }
    for (const v of volumes) await conn.volumes.delete(v);
    await conn.pools.destroy(ref);
  }
  // Removes the directory when it is empty; a directory that holds other files stays.
  await conn.pools.delete(ref).catch(() => undefined);
  await ignoringGone(conn.pools.undefine(ref));
}
