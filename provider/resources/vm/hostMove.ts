/**
 * A VM whose host changes: a running one is live-migrated to the new host
 * (`onHostChange: "migrate"`, the default), keeping its UUID and its running
 * guest; a stopped one is moved offline (`offlineMove.ts`); one gone from the
 * old host is created on the new one. The destination
 * starts the guest as it runs now (libvirt's migratable definition: the same
 * devices, addresses and machine), with the disks the new host has for the
 * spec; disks on storage only the old host has are copied during the
 * migration into the volumes made for them on the new host (Pulumi creates a
 * replaced Volume first, so they exist). The rest of the spec is converged by
 * the update that follows.
 */
import { DomainXmlFlags, LibvirtConnection, migrateLive, MigrationError, MigrationProgress } from "../../libvirt";
import { Domain, parseDomainXml } from "../../xml";
import { ConnectionSpec, toEndpoint } from "../common/connection";
import { messageOf } from "../common/errors";
import { unlessGone } from "../common/gone";
import type { HostMove, HostMoveDecision } from "../common/kindDefinition";
import { progress } from "../common/progress";
import { sizeText } from "../common/sizeText";
import { deleteKeptVolumes, keptIn } from "../volume/keep";
import { UNDEFINE_FLAGS } from "./apply";
import { requireVolumes, resolveDisks } from "./disks";
import { liveBlockersOf, refusedDisk } from "./hostMoveRules";
import { copiesText, definitionFor, localDisksOf } from "./movedDisks";
import { moveStopped, offlineRefusal } from "./offlineMove";
import { lookupVm } from "./read";
import type { DiskSpec, VmSpec } from "./spec";
import { tpmUndefineFlags } from "./tpm";

/** Where the definition's disks are pointed at the new host's (kept here too for the code that imported it from here). */
export { withDisksOf } from "./movedDisks";

const KIND = "VirtualMachine";
/** Migratable (no host-only details) and secure (a display password kept): what the destination must start. */
const MIGRATABLE = DomainXmlFlags.Migratable | DomainXmlFlags.Secure;
/** Milliseconds between two progress lines. */
const PROGRESS_EVERY_MS = 2000;

/** The VM kind's {@link HostMove}. */
export const vmHostMove: HostMove<VmSpec> = {
  replaceInstead: 'onHostChange: "replace"',
  replacedBy(inputs) {
    const choice = inputs.onHostChange;
    if (choice === "replace") return 'onHostChange is "replace"';
    if (choice !== undefined && choice !== "migrate") return "onHostChange is not known yet";
    return undefined;
  },
  async assess(from, id, olds, to): Promise<HostMoveDecision> {
    const ref = await unlessGone(lookupVm(from, id));
    if (ref === undefined) return { move: false, why: `is gone from ${from.rpc.description}` };
    const running = await from.domains.isActive(ref);
    // Started by hand although the program stops it: what `check` could not see.
    const [blocker] = running ? liveBlockersOf(olds) : [];
    if (blocker) return { move: false, refused: `${blocker.property} ${blocker.reason} (the VM runs on ${from.rpc.description})` };
    // Stopped: its UEFI variables and TPM state would stay behind.
    const kept = running ? undefined : offlineRefusal(parseDomainXml(await from.domains.xmlDesc(ref, DomainXmlFlags.Inactive)));
    if (kept) return { move: false, refused: kept };
    const local = await localDisksOf(from, olds.disks);
    const refused = to && (await refusedDisk(from, local, to));
    if (refused) return { move: false, refused };
    return { move: true, how: running ? "migrates live" : "moves offline", detail: copiesText(local) };
  },
  move: moveVm,
};

/**
 * Live-migrates the running VM `id` from `from` to `to`, as `news` places its disks on `to`.
 * @throws the migration's error (the VM still runs on `from` unless it says otherwise)
 */
