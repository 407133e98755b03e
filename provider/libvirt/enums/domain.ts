/** Domain states (`virDomainState`). */
export enum DomainState {
  NoState = 0,
  Running = 1,
  Blocked = 2,
  Paused = 3,
  Shutdown = 4,
  Shutoff = 5,
  Crashed = 6,
  PmSuspended = 7,
}

/** Filters of `virConnectListAllDomains`; none lists every domain. */
export enum DomainListFlags {
  Active = 1,
  Inactive = 2,
  Persistent = 4,
  Transient = 8,
  Running = 16,
  Paused = 32,
  Shutoff = 64,
  Other = 128,
  ManagedSave = 256,
  NoManagedSave = 512,
  Autostart = 1024,
  NoAutostart = 2048,
  HasSnapshot = 4096,
  NoSnapshot = 8192,
  HasCheckpoint = 16384,
  NoCheckpoint = 32768,
}

/** Flags of `virDomainDefineXMLFlags`. */
export enum DomainDefineFlags {
  /** Check the XML against libvirt's schema first. */
  Validate = 1,
}

/** Flags of `virDomainGetXMLDesc`. */
export enum DomainXmlFlags {
  Secure = 1,
  Inactive = 2,
  UpdateCpu = 4,
  Migratable = 8,
}

/** Flags of `virDomainCreateWithFlags` (start). */
export enum DomainCreateFlags {
  Paused = 1,
  Autodestroy = 2,
  BypassCache = 4,
  ForceBoot = 8,
  Validate = 16,
  ResetNvram = 32,
}

/** How `virDomainShutdownFlags` asks the guest; none lets the hypervisor choose. */
export enum DomainShutdownFlags {
  AcpiPowerButton = 1,
  GuestAgent = 2,
  Initctl = 4,
  Signal = 8,
  Paravirt = 16,
}

/** Flags of `virDomainDestroyFlags`; none kills the guest outright. */
export enum DomainDestroyFlags {
  Graceful = 1,
  RemoveLogs = 2,
}

/** Flags of `virDomainUndefineFlags`. */
export enum DomainUndefineFlags {
  ManagedSave = 1,
  SnapshotsMetadata = 2,
  Nvram = 4,
  KeepNvram = 8,
  CheckpointsMetadata = 16,
  Tpm = 32,
  KeepTpm = 64,
}

/** Where a change applies (`virDomainModificationImpact`); Live and Config combine. */
export enum DomainModificationImpact {
  /** The running domain if active, else the persistent definition. */
  Current = 0,
  /** The running domain only. */
  Live = 1,
  /** The persistent definition only. */
  Config = 2,
}

/** Flags of `virDomainBlockResize`. */
export enum DomainBlockResizeFlags {
  /** The size is in bytes (without it, KiB). */
  Bytes = 1,
}

/** Bits of `virDomainSetMemoryFlags` beyond its {@link DomainModificationImpact}. */
export enum DomainMemoryFlags {
  /** Set the maximum instead of the balloon target (persistent definition only). */
  Maximum = 4,
}

/** Bits of `virDomainSetVcpusFlags` beyond its {@link DomainModificationImpact}. */
export enum DomainVcpuFlags {
  /** Set the maximum instead of the online count (persistent definition only). */
  Maximum = 4,
  /** Ask the guest agent to online or offline vCPUs. */
  Guest = 8,
  /** Make the added vCPUs hot-unpluggable. */
  Hotpluggable = 16,
}

/** Extra flag of `virDomainSetMemoryFlags`: set the maximum instead of the balloon target. */
export const DOMAIN_MEMORY_MAXIMUM = DomainMemoryFlags.Maximum;

/** Extra flag of `virDomainSetVcpusFlags`: set the maximum instead of the online count. */
export const DOMAIN_VCPU_MAXIMUM = DomainVcpuFlags.Maximum;

/** Bits of device attach, detach and update (`virDomainDeviceModifyFlags`) beyond the {@link DomainModificationImpact}. */
export enum DomainDeviceModifyFlags {
  /** Update only: force the change (e.g. eject a locked cdrom). */
  Force = 4,
}

/** Which metadata `virDomainSetMetadata` changes (`virDomainMetadataType`). */
export enum DomainMetadataType {
  /** `<description>`: free text. */
  Description = 0,
  /** `<title>`: one line. */
  Title = 1,
  /** An element of the application's own namespace under `<metadata>`. */
  Element = 2,
}

/** Where interface addresses come from (`virDomainInterfaceAddressesSource`). */
export enum InterfaceAddressSource {
  Lease = 0,
  Agent = 1,
  Arp = 2,
}

/** Family of an address a guest or a lease reports (`virIPAddrType`). */
export enum IpAddressType {
  Ipv4 = 0,
  Ipv6 = 1,
}

/**
 * The `virDomainSetBlockIoTune` parameters this client sends
 * (`VIR_DOMAIN_BLOCK_IOTUNE_*`), each an unsigned long long; 0 is no limit.
 */
export enum BlockIoTuneParam {
  TotalBytesSec = "total_bytes_sec",
  ReadBytesSec = "read_bytes_sec",
  WriteBytesSec = "write_bytes_sec",
  TotalIopsSec = "total_iops_sec",
  ReadIopsSec = "read_iops_sec",
  WriteIopsSec = "write_iops_sec",
}
