/**
 * DHCP leases of a VM's interfaces, read from its libvirt networks.
 *
 * A network keeps a lease after its guest stopped, and a derived MAC gives a
 * re-created VM the same lease again; so "has a lease" proves nothing about a
 * guest that just started. A lease renewed (or new) after the start does:
 * the guest's DHCP client asked for it.
 */
import type { LibvirtConnection } from "../../libvirt";
import { isNotFoundError } from "../../rpc";
import type { VmSpec } from "./spec";

/** One lease of one of the VM's interfaces. */
export interface VmLease {
  mac: string;
  address: string;
  /** Seconds since the epoch; moves forward whenever the guest renews. */
  expiry: bigint;
}

/** The leases of the VM's interfaces on libvirt networks (a network gone has none). */
export async function leasesOf(conn: LibvirtConnection, spec: VmSpec): Promise<VmLease[]> {
  const perNic = await Promise.all(
    spec.nics.map(async (nic) => {
      if (nic.source.type !== "network") return [];
      try {
        const net = await conn.networks.lookupByName(nic.source.network);
        const leases = await conn.networks.dhcpLeases(net, nic.mac);
        return leases.map((l) => ({ mac: nic.mac, address: l.ipAddress, expiry: l.expiryTime }));
      } catch (err) {
        if (isNotFoundError(err)) return [];
        throw err;
      }
    }),
  );
  return perNic.flat();
}

/** The latest expiry per MAC: taken before a start, so that {@link freshAddresses} can tell renewed leases from old ones. */
export async function leaseMarks(conn: LibvirtConnection, spec: VmSpec): Promise<Map<string, bigint>> {
  const marks = new Map<string, bigint>();
  for (const l of await leasesOf(conn, spec)) if (l.expiry > (marks.get(l.mac) ?? -1n)) marks.set(l.mac, l.expiry);
  return marks;
}

/** Addresses of leases given or renewed since `marks` were taken. */
export async function freshAddresses(conn: LibvirtConnection, spec: VmSpec, marks: Map<string, bigint>): Promise<string[]> {
  return (await leasesOf(conn, spec)).filter((l) => l.expiry > (marks.get(l.mac) ?? -1n)).map((l) => l.address);
}
