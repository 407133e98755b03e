/**
 * A volume deleted while a domain on its host still uses it is kept: deleting it would pull the
 * image from under a running guest (or from a stopped one that opens it at its next start). This
 * happens when Pulumi retires the old host's volume of a VM whose move failed: the engine deletes
 * such pending deletions first thing in the next run, while the VM still runs on the old host.
 * The kept volume's key is recorded on each domain using it (`<metadata>`, see
 * `xml/domain/keptVolumes.ts`), and the domain deletes it when it leaves the host
 * ({@link deleteKeptVolumes}: moved away or deleted), so the state forgets it without losing it.
 * A pool deleted while it holds such a volume is kept too, recorded on the same domains, and
 * deleted after the volume.
 */
import { DomainMetadataType, DomainModificationImpact, DomainRef, LibvirtConnection, VolumeRef } from "../../libvirt";
import {
  Domain,
  KEPT_VOLUMES_NAMESPACE,
  KEPT_VOLUMES_PREFIX,
  keptPoolsOf,
  keptVolumesOf,
  keptVolumesXml,
  parseDomainXml,
  parsePoolXml,
} from "../../xml";
import { messageOf } from "../common/errors";
import { ignoringGone, unlessGone } from "../common/gone";
import { progress } from "../common/progress";
import { volumesOf } from "../pool/fields";
import { DomainDisks, readDomainDisks } from "./inUse";

/** What a domain keeps on its host: volumes by key, pools by name. */
export interface Kept {
  volumes: string[];
  pools: string[];
}

/** What the domain documents record as kept, each once. */
export function keptIn(...docs: Pick<Domain, "metadata">[]): Kept {
  return {
    volumes: [...new Set(docs.flatMap(keptVolumesOf))],
    pools: [...new Set(docs.flatMap(keptPoolsOf))],
  };
}

/** The kind and name progress lines are printed under. */
export interface Teller {
  kind: string;
  name: string;
}

/** Per-domain queues (by UUID): two volumes kept for one domain at once must not overwrite each other's record. */
const queues = new Map<string, Promise<unknown>>();

function serialized<T>(uuid: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(uuid) ?? Promise.resolve();
  const next = previous.then(work, work);
  const tail = next.catch(() => undefined);
  queues.set(uuid, tail);
  void tail.then(() => {
    if (queues.get(uuid) === tail) queues.delete(uuid);
  });
  return next;
}

/**
 * The distinct domains other than `except` (a UUID) whose disks use `vol`, from `disks` when the
 * caller read them already for several volumes.
 */
async function usersOf(conn: LibvirtConnection, vol: VolumeRef, except?: string, disks?: DomainDisks): Promise<DomainRef[]> {
  const path = await unlessGone(conn.volumes.path(vol));
  if (path === undefined) return [];
  const users = new Map<string, DomainRef>();
  for (const { dom } of (disks ?? (await readDomainDisks(conn, true))).using(path, vol)) {
    if (dom.uuid !== except) users.set(dom.uuid, dom);
  }
  return [...users.values()];
}

/** A volume and the domains using it. */
export interface VolumeInUse {
  vol: VolumeRef;
  users: DomainRef[];
}

/** Those of `volumes` that domains (other than `except`, a UUID) use, with those domains. */
export async function volumesInUse(conn: LibvirtConnection, volumes: readonly VolumeRef[], except?: string): Promise<VolumeInUse[]> {
  const found: VolumeInUse[] = [];
  // Every domain's document read once for all the volumes, not once per volume.
  const disks = await readDomainDisks(conn, true);
  for (const vol of volumes) {
    const users = await usersOf(conn, vol, except, disks);
    if (users.length > 0) found.push({ vol, users });
  }
  return found;
}

/**
 * Adds `add` to what `dom` keeps: in the running domain and its definition when it runs, in its
 * definition when stopped. A domain gone meanwhile records nothing.
 */
export function recordKept(conn: LibvirtConnection, dom: DomainRef, add: Partial<Kept>): Promise<void> {
  return serialized(dom.uuid, async () => {
    const active = await unlessGone(conn.domains.isActive(dom));
    if (active === undefined) return;
    const xml = await unlessGone(conn.domains.xmlDesc(dom));
    if (xml === undefined) return;
    const now = keptIn(parseDomainXml(xml));
    const volumes = [...new Set([...now.volumes, ...(add.volumes ?? [])])];
    const pools = [...new Set([...now.pools, ...(add.pools ?? [])])];
    if (volumes.length === now.volumes.length && pools.length === now.pools.length) return;
    const flags = active ? DomainModificationImpact.Live | DomainModificationImpact.Config : DomainModificationImpact.Config;
    await ignoringGone(
      conn.domains.setMetadata(
        dom,
        DomainMetadataType.Element,
        keptVolumesXml(volumes, pools),
        flags,
        KEPT_VOLUMES_PREFIX,
        KEPT_VOLUMES_NAMESPACE,
      ),
    );
  });
}

