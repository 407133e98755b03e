export { LibvirtConnection, OpenOptions } from "./connection";
export { ConnectionPool, ConnectionPoolOptions, Lease, endpointKey, sharedConnectionPool } from "./connectionPool";
export { Domains } from "./domains";
export { Networks } from "./networks";
export { Pools } from "./pools";
export { Secrets } from "./secrets";
export { Volumes } from "./volumes";
export { MigrationSteps, BeginResult, PrepareResult, FinishResult } from "./migrationSteps";
export { migrateLive, MigrationError, MigrationStep, MigrationOutcome, LiveMigrationResult } from "./migration";
export { LiveMigrationOptions, DEFAULT_ABORT_GRACE_MS, DEFAULT_PROGRESS_INTERVAL_MS, migrationOptionProblems } from "./migrationOptions";
export { MigrationProgress, progressOf } from "./migrationProgress";
export { AuthType, DriverFeature } from "./enums/connect";
export {
  DomainState,
  DomainListFlags,
  DomainDefineFlags,
  DomainXmlFlags,
  DomainCreateFlags,
  DomainShutdownFlags,
  DomainDestroyFlags,
  DomainUndefineFlags,
  DomainModificationImpact,
  DomainBlockResizeFlags,
  DomainMemoryFlags,
  DomainVcpuFlags,
  DOMAIN_MEMORY_MAXIMUM,
  DOMAIN_VCPU_MAXIMUM,
  DomainDeviceModifyFlags,
  DomainMetadataType,
  InterfaceAddressSource,
  IpAddressType,
  BlockIoTuneParam,
} from "./enums/domain";
export { MigrateFlags, MigrateParam, DomainJobType, DomainJobStatsFlags, DomainJobStat } from "./enums/migration";
export { NetworkListFlags, NetworkXmlFlags, NetworkUpdateCommand, NetworkUpdateSection, NetworkUpdateFlags } from "./enums/network";
export {
  PoolState,
  PoolListFlags,
  PoolDefineFlags,
  PoolXmlFlags,
  PoolBuildFlags,
  PoolCreateFlags,
  PoolDeleteFlags,
  VolumeType,
  VolumeCreateFlags,
  VolumeDeleteFlags,
  VolumeResizeFlags,
} from "./enums/storage";
export { SecretUsageType, SecretListFlags, SecretDefineFlags } from "./enums/secret";
export { DomainInfo, DomainInterface, DomainStateInfo, InterfaceAddress, DhcpLease, PoolInfo, VolumeInfo } from "./replies";
export { DomainRef, NetworkRef, PoolRef, SecretRef, VolumeRef, uuidToString, uuidToBytes } from "./handles";
export { PROCEDURES } from "./procedures";
export { RemoteCalls } from "./remoteCalls";
export { Codec, FlagSet } from "./wire/codec";
export { TypedParam, TypedParamType, TypedParamValue, typedParam, typedParams } from "./wire/typedParams";
