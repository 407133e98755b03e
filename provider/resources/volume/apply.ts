import type { LibvirtConnection, PoolRef } from "../../libvirt";
import { parsePoolXml } from "../../xml";
import { messageOf, PartialCreateError } from "../common/errors";
import type { LiveObject } from "../common/kindDefinition";
import { progress } from "../common/progress";
import { createTransactionally } from "../common/transaction";
import { volumesOf } from "../pool/fields";
import { prepareCopy } from "./copy";
import { assertNoShrink } from "./drift";
import { volumeXml } from "./model";
import { readVolume, VolumeLive } from "./read";
import { describeSource } from "./sources";
import type { VolumeSpec } from "./spec";
import { disksUsing } from "./inUse";
import { createByUpload } from "./upload";
import { openSource } from "./openSource";

/**
 * The pool a new volume goes into, its type, and the volume's key. A file volume's key
 * is its path: known before the write, so a create cut short by a dropped
 * link still leaves an id the next run can check.
 */
export async function placeVolume(
  conn: LibvirtConnection,
  poolName: string,
  name: string,
): Promise<{ pool: PoolRef; id: string; poolType: string }> {
  const pool = await conn.pools.lookupByName(poolName);
  const def = parsePoolXml(await conn.pools.xmlDesc(pool));
  refuseLunPool(poolName, def.type);
  return { pool, id: `${def.target?.path ?? ""}/${name}`, poolType: def.type };
}

/**
 * A volume in a pool of block devices (logical, disk) is the device itself: it has no image
 * format. `check` cannot see the pool, so this is refused here, before anything is written.
 */
function checkFormatFits(spec: VolumeSpec, poolType: string): void {
  if (volumesOf(poolType) === "blocks" && spec.format !== "raw")
    throw new Error(
      `format: ${spec.format} is not possible in pool ${spec.pool}, a ${poolType} pool: its volumes are block devices, so format must be "raw"`,
    );
}

/**
 * An iscsi-direct pool's volumes are the target's LUNs: libvirt can neither create
 * nor delete them, so a Volume there is refused before anything is written.
 * @throws Error saying how such a volume is used instead
 */
function refuseLunPool(poolName: string, type: string): void {
  if (volumesOf(type) !== "luns") return;
  throw new Error(
    `pool ${poolName} is an iscsi-direct pool: its volumes are the iSCSI target's LUNs, which cannot be created here; ` +
      `read one with Volume.get (by its key) and attach it to a VirtualMachine disk by volumeKey`,
  );
}

/** Creates a volume: empty, uploaded, an overlay or a copy; a failed create leaves nothing behind. */
export async function createVolume(conn: LibvirtConnection, spec: VolumeSpec): Promise<LiveObject<VolumeLive>> {
  progress("Volume", spec.name, `creating in pool ${spec.pool}`);
  const { pool, id, poolType } = await placeVolume(conn, spec.pool, spec.name);
  checkFormatFits(spec, poolType);
  const shape = { ...spec, blocks: volumesOf(poolType) === "blocks" };
  const source = spec.source;
  if (source?.kind === "localPath" || source?.kind === "url") {
    const upload = { opened: await openSource(source), where: describeSource(source), sha256: source.sha256 };
    const { ref, sha256 } = await createByUpload(conn, pool, { ...shape, kind: "Volume" }, upload, id);
    const live = await readVolume(conn, ref).catch((err: unknown) => {
      // The data is in place: keep the volume in state rather than lose track of it.
      throw new PartialCreateError(`volume ${spec.name}: uploaded, but reading it back failed: ${messageOf(err)}`, id);
    });
    return { ...live, state: { ...live.state, sha256 } };
  }
  const write = source
    ? await prepareCopy(conn, pool, { ...shape, source })
    : () => conn.volumes.create(pool, volumeXml(shape, spec.capacityBytes ?? 0n));
  return createTransactionally("volume", spec.name, id, async () => {
    const ref = await write();
    return { run: () => readVolume(conn, ref), undo: () => conn.volumes.delete(ref) };
  });
}

/**
 * Grows a volume: through the running VM that holds it (libvirt's volume
 * resize runs qemu-img, which cannot take the lock QEMU holds; a block
 * resize also tells the guest), else the volume itself.
 */
async function grow(conn: LibvirtConnection, name: string, live: VolumeLive, bytes: bigint): Promise<void> {
  const [user] = await disksUsing(conn, live.path);
  if (user) {
    progress(
      "Volume",
      name,
      `growing from ${live.capacity} to ${bytes} bytes through the running VM ${user.dom.name} (its disk ${user.target})`,
    );
    await conn.domains.blockResize(user.dom, user.target, bytes);
  } else {
    progress("Volume", name, `growing from ${live.capacity} to ${bytes} bytes`);
    await conn.volumes.resize(live.ref, bytes);
  }
}

/** Grows a volume to its declared capacity (a shrink is refused). */
export async function updateVolume(
  conn: LibvirtConnection,
  olds: VolumeSpec,
  spec: VolumeSpec,
  live: VolumeLive,
): Promise<LiveObject<VolumeLive>> {
  assertNoShrink(spec, live);
  if (spec.capacityBytes !== undefined && spec.capacityBytes > live.capacity) await grow(conn, spec.name, live, spec.capacityBytes);
  const after = await readVolume(conn, live.ref);
  return { ...after, state: { ...after.state, sha256: olds.storedSha256 } };
}
