/**
 * A volume deleted while a domain on its host still uses it is kept: deleting it would pull the
 * image from under a running guest (or from a stopped one that opens it at its next start). This
 * happens when Pulumi retires the old host's volume of a VM whose move failed: the engine deletes
 * such pending deletions first thing in the next run, while the VM still runs on the old host.
 * The kept volume's key is recorded on each domain using it (`<metadata>`, see
 * `xml/domain/keptVolumes.ts`), and the domain deletes it when it leaves the host
 * ({@link deleteKeptVolumes}: moved away or deleted), so the state forgets it without losing it.
 */
import { DomainMetadataType, DomainModificationImpact, DomainRef, LibvirtConnection, VolumeRef } from "../../libvirt";
import { KEPT_VOLUMES_NAMESPACE, KEPT_VOLUMES_PREFIX, keptVolumesOf, keptVolumesXml, parseDomainXml } from "../../xml";
import { messageOf } from "../common/errors";
import { ignoringGone, unlessGone } from "../common/gone";
import { progress } from "../common/progress";
import { disksUsing } from "./inUse";

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

/** The distinct domains other than `except` (a UUID) whose disks use `vol`. */
async function usersOf(conn: LibvirtConnection, vol: VolumeRef, except?: string): Promise<DomainRef[]> {
  const path = await unlessGone(conn.volumes.path(vol));
  if (path === undefined) return [];
  const users = new Map<string, DomainRef>();
  for (const { dom } of await disksUsing(conn, path, { stopped: true, volume: vol })) {
    if (dom.uuid !== except) users.set(dom.uuid, dom);
  }
  return [...users.values()];
}

/**
 * Records `key` among the volumes `dom` keeps: in the running domain and its definition when it
 * runs, in its definition when stopped. A domain gone meanwhile records nothing.
 */
export function recordKept(conn: LibvirtConnection, dom: DomainRef, key: string): Promise<void> {
  return serialized(dom.uuid, async () => {
    const active = await unlessGone(conn.domains.isActive(dom));
    if (active === undefined) return;
    const xml = await unlessGone(conn.domains.xmlDesc(dom));
    if (xml === undefined) return;
    const keys = keptVolumesOf(parseDomainXml(xml));
    if (keys.includes(key)) return;
    const flags = active ? DomainModificationImpact.Live | DomainModificationImpact.Config : DomainModificationImpact.Config;
    await ignoringGone(
      conn.domains.setMetadata(
        dom,
        DomainMetadataType.Element,
        keptVolumesXml([...keys, key]),
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
    await recordKept(conn, dom, vol.key);
    progress(
      who.kind,
      who.name,
      `kept on ${conn.rpc.description}: VirtualMachine ${dom.name} still uses it; it is deleted when ${dom.name} leaves this host`,
    );
  }
}

/**
 * The keys of the volumes the domain keeps (see the file's comment), read from its current
 * document; none for a domain gone.
 */
export async function keptVolumesOn(conn: LibvirtConnection, dom: DomainRef): Promise<string[]> {
  const xml = await unlessGone(conn.domains.xmlDesc(dom));
  return xml === undefined ? [] : keptVolumesOf(parseDomainXml(xml));
}

/**
 * Deletes the volumes kept for the domain `leaving` (its UUID) once it has left the host `conn`
 * (moved away or deleted): each one gone already is skipped; one another domain there still uses
 * stays, recorded on that domain instead. A failure is printed, not thrown: the move or the
 * deletion it follows is done, and the volume is then left for the user to delete.
 */
export async function deleteKeptVolumes(conn: LibvirtConnection, keys: readonly string[], leaving: string, who: Teller): Promise<void> {
  for (const key of keys) {
    try {
      const vol = await unlessGone(conn.volumes.lookupByKey(key));
      if (vol === undefined) continue;
      const users = await usersOf(conn, vol, leaving);
      if (users.length === 0) {
        await ignoringGone(conn.volumes.delete(vol));
        progress(who.kind, who.name, `deleted volume ${vol.pool}/${vol.name} kept for it on ${conn.rpc.description}`);
        continue;
      }
      for (const dom of users) await recordKept(conn, dom, key);
      const names = users.map((d) => d.name).join(", ");
      progress(who.kind, who.name, `volume ${vol.pool}/${vol.name} kept on ${conn.rpc.description}: ${names} still uses it`);
    } catch (err) {
      progress(who.kind, who.name, `could not delete volume ${key} kept for it on ${conn.rpc.description}: ${messageOf(err)}`);
    }
  }
}
