/** What a secret is for (`virSecretUsageType`); with the usage id it names the secret. */
export enum SecretUsageType {
  None = 0,
  /** A volume's encryption passphrase; the usage id is the volume's path. */
  Volume = 1,
  /** A Ceph (RBD) key; the usage id is a free name. */
  Ceph = 2,
  /** An iSCSI CHAP password; the usage id is a free name (the `<target>` of `<usage type='iscsi'>`). */
  Iscsi = 3,
  /** A TLS key's passphrase. */
  Tls = 4,
  /** A vTPM's state encryption key. */
  Vtpm = 5,
}

/** Filters of `virConnectListAllSecrets`; none lists every secret. */
export enum SecretListFlags {
  Ephemeral = 1,
  NoEphemeral = 2,
  Private = 4,
  NoPrivate = 8,
}

/** Flags of `virSecretDefineXML`. */
export enum SecretDefineFlags {
  /** Check the XML against libvirt's schema first (libvirt 7.7 and later). */
  Validate = 1,
}
