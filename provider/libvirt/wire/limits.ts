/*
 * Array bounds of remote_protocol.x. A reply longer than its bound is
 * refused while decoding, before anything is allocated for it.
 */

/** REMOTE_AUTH_TYPE_LIST_MAX. */
export const AUTH_TYPE_LIST_MAX = 20;
/**
 * REMOTE_CPUMAP_MAX: the bytes of a CPU bitmap. Daemons since 1.2.x allow
 * 2048 (16384 CPUs); the oldest allowed 256, which a bitmap only reaches
 * for CPU numbers of 2048 and more.
 */
export const CPUMAP_MAX = 2048;
/** REMOTE_DOMAIN_LIST_MAX. */
export const DOMAIN_LIST_MAX = 16384;
/** REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX. */
export const DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX = 32;
/** REMOTE_DOMAIN_INTERFACE_MAX. */
export const DOMAIN_INTERFACE_MAX = 2048;
/** REMOTE_DOMAIN_IP_ADDR_MAX. */
export const DOMAIN_IP_ADDR_MAX = 2048;
/** REMOTE_NETWORK_LIST_MAX. */
export const NETWORK_LIST_MAX = 16384;
/** REMOTE_NETWORK_DHCP_LEASES_MAX. */
export const NETWORK_DHCP_LEASES_MAX = 65536;
/** REMOTE_STORAGE_POOL_LIST_MAX. */
export const STORAGE_POOL_LIST_MAX = 4096;
/** REMOTE_STORAGE_VOL_LIST_MAX. */
export const STORAGE_VOL_LIST_MAX = 16384;
/** REMOTE_MIGRATE_COOKIE_MAX: the bytes of a migration cookie. */
export const MIGRATE_COOKIE_MAX = 4194304;
/** REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX: the typed parameters of one migration step. */
export const DOMAIN_MIGRATE_PARAM_LIST_MAX = 64;
/** REMOTE_DOMAIN_JOB_STATS_MAX: the typed parameters of a job's statistics. */
export const DOMAIN_JOB_STATS_MAX = 64;
/** REMOTE_SECRET_LIST_MAX. */
export const SECRET_LIST_MAX = 16384;
/** REMOTE_SECRET_VALUE_MAX: the most bytes a secret's value may hold. */
export const SECRET_VALUE_MAX = 65536;
