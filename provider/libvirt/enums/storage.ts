/** Pool states (`virStoragePoolState`). */
export enum PoolState {
  Inactive = 0,
  Building = 1,
  Running = 2,
  Degraded = 3,
  Inaccessible = 4,
}

/** Filters of `virConnectListAllStoragePools`; none lists every pool. */
export enum PoolListFlags {
  Inactive = 1,
  Active = 2,
  Persistent = 4,
  Transient = 8,
  Autostart = 16,
  NoAutostart = 32,
  Dir = 64,
  Fs = 128,
  Netfs = 256,
  Logical = 512,
  Disk = 1024,
  Iscsi = 2048,
  Scsi = 4096,
  Mpath = 8192,
  Rbd = 16384,
  Sheepdog = 32768,
  Gluster = 65536,
  Zfs = 131072,
  Vstorage = 262144,
}

/** Flags of `virStoragePoolDefineXML`. */
export enum PoolDefineFlags {
  /** Check the XML against libvirt's schema first. */
  Validate = 1,
}

/** Flags of `virStoragePoolGetXMLDesc` (`virStorageXMLFlags`). */
export enum PoolXmlFlags {
  /** The persistent definition instead of the running one. */
  Inactive = 1,
}

/** Flags of `virStoragePoolBuild`; none builds a new pool. */
export enum PoolBuildFlags {
  Repair = 1,
  Resize = 2,
  NoOverwrite = 4,
  Overwrite = 8,
}

/** Flags of `virStoragePoolCreate` (start). */
export enum PoolCreateFlags {
  WithBuild = 1,
  WithBuildOverwrite = 2,
  WithBuildNoOverwrite = 4,
}

/** Flags of `virStoragePoolDelete`; none just removes the storage. */
export enum PoolDeleteFlags {
  Zeroed = 1,
}

/** Volume types (`virStorageVolType`). */
export enum VolumeType {
  File = 0,
  Block = 1,
  Dir = 2,
  Network = 3,
  NetDir = 4,
  Ploop = 5,
}

/** Flags of `virStorageVolCreateXML` and `virStorageVolCreateXMLFrom`. */
export enum VolumeCreateFlags {
  PreallocMetadata = 1,
  Reflink = 2,
}

/** Flags of `virStorageVolDelete`; none just removes the volume. */
export enum VolumeDeleteFlags {
  Zeroed = 1,
  WithSnapshots = 2,
}

/** Flags of `virStorageVolResize`. */
export enum VolumeResizeFlags {
  Allocate = 1,
  Delta = 2,
  Shrink = 4,
}
