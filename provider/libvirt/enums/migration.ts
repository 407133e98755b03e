/*
 * Live migration's numbers and names, from libvirt-domain.h: the flags of the
 * migration steps (`virDomainMigrateFlags`), the typed parameters they take
 * (`VIR_MIGRATE_PARAM_*`), and the job a running migration is (`virDomainJobType`,
 * `VIR_DOMAIN_JOB_*` statistics).
 */

/** `virDomainMigrateFlags`: how a migration runs; the steps take them ORed. */
export enum MigrateFlags {
  /** Keep the guest running while its memory is copied. */
  Live = 1 << 0,
  /** The source daemon drives the destination itself (not used: this client drives both). */
  PeerToPeer = 1 << 1,
  /** Carry QEMU's stream inside libvirt's connection (peer-to-peer only). */
  Tunnelled = 1 << 2,
  /** Define the domain persistently on the destination once it runs there. */
  PersistDest = 1 << 3,
  /** Undefine the domain on the source once the migration succeeded. */
  UndefineSource = 1 << 4,
  /** Leave the guest paused on the destination. */
  Paused = 1 << 5,
  /** Copy the disks' whole contents (NBD storage copy); `migrate_disks` names which. */
  NonSharedDisk = 1 << 6,
  /** Copy only the top image of each disk's backing chain. */
  NonSharedInc = 1 << 7,
  /** Refuse configuration changes of the domain from begin to confirm. */
  ChangeProtection = 1 << 8,
  /** Migrate even what libvirt thinks unsafe (e.g. shared disks with a host cache). */
  Unsafe = 1 << 9,
  /** Move only the definition of a stopped domain. */
  Offline = 1 << 10,
  /** Compress the stream. */
  Compressed = 1 << 11,
  /** Cancel on a soft error (an I/O error) during the migration. */
  AbortOnError = 1 << 12,
  /** Slow the guest down until the copy converges. */
  AutoConverge = 1 << 13,
  /** RDMA only: pin all guest memory at once. */
  RdmaPinAll = 1 << 14,
  /** Allow switching to post-copy. */
  Postcopy = 1 << 15,
  /** Encrypt the stream with the hypervisor's TLS setup. */
  Tls = 1 << 16,
  /** Several connections for the memory pages. */
  Parallel = 1 << 17,
  /** Write the guest's disk writes synchronously to the copy. */
  NonSharedSynchronousWrites = 1 << 18,
}

/**
 * The `VIR_MIGRATE_PARAM_*` typed parameters this client sends, with the
 * typed-parameter type each takes (libvirt refuses another type).
 */
export enum MigrateParam {
  /** String: where the source's hypervisor sends the stream, e.g. `tcp://10.0.0.2:49152`. */
  Uri = "migrate_uri",
  /** String: the domain's name on the destination. */
  DestName = "destination_name",
  /** String: the live definition the destination starts (host-side details, such as disk paths, may differ). */
  DestXml = "destination_xml",
  /** String: the persistent definition the destination keeps. */
  PersistXml = "persistent_xml",
  /** Unsigned long long: the most MiB/s the stream may use. */
  Bandwidth = "bandwidth",
  /** String: the address the destination's hypervisor listens on for the stream. */
  ListenAddress = "listen_address",
  /** String, repeated: the targets (`vda`) of the disks whose contents are copied. */
  MigrateDisks = "migrate_disks",
  /** Int: the destination's port for the disk copy (NBD); 0 lets libvirt choose. */
  DisksPort = "disks_port",
}

/** `virDomainJobType`: what `virDomainGetJobStats` says about the domain's job. */
export enum DomainJobType {
  /** No job runs. */
  None = 0,
  /** A job whose end can be estimated. */
  Bounded = 1,
  /** A job whose end cannot. */
  Unbounded = 2,
  /** Finished (statistics of a completed job). */
  Completed = 3,
  /** Failed. */
  Failed = 4,
  /** Cancelled. */
  Cancelled = 5,
}

/** Flags of `virDomainGetJobStats`. */
export enum DomainJobStatsFlags {
  /** The statistics of the last completed job instead of the running one. */
  Completed = 1 << 0,
  /** Keep those statistics (with `Completed`). */
  KeepCompleted = 1 << 1,
}

/** The `VIR_DOMAIN_JOB_*` statistics a migration's progress is read from (all unsigned long long). */
export enum DomainJobStat {
  /** Milliseconds since the job began. */
  TimeElapsed = "time_elapsed",
  /** Milliseconds the job is expected to still take (bounded jobs). */
  TimeRemaining = "time_remaining",
  /** Bytes the job moves in all (memory and disks), as known so far. */
  DataTotal = "data_total",
  /** Bytes moved. */
  DataProcessed = "data_processed",
  /** Bytes left. */
  DataRemaining = "data_remaining",
  /** Bytes per second of the memory copy. */
  MemoryBps = "memory_bps",
  /** Bytes per second of the disk copy. */
  DiskBps = "disk_bps",
}
