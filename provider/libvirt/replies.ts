import { DomainState, IpAddressType } from "./enums/domain";
import { PoolState, VolumeType } from "./enums/storage";
import { array, enumeration, hyper, int, optional, string, struct, uhyper, uint } from "./wire/codec";
import { DOMAIN_IP_ADDR_MAX } from "./wire/limits";

/** One address of a guest interface (`remote_domain_ip_addr`). */
export interface InterfaceAddress {
  /** IPv4 or IPv6. */
  type: IpAddressType;
  /** The address in text form. */
  address: string;
  /** Prefix length. */
  prefix: number;
}

/** A guest network interface with its addresses (`remote_domain_interface`). */
export interface DomainInterface {
  /** Interface name (host-side device for lease/arp, guest name for agent). */
  name: string;
  /** MAC address, when known. */
  hwaddr?: string;
  /** Addresses, possibly none yet. */
  addresses: InterfaceAddress[];
}

/** `virDomainGetState`. */
export interface DomainStateInfo {
  /** Current state. */
  state: DomainState;
  /** Why it is in that state; the meaning depends on the state (`virDomain*Reason`). */
  reason: number;
}

/** `virDomainGetInfo`. */
export interface DomainInfo {
  /** Current state. */
  state: DomainState;
  /** Maximum memory in KiB. */
  maxMemKiB: bigint;
  /** Current memory in KiB. */
  memoryKiB: bigint;
  /** Number of virtual CPUs. */
  vcpus: number;
  /** CPU time used, in nanoseconds. */
  cpuTimeNs: bigint;
}

/** One DHCP lease handed out by a libvirt network (`remote_network_dhcp_lease`). */
export interface DhcpLease {
  /** Bridge the lease was given on. */
  iface: string;
  /** Expiry, seconds since the epoch. */
  expiryTime: bigint;
  /** IPv4 or IPv6. */
  type: IpAddressType;
  /** Client MAC address. */
  mac?: string;
  /** IPv6 identity association id. */
  iaid?: string;
  /** The leased address. */
  ipAddress: string;
  /** Prefix length. */
  prefix: number;
  /** Hostname the client sent. */
  hostname?: string;
  /** DHCP client id. */
  clientId?: string;
}

/** `virStoragePoolGetInfo`. */
export interface PoolInfo {
  /** Current state. */
  state: PoolState;
  /** Total size in bytes. */
  capacity: bigint;
  /** Bytes allocated to volumes. */
  allocation: bigint;
  /** Bytes free for new volumes. */
  available: bigint;
}

/** `virStorageVolGetInfo`. */
export interface VolumeInfo {
  /** Kind of storage. */
  type: VolumeType;
  /** Logical size in bytes. */
  capacity: bigint;
  /** Bytes actually allocated on the host. */
  allocation: bigint;
}

/** `remote_domain_interface`. */
export const domainInterface = struct<DomainInterface>({
  name: string,
  hwaddr: optional(string),
  addresses: array(DOMAIN_IP_ADDR_MAX, struct<InterfaceAddress>({ type: enumeration(int), address: string, prefix: uint })),
});

/** `remote_domain_get_state_ret`. */
export const domainStateInfo = struct<DomainStateInfo>({ state: enumeration(int), reason: int });

/** `remote_domain_get_info_ret`: state is an `unsigned char`, the vCPU count an `unsigned short`. */
export const domainInfo = struct<DomainInfo>({
  state: enumeration(uint),
  maxMemKiB: uhyper,
  memoryKiB: uhyper,
  vcpus: uint,
  cpuTimeNs: uhyper,
});

/** `remote_network_dhcp_lease`. */
export const dhcpLease = struct<DhcpLease>({
  iface: string,
  expiryTime: hyper,
  type: enumeration(int),
  mac: optional(string),
  iaid: optional(string),
  ipAddress: string,
  prefix: uint,
  hostname: optional(string),
  clientId: optional(string),
});

/** `remote_storage_pool_get_info_ret`: state is an `unsigned char`. */
export const poolInfo = struct<PoolInfo>({ state: enumeration(uint), capacity: uhyper, allocation: uhyper, available: uhyper });

/** `remote_storage_vol_get_info_ret`: type is a `char`. */
export const volumeInfo = struct<VolumeInfo>({ type: enumeration(int), capacity: uhyper, allocation: uhyper });