/**
 * Deletes the volume `vol` (a Volume's or a CloudInitDisk's), unless domains on its host use it:
 * then it is kept, recorded on each of them, and a line says so. Either way the object leaves
 * the state. One gone already is done.
 */
export async function removeUnlessInUse(conn: LibvirtConnection, vol: VolumeRef, who: Teller): Promise<void> {
  const users = await usersOf(conn, vol);
  if (users.length === 0) return ignoringGone(conn.volumes.delete(vol));
  for (const dom of users) {
    await recordKept(conn, dom, { volumes: [vol.key] });
    progress(
      who.kind,
      who.name,
      `kept on ${conn.rpc.description}: VirtualMachine ${dom.name} still uses it; it is deleted when ${dom.name} leaves this host`,
    );
  }
}

/**
 * Keeps the pool `pool` (being deleted) for the domains using its volumes `used`: each such
 * volume and the pool are recorded on each of them, and a line says so.
 */
export async function keepPool(conn: LibvirtConnection, pool: string, used: readonly VolumeInUse[], who: Teller): Promise<void> {
  for (const { vol, users } of used) {
    for (const dom of users) {
      await recordKept(conn, dom, { volumes: [vol.key], pools: [pool] });
      progress(
        who.kind,
        who.name,
        `kept on ${conn.rpc.description}: VirtualMachine ${dom.name} still uses its volume ${vol.name}; ` +
          `it is deleted when ${dom.name} leaves this host`,
      );
    }
  }
}

/** What the domain keeps (see the file's comment), read from its current document; nothing for a domain gone. */
export async function keptVolumesOn(conn: LibvirtConnection, dom: DomainRef): Promise<Kept> {
  const xml = await unlessGone(conn.domains.xmlDesc(dom));
  return xml === undefined ? { volumes: [], pools: [] } : keptIn(parseDomainXml(xml));
}

/**
 * Deletes the volumes, then the pools, kept for the domain `leaving` (its UUID) once it has left
 * the host `conn` (moved away or deleted): each one gone already is skipped; one another domain
 * there still uses stays, recorded on that domain instead; a pool that still holds other volumes
 * stays. A failure is printed, not thrown: the move or the deletion it follows is done, and the
 * object is then left for the user to delete.
 */
export async function deleteKeptVolumes(conn: LibvirtConnection, kept: Kept, leaving: string, who: Teller): Promise<void> {
  const host = conn.rpc.description;
  for (const key of kept.volumes) {
    try {
      const vol = await unlessGone(conn.volumes.lookupByKey(key));
      if (vol === undefined) continue;
      const users = await usersOf(conn, vol, leaving);
      if (users.length === 0) {
        await ignoringGone(conn.volumes.delete(vol));
        progress(who.kind, who.name, `deleted volume ${vol.pool}/${vol.name} kept for it on ${host}`);
        continue;
      }
      const pools = kept.pools.includes(vol.pool) ? [vol.pool] : [];
      for (const dom of users) await recordKept(conn, dom, { volumes: [key], pools });
      const names = users.map((d) => d.name).join(", ");
      progress(who.kind, who.name, `volume ${vol.pool}/${vol.name} kept on ${host}: ${names} still uses it`);
    } catch (err) {
      progress(who.kind, who.name, `could not delete volume ${key} kept for it on ${host}: ${messageOf(err)}`);
    }
  }
  for (const name of kept.pools) {
    try {
      await deleteKeptPool(conn, name, leaving, who);
    } catch (err) {
      progress(who.kind, who.name, `could not delete pool ${name} kept for it on ${host}: ${messageOf(err)}`);
    }
  }
}

/** Deletes the kept pool `name` when it holds no volume any more (see {@link deleteKeptVolumes}). */
async function deleteKeptPool(conn: LibvirtConnection, name: string, leaving: string, who: Teller): Promise<void> {
  const host = conn.rpc.description;
  const pool = await unlessGone(conn.pools.lookupByName(name));
  if (pool === undefined) return;
  const active = await conn.pools.isActive(pool);
  if (active) {
    await conn.pools.refresh(pool);
    const left = await conn.volumes.listAll(pool);
    if (left.length > 0) {
      // Volumes another domain keeps: the pool goes with the last of them.
      for (const { vol, users } of await volumesInUse(conn, left, leaving))
        for (const dom of users) await recordKept(conn, dom, { volumes: [vol.key], pools: [name] });
      progress(who.kind, who.name, `pool ${name} kept on ${host}: it still holds ${left.map((v) => v.name).join(", ")}`);
      return;
    }
  }
  const type = parsePoolXml(await conn.pools.xmlDesc(pool)).type;
  if (active) await conn.pools.destroy(pool);
  // Its directory, when it is one and empty (as the pool's own delete does).
  if (volumesOf(type) === "files") await conn.pools.delete(pool).catch(() => undefined);
  await ignoringGone(conn.pools.undefine(pool));
  progress(who.kind, who.name, `deleted pool ${name} kept for it on ${host}`);
}
