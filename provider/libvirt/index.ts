export { LibvirtConnection, AuthType, DriverFeature, OpenOptions } from "./connection";
export { ConnectionPool, ConnectionPoolOptions, Lease, endpointKey, sharedConnectionPool } from "./connectionPool";
export {
  Domains,
  DomainState,
  DomainUndefineFlags,
  DomainXmlFlags,
  DomainModificationImpact,
  DomainMetadataType,
  DOMAIN_MEMORY_MAXIMUM,
  DOMAIN_VCPU_MAXIMUM,
  InterfaceAddressSource,
  DomainInfo,
  DomainInterface,
  InterfaceAddress,
} from "./domains";
export { Networks, NetworkUpdateCommand, NetworkUpdateSection, NetworkUpdateFlags, DhcpLease } from "./networks";
export { Pools, PoolState, PoolInfo } from "./pools";
export { Volumes, VolumeType, VolumeResizeFlags, VolumeInfo } from "./volumes";
export { DomainRef, NetworkRef, PoolRef, VolumeRef, uuidToString, uuidToBytes } from "./handles";
export { RemoteProc } from "./procedures";
