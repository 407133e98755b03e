/**
 * A stopped VM whose host changes, moved offline: defined on the new host
 * under the same UUID with its disks pointing at the volumes made there (Pulumi
 * creates a replaced Volume first), each disk on the old host's own storage
 * streamed through the provider and checked by SHA-256, then undefined on the
 * old host. Until that last step the old host is not written to, so a failure
 * removes what the new host got and leaves the VM where it was.
 */
import { DomainRef, DomainXmlFlags, LibvirtConnection, VolumeRef } from "../../libvirt";
import { buildDomainXml, parseDomainXml, withoutKeptVolumes } from "../../xml";
import { messageOf } from "../common/errors";
import { progress } from "../common/progress";
import { deleteKeptVolumes, keptIn } from "../volume/keep";
import { UNDEFINE_FLAGS } from "./apply";
import { requireVolumes, resolveDisks } from "./disks";
import { copiesText, LocalDisk, localDisksOf, withDisksOf } from "./movedDisks";
import type { DiskSpec } from "./specDevices";
import type { VmSpec } from "./spec";
import { tpmUndefineFlags } from "./tpm";
import { copyVolume } from "./volumeCopy";

const KIND = "VirtualMachine";

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
  const inactive = await from.domains.xmlDesc(ref, DomainXmlFlags.Migratable | DomainXmlFlags.Secure | DomainXmlFlags.Inactive);
  const definition = parseDomainXml(inactive);
  // Volumes of the old host kept for this VM (`volume/keep.ts`): deleted once it has left; the new host must not inherit the record.
  const kept = keptIn(definition);
  const xml = buildDomainXml(withDisksOf(withoutKeptVolumes(definition), destDisks));
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
