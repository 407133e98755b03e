/** Authentication schemes a daemon may offer (`remote_auth_type`). */
export enum AuthType {
  None = 0,
  Sasl = 1,
  Polkit = 2,
}

/** `virDrvFeature` numbers this client asks about. */
export enum DriverFeature {
  /** The driver runs the five-step migration (begin, prepare, perform, finish, confirm). */
  MigrationV3 = 6,
  /** Begin can lock the domain's configuration until confirm (`MigrateFlags.ChangeProtection`). */
  MigrateChangeProtection = 7,
  /** The daemon understands the keepalive program. */
  ProgramKeepalive = 10,
  /** The migration steps take typed parameters (the `…3_PARAMS` procedures). */
  MigrationParams = 13,
  /** NETWORK_UPDATE takes `command` and `section` in the documented order. */
  NetworkUpdateHasCorrectOrder = 16,
}
