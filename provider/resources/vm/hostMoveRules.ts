/**
 * What a VM's move to another host refuses before either host is touched.
 *
 * A running VM cannot be live-migrated with a shared host directory: libvirt
 * refuses a virtiofs share (`qemuMigrationSrcIsAllowed`), and QEMU blocks the
 * migration of a 9p share once the guest has mounted it. A `host-passthrough`
 * CPU is the old host's own: QEMU's CPU model guide calls its live migration
 * unsafe unless both hosts are identical, so it is refused rather than tried.
 * These are read from the inputs (`check`) when the program says the VM runs,
 * and from the old host (`assess`) when it runs there all the same.
 *
 * A disk on storage only the old host has is copied into the volume the new
 * spec gives that disk on the new host; without one there is nothing to copy
 * into, so the move is refused (`assess`, which reads both hosts).
 */
import { identityOf, isHostOf } from "../common/hostIdentity";
import type { HostMoveTarget } from "../common/kindDefinition";
import type { Problems } from "../common/problems";
import { unlessGone } from "../common/gone";
import type { LibvirtConnection } from "../../libvirt";
import type { LocalDisk } from "./movedDisks";
import type { VmSpec } from "./spec";

/** How the program avoids a live migration, for the messages. */
const WAY_OUT = 'stop it first (running: false, on the old host) so it moves offline, or set onHostChange: "replace"';

/** One input that stops a running VM from being live-migrated. */
export interface LiveBlocker {
  /** The property, as `check` names it. */
  property: string;
  /** Why, with the way out; follows the property in the message. */
  reason: string;
}

/** What in `spec` (the definition the VM runs with) cannot be live-migrated to another host. */
export function liveBlockersOf(spec: VmSpec): LiveBlocker[] {
  const found: LiveBlocker[] = spec.filesystems.map((fs, i) => ({
    property: `filesystems[${i}]`,
    reason:
      fs.driver === "virtiofs"
        ? `is a virtiofs share, which libvirt does not live-migrate: ${WAY_OUT}`
        : `is a 9p share, whose live migration QEMU blocks once the guest mounts it: ${WAY_OUT}`,
  }));
  if (spec.cpuMode === "host-passthrough") {
    found.push({
      property: "cpuMode",
      reason: `is "host-passthrough": the guest sees the old host's own CPU, which QEMU cannot promise on another host (live migration is unsafe unless the hosts are identical): ${WAY_OUT}`,
    });
  }
  return found;
}

/**
 * The VM kind's `checkChange`: a VM the program runs (`olds.running`) whose connection moves
 * to another host with `onHostChange: "migrate"` is live-migrated, so what cannot be is refused.
 */
export function checkHostChange(olds: VmSpec, news: VmSpec, problems: Problems): void {
  if (news.onHostChange !== "migrate" || !olds.running) return;
  if (isHostOf(identityOf(olds.connection), news.connection)) return;
  for (const b of liveBlockersOf(olds)) problems.add(b.property, `${b.reason} (the VM runs and moves to another host)`);
}

/**
 * Why a disk copied by the move has nowhere to go on the new host, or undefined: each disk on
 * the old host's own storage needs a disk of the same target in the new spec whose volume the
 * new host has.
 */
export async function refusedDisk(
  from: LibvirtConnection,
  local: readonly LocalDisk[],
  to: HostMoveTarget<VmSpec>,
): Promise<string | undefined> {
  const there = to.conn.rpc.description;
  for (const c of local) {
    const onlyHere = `disk ${c.target} is on storage only ${from.rpc.description} has (pool "${c.volume.pool}")`;
    const wayOut = `declare a Volume on the new host for it and give the disk its key (a Volume whose connection moves with the VM is created there first, and the disk is copied into it)`;
    const i = to.news.disks.findIndex((d) => d.target === c.target);
    const disk = to.news.disks[i];
    if (disk === undefined) return `${onlyHere} and the new spec has no disk ${c.target} to copy it into: ${wayOut}`;
    if (disk.volumeKey === undefined)
      return `disks[${i}]: ${onlyHere} and the new spec's ${c.target} is no volume to copy it into: ${wayOut}`;
    if ((await unlessGone(to.conn.volumes.lookupByKey(disk.volumeKey))) === undefined) {
      return `disks[${i}].volumeKey: ${onlyHere} and ${there} has no volume with key ${JSON.stringify(disk.volumeKey)}: ${wayOut}`;
    }
  }
  return undefined;
}