async function moveVm(from: LibvirtConnection, to: LibvirtConnection, id: string, olds: VmSpec, news: VmSpec): Promise<void> {
  const ref = await unlessGone(lookupVm(from, id));
  if (ref === undefined) {
    progress(KIND, news.name, `is gone from ${from.rpc.description}: it is created on ${to.rpc.description}`);
    return;
  }
  if (!(await from.domains.isActive(ref))) return moveStopped(from, to, ref, olds, news);
  const destDisks = requireVolumes(await resolveDisks(to, news.disks));
  const [running, persistent] = await Promise.all([
    from.domains.xmlDesc(ref, MIGRATABLE),
    from.domains.xmlDesc(ref, MIGRATABLE | DomainXmlFlags.Inactive),
  ]);
  const [runningDom, persistentDom] = [parseDomainXml(running), parseDomainXml(persistent)];
  const openOnly = await openOnlyDisksOf(from, olds.disks, runningDom);
  if (openOnly.length > 0)
    throw new Error(
      `cannot migrate: the volume of disk ${openOnly.join(", ")} is gone from ${from.rpc.description} while the guest still ` +
        "has it open (deleted by hand, or by an earlier release after a failed move); QEMU reopens each image when it " +
        "hands the guest over, so the migration would fail. The VM keeps running there; its disk exists only as the " +
        "open image: copy it to a file (virsh blockcopy) before the VM stops",
    );
  // Volumes of the old host kept for this VM (`volume/keep.ts`): deleted once it has left; the new host must not inherit the record.
  const kept = keptIn(runningDom, persistentDom);
  const copyDisks = (await localDisksOf(from, olds.disks)).map((d) => d.target);
  const started = Date.now();
  progress(
    KIND,
    news.name,
    `migrating live to ${to.rpc.description}` + (copyDisks.length > 0 ? `, copying disks ${copyDisks.join(", ")}` : ", no disk copied"),
  );
  let lastLine = 0;
  const stream = streamOf(news, copyDisks.length > 0);
  await migrateLive(from, to, ref, {
    destinationXml: definitionFor(runningDom, destDisks),
    persistentXml: definitionFor(persistentDom, destDisks),
    copyDisks,
    ...stream,
    // Undefined below instead, with its NVRAM file: libvirt's undefine-on-migration leaves that file on the old host.
    undefineSource: false,
    timeoutMs: news.migrationTimeoutSeconds * 1000,
    // Read often, printed every PROGRESS_EVERY_MS: a small guest moves within a second or two.
    progressIntervalMs: 500,
    onProgress: (p) => {
      if (Date.now() - lastLine < PROGRESS_EVERY_MS) return;
      lastLine = Date.now();
      progress(KIND, news.name, progressLine(p));
    },
  }).catch((err: unknown) => {
    throw withWhereTo(err, stream);
  });
  progress(KIND, news.name, `runs on ${to.rpc.description} (migrated in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  // Its UEFI variables and TPM state went with it: the old host's copies are leftovers.
  await from.domains.undefine(ref, UNDEFINE_FLAGS | tpmUndefineFlags(olds.tpm, true)).catch((err: unknown) => {
    // Moved all the same: the state must follow it to the new host.
    progress(KIND, news.name, `could not undefine it on ${from.rpc.description} after the move (remove it there): ${messageOf(err)}`);
  });
  await deleteKeptVolumes(from, kept, ref.uuid, { kind: KIND, name: news.name });
}

/**
 * Where the old host's hypervisor sends the stream and the disk copy: `migrationAddress`, else the
 * new host's address as `addressOf` tells; `migrationPort` and (when disks are copied)
 * `migrationDisksPort` when given, else libvirt's choice from its range.
 * @throws when a port is given without an address to go with it
 */
export function streamOf(
  news: Pick<VmSpec, "connection" | "migrationAddress" | "migrationPort" | "migrationDisksPort">,
  copiesDisks: boolean,
): { address?: string; port?: number; disksPort?: number } {
  const address = news.migrationAddress ?? addressOf(news.connection);
  if (news.migrationPort !== undefined && address === undefined)
    throw new Error(
      "migrationPort needs migrationAddress: the new host is reached locally or through a jump host, " +
        "so its address as the old host reaches it is not known",
    );
  return {
    ...(address === undefined ? {} : { address }),
    ...(news.migrationPort === undefined ? {} : { port: news.migrationPort }),
    ...(copiesDisks && news.migrationDisksPort !== undefined ? { disksPort: news.migrationDisksPort } : {}),
  };
}

/**
 * Targets of the disks whose volume is gone from the old host while the running guest still has
 * the disk: the image it holds open is the only copy left. Pulumi deletes the objects a failed
 * run left for deletion (the old host's volumes, replaced on the new host first) at the start of
 * the next run, before the VM moves; such a volume is now kept while the VM uses it
 * (`volume/keep.ts`), so this is a guard against one deleted by hand or by an earlier release. QEMU reads the deleted file through its open handle, but
 * at the hand-over it reopens each image by its path (`bdrv_inactivate_all() failed`), so such
 * a VM cannot be migrated.
 */
export async function openOnlyDisksOf(from: LibvirtConnection, disks: readonly DiskSpec[], running: Domain): Promise<string[]> {
  const found: string[] = [];
  for (const d of disks) {
    if (d.volumeKey === undefined || d.readonly || d.device === "cdrom") continue;
    if ((await unlessGone(from.volumes.lookupByKey(d.volumeKey))) !== undefined) continue;
    if (running.devices.some((dev) => dev.kind === "disk" && dev.target.dev === d.target)) found.push(d.target);
  }
  return found;
}

/**
 * A failed stream's error with where the stream went, since "connection timed out" or "bad file
 * descriptor" alone does not say which host must accept what: the same {@link MigrationError}
 * otherwise. Other errors are returned as they are.
 */
export function withWhereTo(err: unknown, stream: { address?: string; port?: number }): unknown {
  if (!(err instanceof MigrationError) || err.step !== "perform") return err;
  const address = stream.address ?? "the new host's name (as it resolves it)";
  const port =
    stream.port === undefined
      ? "a port of its migration range (qemu.conf's migration_port_min–max, 49152–49215 by default)"
      : `port ${stream.port}`;
  const where =
    `if the stream did not get through: the old host's hypervisor sends it to ${address}, ${port}, where the new ` +
    "host must accept connections from the old one (migrationAddress, migrationPort)";
  return new MigrationError(`${err.message} (${where})`, err.step, err.source, err.destination, err.runsOn, err.cleanup, err.cause);
}

/**
 * The new host as this machine reaches it over SSH (not through a jump host, nor locally:
 * then libvirt's own choice, the host's name as it resolves it).
 */
function addressOf(connection: ConnectionSpec): string | undefined {
  const { ssh } = toEndpoint(connection);
  if (ssh === undefined || ssh.jump !== undefined) return undefined;
  return ssh.host;
}

/** One progress line: percent, what is left, the rate. */
export function progressLine(p: MigrationProgress): string {
  const percent = p.percent === undefined ? "" : `${p.percent.toFixed(0)}%, `;
  return `migrating: ${percent}${sizeText(p.remainingBytes)} left of ${sizeText(p.totalBytes)} at ${sizeText(p.bytesPerSecond)}/s`;
}
