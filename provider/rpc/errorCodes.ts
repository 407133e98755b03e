/**
 * libvirt's error codes (`virErrorNumber` in virterror.h) that this project
 * decides on. The numbers are part of libvirt's stable ABI.
 */
export enum ErrorCode {
  InternalError = 1,
  NoSupport = 3,
  NoConnect = 5,
  InvalidArg = 8,
  OperationFailed = 9,
  XmlError = 27,
  DomExist = 28,
  OperationDenied = 29,
  NetworkExist = 37,
  SystemError = 38,
  Rpc = 39,
  NoDomain = 42,
  NoNetwork = 43,
  AuthFailed = 45,
  NoStoragePool = 49,
  NoStorageVol = 50,
  NoNodeDevice = 53,
  OperationInvalid = 55,
  NoInterface = 57,
  NoNwfilter = 62,
  NoSecret = 66,
  ConfigUnsupported = 67,
  OperationTimeout = 68,
  NoDomainSnapshot = 72,
  ArgumentUnsupported = 74,
  /** A pool's build found its storage there already (an fs pool's device holds a filesystem). */
  StoragePoolBuilt = 76,
  OperationUnsupported = 84,
  AgentUnresponsive = 86,
  AccessDenied = 88,
  StorageVolExist = 90,
  NoDomainCheckpoint = 103,
  NetworkPortExist = 106,
  NoNetworkPort = 107,
}

/** Codes meaning "the object you named does not exist". */
export const NOT_FOUND_CODES: ReadonlySet<number> = new Set<number>([
  ErrorCode.NoDomain,
  ErrorCode.NoNetwork,
  ErrorCode.NoStoragePool,
  ErrorCode.NoStorageVol,
  ErrorCode.NoNodeDevice,
  ErrorCode.NoInterface,
  ErrorCode.NoNwfilter,
  ErrorCode.NoSecret,
  ErrorCode.NoDomainSnapshot,
  ErrorCode.NoDomainCheckpoint,
  ErrorCode.NoNetworkPort,
]);

/** Codes meaning "an object with that name or UUID exists already". */
export const ALREADY_EXISTS_CODES: ReadonlySet<number> = new Set<number>([
  ErrorCode.DomExist,
  ErrorCode.NetworkExist,
  ErrorCode.StorageVolExist,
  ErrorCode.NetworkPortExist,
]);
