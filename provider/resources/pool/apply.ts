import type { LibvirtConnection, PoolRef } from "../../libvirt";
import { buildPoolXml } from "../../xml";
import { bringUp, defineThenStart, StartableCalls } from "../common/defineThenStart";
import { ignoringGone } from "../common/gone";
import type { LiveObject } from "../common/kindDefinition";
import { poolModelOf } from "./model";
import { PoolLive, readPool } from "./read";
import type { PoolSpec } from "./spec";

/** A pool starts once its storage is built: for a dir pool, its directory is created (an existing one is kept). */
function startable(conn: LibvirtConnection): StartableCalls<PoolRef> {
  return {
    start: async (ref) => {
      await conn.pools.build(ref);
      await conn.pools.start(ref);
    },
    setAutostart: (ref, on) => conn.pools.setAutostart(ref, on),
  };
}

/** Defines, builds and starts a pool under `uuid`; undone on refusal. */
export function createPool(conn: LibvirtConnection, spec: PoolSpec, uuid: string): Promise<LiveObject<PoolLive>> {
  return defineThenStart(conn.pools, {
    kind: "StoragePool",
    what: "pool",
    name: spec.name,
    uuid,
    xml: buildPoolXml(poolModelOf(spec, uuid)),
    bringUp: (ref) => bringUp(startable(conn), ref, spec.autostart),
    readBack: (ref) => readPool(conn, ref),
  });
}

/** Starts a stopped pool and sets autostart; the rest of a pool cannot change in place. */
export async function updatePool(conn: LibvirtConnection, spec: PoolSpec, live: PoolLive): Promise<LiveObject<PoolLive>> {
  await bringUp(startable(conn), live.ref, spec.autostart, live);
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
