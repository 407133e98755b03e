import { DomainInterface, DomainRef, DomainState, DomainXmlFlags, InterfaceAddressSource, LibvirtConnection } from "../../libvirt";
import { Domain, parseDomainXml } from "../../xml";
import { unlessGone } from "../common/gone";
import { byUuidOrName } from "../common/get";
import type { LiveObject } from "../common/kindDefinition";
import { ResolvedDisk, resolveDisks } from "./disks";
import { addressSource, readAddresses } from "./power";
import type { VmSpec } from "./spec";

/** What the host reports about a VM. */
export interface VmLive {
  ref: DomainRef;
  /** The persistent definition (what the next start runs). */
  config: Domain;
  /** The running domain, while it is active. */
  running?: Domain;
  state: DomainState;
  autostart: boolean;
  /** The program's disks as this host resolves them (volume keys to paths, formats). */
  disks: ResolvedDisk[];
  /** The guest's interfaces with their addresses (none while it is off). */
  addresses: DomainInterface[];
  /** Set on the reading an update returns: its live calls were made, so a live difference left was refused. */
  liveCallsMade?: boolean;
}

/** libvirt's domain states, as the `state` output spells them. */
const STATE_NAMES: Record<DomainState, string> = {
  [DomainState.NoState]: "nostate",
  [DomainState.Running]: "running",
  [DomainState.Blocked]: "blocked",
  [DomainState.Paused]: "paused",
  [DomainState.Shutdown]: "shutting-down",
  [DomainState.Shutoff]: "shutoff",
  [DomainState.Crashed]: "crashed",
  [DomainState.PmSuspended]: "pmsuspended",
};

/** The `state` output for a domain state. */
export function stateName(state: DomainState): string {
  return STATE_NAMES[state] ?? `unknown (${state})`;
}

/** Finds a domain by UUID (libvirt's not-found when there is none). */
export function lookupVm(conn: LibvirtConnection, uuid: string): Promise<DomainRef> {
  return conn.domains.lookupByUuid(uuid);
}

/** Finds a domain by name, whoever made it; undefined only on libvirt's not-found. */
export function findVm(conn: LibvirtConnection, name: string): Promise<DomainRef | undefined> {
  return unlessGone(conn.domains.lookupByName(name));
}

/** Finds the domain a `get` names: by UUID, or by its name (unique on the host). */
export function vmByUuidOrName(conn: LibvirtConnection, id: string): Promise<DomainRef> {
  return byUuidOrName(conn.domains, id);
}

/**
 * The persistent definition and, while the domain runs, the running domain.
 * A domain that stops between the two reads answers the second with its
 * definition (no runtime id): then it is not running.
 */
export async function readDefinitions(conn: LibvirtConnection, ref: DomainRef): Promise<{ config: Domain; running?: Domain }> {
  // Secure: with the display password, which is compared like any value (and never printed).
  const { Secure, Inactive } = DomainXmlFlags;
  const [configXml, active] = await Promise.all([conn.domains.xmlDesc(ref, Inactive | Secure), conn.domains.isActive(ref)]);
  const config = parseDomainXml(configXml);
  if (!active) return { config };
  const running = parseDomainXml(await conn.domains.xmlDesc(ref, Secure));
  return running.id !== undefined ? { config, running } : { config };
}

/**
 * Reads everything the VM kind decides on; without a spec (a `get`), there are no program
 * disks to resolve, and addresses come from DHCP leases.
 */
export async function readVm(conn: LibvirtConnection, ref: DomainRef, spec?: VmSpec): Promise<LiveObject<VmLive>> {
  const [{ config, running }, { state }, autostart, disks] = await Promise.all([
    readDefinitions(conn, ref),
    conn.domains.state(ref),
    conn.domains.getAutostart(ref),
    spec ? resolveDisks(conn, spec.disks) : [],
  ]);
  const addresses = running ? await readAddresses(conn, ref, spec ? addressSource(spec) : InterfaceAddressSource.Lease) : [];
  return { id: ref.uuid, state: { ref, config, running, state, autostart, disks, addresses } };
}
