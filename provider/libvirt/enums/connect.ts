/** Authentication schemes a daemon may offer (`remote_auth_type`). */
export enum AuthType {
  None = 0,
  Sasl = 1,
  Polkit = 2,
}

/** `virDrvFeature` numbers this client asks about. */
export enum DriverFeature {
  /** The daemon understands the keepalive program. */
  ProgramKeepalive = 10,
  /** NETWORK_UPDATE takes `command` and `section` in the documented order. */
  NetworkUpdateHasCorrectOrder = 16,
}
