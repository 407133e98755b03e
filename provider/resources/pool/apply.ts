import { LibvirtConnection, PoolBuildFlags, PoolRef } from "../../libvirt";
import { ErrorCode, LibvirtError } from "../../rpc";
import { buildPoolXml } from "../../xml";
import { bringUp, defineThenStart, StartableCalls } from "../common/defineThenStart";
import { ignoringGone } from "../common/gone";
import type { LiveObject } from "../common/kindDefinition";
import { PartialCreateError } from "../common/errors";
import { progress } from "../common/progress";
import { putChapSecret, removeChapSecret } from "./chapSecret";
import { PoolType, volumesOf } from "./fields";
import { poolModelOf } from "./model";
import { PoolLive, readPool } from "./read";
import { keepPool, volumesInUse } from "../volume/keep";
import type { PoolSpec } from "./spec";

/**
 * Whether the pool's storage is a directory on the host (its own, or a mount point): the types
 * whose volumes are files. Building one only creates that directory (an existing one is kept),
 * so it is done at every start; for the others a build writes to devices (a volume group, a
 * partition table): only `build: true` at create does it.
 */
const isDirectory = (type: PoolType): boolean => volumesOf(type) === "files";

/**
 * What a filesystem makes at its root for itself (ext2/3/4's `lost+found`), which libvirt lists
 * as a volume of an fs pool: never counted or deleted as one of the pool's volumes.
 */
const FILESYSTEM_OWN = ["lost+found"];

/** A pool starts once its directory exists. */
function startable(conn: LibvirtConnection, type: PoolType): StartableCalls<PoolRef> {
  return {
    start: async (ref) => {
      if (isDirectory(type)) await conn.pools.build(ref);
      await conn.pools.start(ref);
    },
    setAutostart: (ref, on) => conn.pools.setAutostart(ref, on),
  };
}

/**
 * With `build: true`, lets libvirt prepare the device once, never over what it holds
 * (NO_OVERWRITE): an fs pool's filesystem, a logical pool's volume group, a disk's
 * partition table. A device that has a filesystem already keeps it (a pool replaced on
 * the same device finds the one it made).
 */
async function buildDevice(conn: LibvirtConnection, spec: PoolSpec, ref: PoolRef): Promise<void> {
  if (!spec.build) return;
  progress("StoragePool", spec.name, `building the ${spec.type} pool's storage (never over existing data)`);
  try {
    await conn.pools.build(ref, PoolBuildFlags.NoOverwrite);
  } catch (err) {
    if (!(spec.type === "fs" && err instanceof LibvirtError && err.code === ErrorCode.StoragePoolBuilt)) throw err;
    progress("StoragePool", spec.name, `${spec.device ?? "the device"} already holds a filesystem: kept as it is`);
  }
}

/**
 * Defines, builds and starts a pool under `uuid`; undone on refusal. An iscsi-direct
 * pool's CHAP secret is written first (the pool logs in with it when it starts) and
 * removed again when the pool's create is refused; a dropped link leaves both for the
 * next run, which finds the pool by its UUID and deletes the secret with it.
 */
export async function createPool(conn: LibvirtConnection, spec: PoolSpec, uuid: string): Promise<LiveObject<PoolLive>> {
  if (!spec.chap) return definePool(conn, spec, uuid);
  const { created } = await putChapSecret(conn, spec.name, spec.chap.password);
  try {
    return await definePool(conn, spec, uuid);
  } catch (err) {
    if (created && !(err instanceof PartialCreateError)) await removeChapSecret(conn, spec.name);
    throw err;
  }
}

function definePool(conn: LibvirtConnection, spec: PoolSpec, uuid: string): Promise<LiveObject<PoolLive>> {
  return defineThenStart(conn.pools, {
    kind: "StoragePool",
    what: "pool",
    name: spec.name,
    uuid,
    xml: buildPoolXml(poolModelOf(spec, uuid)),
    bringUp: async (ref) => {
      await buildDevice(conn, spec, ref);
      await bringUp(startable(conn, spec.type), ref, spec.autostart);
    },
    readBack: (ref) => readPool(conn, ref),
  });
}

/**
 * Starts a stopped pool and sets autostart; sets an iscsi-direct pool's CHAP password in
 * its secret (defined again when missing), which the next login uses. The rest of a pool
 * cannot change in place.
 */
export async function updatePool(conn: LibvirtConnection, spec: PoolSpec, live: PoolLive): Promise<LiveObject<PoolLive>> {
  if (spec.chap) await putChapSecret(conn, spec.name, spec.chap.password);
  await bringUp(startable(conn, spec.type), live.ref, spec.autostart, live);
  return readPool(conn, live.ref);
}

/**
 * Deletes a pool: refused while it holds volumes, unless `forceDestroy` deletes them too.
 * Stopping it unmounts an fs or netfs pool and deactivates a volume group; only a
 * directory is removed after (libvirt's pool delete, which removes an empty one only):
 * a volume group, a partition table or a filesystem is never touched.
 */
export async function removePool(conn: LibvirtConnection, ref: PoolRef, spec: PoolSpec): Promise<void> {
  if (volumesOf(spec.type) === "luns") return removeLunPool(conn, ref, spec);
  if (await conn.pools.isActive(ref)) {
    await conn.pools.refresh(ref);
    const listed = await conn.volumes.listAll(ref);
    const volumes = spec.type === "fs" ? listed.filter((v) => !FILESYSTEM_OWN.includes(v.name)) : listed;
    // Volumes domains on this host still use are kept for them (`volume/keep.ts`), and the pool with them.
    const used = await volumesInUse(conn, volumes);
    const unused = volumes.filter((v) => !used.some((u) => u.vol.key === v.key));
    if (unused.length > 0 && !spec.forceDestroy) {
      const names = unused
        .map((v) => v.name)
        .slice(0, 5)
        .join(", ");
      throw new Error(
        `pool ${spec.name} still holds ${unused.length} volume(s) (${names}${unused.length > 5 ? ", …" : ""}): ` +
          `delete them first, or set forceDestroy: true to delete them with the pool`,
      );
    }
    for (const v of unused) await conn.volumes.delete(v);
    if (used.length > 0) return keepPool(conn, spec.name, used, { kind: "StoragePool", name: spec.name });
    await conn.pools.destroy(ref);
  }
  // Removes the directory when it is empty; a directory that holds other files stays.
  if (isDirectory(spec.type)) await conn.pools.delete(ref).catch(() => undefined);
  await ignoringGone(conn.pools.undefine(ref));
}

/**
 * Deletes an iscsi-direct pool: stops it (the host logs out of the target) and removes
 * its definition and its CHAP secret. Its volumes are the target's LUNs, which libvirt
 * can neither create nor delete: they and their data are never touched, `forceDestroy`
 * or not.
 */
async function removeLunPool(conn: LibvirtConnection, ref: PoolRef, spec: PoolSpec): Promise<void> {
  if (await conn.pools.isActive(ref)) await conn.pools.destroy(ref);
  await ignoringGone(conn.pools.undefine(ref));
  await removeChapSecret(conn, spec.name);
}
