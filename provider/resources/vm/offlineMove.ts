/**
 * A stopped VM whose host changes, moved offline: defined on the new host
 * under the same UUID with its disks pointing at the volumes made there (Pulumi
 * creates a replaced Volume first), each disk on the old host's own storage
 * streamed through the provider and checked by SHA-256, then undefined on the
 * old host. Until that last step the old host is not written to, so a failure
 * removes what the new host got and leaves the VM where it was.
 */
import { DomainRef, DomainXmlFlags, LibvirtConnection, VolumeRef } from "../../libvirt";
import { devicesOf, Domain, parseDomainXml } from "../../xml";
import { messageOf } from "../common/errors";
import { progress } from "../common/progress";
import { deleteKeptVolumes, keptIn } from "../volume/keep";
import { UNDEFINE_FLAGS } from "./apply";
import { requireVolumes, resolveDisks } from "./disks";
import { copiesText, definitionFor, LocalDisk, localDisksOf } from "./movedDisks";
import type { DiskSpec } from "./specDevices";
import type { VmSpec } from "./spec";
import { tpmUndefineFlags } from "./tpm";
import { copyVolume } from "./volumeCopy";

const KIND = "VirtualMachine";

/**
 * Why the stopped VM `dom` (its definition on the old host) cannot move
 * offline, or undefined. Its UEFI variables (the NVRAM file) and its TPM's
 * state (swtpm's folder) are host files outside any storage pool, which
 * libvirt's API neither reads nor writes: a move that defined it on the new
 * host would hand the guest fresh variables and an empty TPM (lost boot
 * entries, sealed keys unusable), so it is refused, naming the two ways that
 * are sound. A running VM's live migration carries both (QEMU sends the
 * firmware's flash with the guest's memory, libvirt the TPM's state).
 */
export function offlineRefusal(dom: Domain): string | undefined {
  const held = [
    ...(dom.os?.firmware === "efi" || dom.os?.nvram !== undefined || dom.os?.loader?.type === "pflash" ? ["UEFI variables (NVRAM)"] : []),
    ...(devicesOf(dom.devices, "tpm").some((t) => t.backend?.type === "emulator") ? ["TPM state"] : []),
  ];
  if (held.length === 0) return undefined;
  return (
    `is stopped and keeps ${held.join(" and ")} on its host, which an offline move cannot carry: ` +
    `start it on its current host first (running: true), then change its host: the move migrates it live with them; ` +
    `or set onHostChange: "replace" to create it anew on the new host without them`
  );
}

/**
 * The volume on the new host each copied disk goes into: the new spec's disk of the same target.
 * @throws when that disk has no volume there (nothing to copy into)
 */
async function destinationsOf(
  to: LibvirtConnection,
  copies: readonly LocalDisk[],
  disks: readonly DiskSpec[],
): Promise<{ from: LocalDisk; into: VolumeRef }[]> {
  return Promise.all(
    copies.map(async (c) => {
      const key = disks.find((d) => d.target === c.target)?.volumeKey;
      if (key === undefined) {
        throw new Error(
          `disk ${c.target} is on the old host's own storage but has no volumeKey on ${to.rpc.description} to be copied into`,
        );
      }
      return { from: c, into: await to.volumes.lookupByKey(key) };
    }),
  );
}

/**
 * Moves the stopped VM `ref` from `from` to `to` (see the file's comment).
 * @throws the first failure, after undefining what `to` got; `from` is then unchanged
 */
export async function moveStopped(
  from: LibvirtConnection,
  to: LibvirtConnection,
  ref: DomainRef,
  olds: VmSpec,
  news: VmSpec,
): Promise<void> {
  // Everything read before anything is written: a refusal here leaves both hosts as they were.
  const destDisks = requireVolumes(await resolveDisks(to, news.disks));
  const copies = await localDisksOf(from, olds.disks);
  const pairs = await destinationsOf(to, copies, news.disks);
  // Migratable: no host-only details; secure: a display password kept.
  const inactive = parseDomainXml(
    await from.domains.xmlDesc(ref, DomainXmlFlags.Migratable | DomainXmlFlags.Secure | DomainXmlFlags.Inactive),
  );
  // The diff refused it already; stopped since then, it is refused here before anything is written.
  const refusal = offlineRefusal(inactive);
  if (refusal !== undefined) throw new Error(refusal);
  // Volumes of the old host kept for this VM (`volume/keep.ts`): deleted once it has left; the new host must not inherit the record.
  const kept = keptIn(inactive);
  const xml = definitionFor(inactive, destDisks);
  progress(KIND, news.name, `moves offline to ${to.rpc.description}, ${copiesText(copies)}`);
  const started = Date.now();
  const defined = await to.domains.define(xml);
  try {
    for (const { from: disk, into } of pairs) {
      await copyVolume(from, disk.volume, to, into, { kind: KIND, name: news.name, disk: disk.target }, disk.bytes);
    }
    // Started on the old host meanwhile: it is running there, not moved; the next run migrates it live.
    if (await from.domains.isActive(ref))
      throw new Error(`was started on ${from.rpc.description} during the copy: run again to migrate it live`);
    await from.domains.undefine(ref, UNDEFINE_FLAGS | tpmUndefineFlags(olds.tpm));
  } catch (err) {
    await to.domains.undefine(defined, UNDEFINE_FLAGS | tpmUndefineFlags(news.tpm, true)).catch((undoErr: unknown) => {
      progress(KIND, news.name, `could not undefine it again on ${to.rpc.description}: ${messageOf(undoErr)}`);
    });
    throw err;
  }
  progress(
    KIND,
    news.name,
    `defined on ${to.rpc.description}, undefined on ${from.rpc.description} (moved in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  await deleteKeptVolumes(from, kept, ref.uuid, { kind: KIND, name: news.name });
}
