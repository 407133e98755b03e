import { AuthType, DriverFeature } from "./enums/connect";
import {
  DomainBlockResizeFlags,
  DomainCreateFlags,
  DomainDefineFlags,
  DomainDestroyFlags,
  DomainDeviceModifyFlags,
  DomainListFlags,
  DomainMemoryFlags,
  DomainMetadataType,
  DomainModificationImpact,
  DomainShutdownFlags,
  DomainUndefineFlags,
  DomainVcpuFlags,
  DomainXmlFlags,
  InterfaceAddressSource,
} from "./enums/domain";
import { DomainJobStatsFlags, DomainJobType, MigrateFlags } from "./enums/migration";
import { NetworkListFlags, NetworkUpdateFlags, NetworkXmlFlags } from "./enums/network";
import {
  PoolBuildFlags,
  PoolCreateFlags,
  PoolDefineFlags,
  PoolDeleteFlags,
  PoolListFlags,
  PoolXmlFlags,
  VolumeCreateFlags,
  VolumeDeleteFlags,
  VolumeResizeFlags,
} from "./enums/storage";
import { SecretDefineFlags, SecretListFlags, SecretUsageType } from "./enums/secret";
import { domainRef, networkRef, poolRef, secretRef, uuid, volumeRef } from "./handles";
import { dhcpLease, domainInfo, domainInterface, domainStateInfo, poolInfo, volumeInfo } from "./replies";
import { array, bool, enumeration, flags, int, none, opaque, optional, string, struct, uhyper, uint } from "./wire/codec";
import {
  AUTH_TYPE_LIST_MAX,
  CPUMAP_MAX,
  DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX,
  DOMAIN_INTERFACE_MAX,
  DOMAIN_JOB_STATS_MAX,
  DOMAIN_LIST_MAX,
  DOMAIN_MIGRATE_PARAM_LIST_MAX,
  MIGRATE_COOKIE_MAX,
  NETWORK_DHCP_LEASES_MAX,
  NETWORK_LIST_MAX,
  SECRET_LIST_MAX,
  SECRET_VALUE_MAX,
  STORAGE_POOL_LIST_MAX,
  STORAGE_VOL_LIST_MAX,
} from "./wire/limits";
import { call, download, upload } from "./wire/procedure";
import { typedParams } from "./wire/typedParams";

/*
 * Every procedure of libvirt's remote program (remote_protocol.x) that this
 * client calls: its number, its `*_args` struct and its `*_ret` struct (or
 * the ret's only field), field by field in wire order. Field names follow the
 * .x file in camelCase. A flags word is typed by the enum whose bits it
 * takes; `flags<never>()` is one this client always sends as 0.
 *
 * This table is the only place a procedure number or a wire layout is
 * written; the typed wrappers (`remoteCalls`) are generated from it.
 */

// Shapes several rows share.
const optionalString = optional(string);
/** `{ int need_results; unsigned int flags }` of the list-all procedures. */
const listArgs = <E extends number>() => struct({ needResults: int, flags: flags<E>() });
const domainOnly = struct({ dom: domainRef });
const networkOnly = struct({ net: networkRef });
const poolOnly = struct({ pool: poolRef });
const volumeOnly = struct({ vol: volumeRef });
const deviceArgs = struct({ dom: domainRef, xml: string, flags: flags<DomainModificationImpact | DomainDeviceModifyFlags>() });
/** `remote_typed_param params<REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX>` of the migration steps. */
const migrateParams = typedParams(DOMAIN_MIGRATE_PARAM_LIST_MAX);
/** `opaque cookie<REMOTE_MIGRATE_COOKIE_MAX>`: what one migration step hands the next, unread by the client. */
const cookie = opaque(MIGRATE_COOKIE_MAX);
const volumeStreamArgs = struct({ vol: volumeRef, offset: uhyper, length: uhyper, flags: flags<never>() });

/** The procedure table, keyed by the camelCase of each `REMOTE_PROC_*` name; frozen, as data should be. */
export const PROCEDURES = Object.freeze({
  connectOpen: call(1, struct({ name: optionalString, flags: flags<never>() }), none),
  connectClose: call(2, none, none),
  domainDefineXml: call(11, struct({ xml: string }), domainRef),
  domainGetXmlDesc: call(14, struct({ dom: domainRef, flags: flags<DomainXmlFlags>() }), string),
  domainGetAutostart: call(15, domainOnly, bool),
  domainGetInfo: call(16, domainOnly, domainInfo),
  domainLookupByName: call(23, struct({ name: string }), domainRef),
  domainLookupByUuid: call(24, struct({ uuid }), domainRef),
  domainSetAutostart: call(29, struct({ dom: domainRef, autostart: bool }), none),
  networkCreate: call(39, networkOnly, none),
  networkDefineXml: call(41, struct({ xml: string }), networkRef),
  networkDestroy: call(42, networkOnly, none),
  networkGetXmlDesc: call(43, struct({ net: networkRef, flags: flags<NetworkXmlFlags>() }), string),
  networkGetAutostart: call(44, networkOnly, bool),
  networkGetBridgeName: call(45, networkOnly, string),
  networkLookupByName: call(46, struct({ name: string }), networkRef),
  networkLookupByUuid: call(47, struct({ uuid }), networkRef),
  networkSetAutostart: call(48, struct({ net: networkRef, autostart: bool }), none),
  networkUndefine: call(49, networkOnly, none),
  connectSupportsFeature: call(60, struct({ feature: enumeration<DriverFeature>(int) }), bool),
  authList: call(66, none, array(AUTH_TYPE_LIST_MAX, enumeration<AuthType>(int))),
  authPolkit: call(70, none, bool),
  storagePoolDefineXml: call(77, struct({ xml: string, flags: flags<PoolDefineFlags>() }), poolRef),
  storagePoolCreate: call(78, struct({ pool: poolRef, flags: flags<PoolCreateFlags>() }), none),
  storagePoolBuild: call(79, struct({ pool: poolRef, flags: flags<PoolBuildFlags>() }), none),
  storagePoolDestroy: call(80, poolOnly, none),
  storagePoolDelete: call(81, struct({ pool: poolRef, flags: flags<PoolDeleteFlags>() }), none),
  storagePoolUndefine: call(82, poolOnly, none),
  storagePoolRefresh: call(83, struct({ pool: poolRef, flags: flags<never>() }), none),
  storagePoolLookupByName: call(84, struct({ name: string }), poolRef),
  storagePoolLookupByUuid: call(85, struct({ uuid }), poolRef),
  storagePoolGetInfo: call(87, poolOnly, poolInfo),
  storagePoolGetXmlDesc: call(88, struct({ pool: poolRef, flags: flags<PoolXmlFlags>() }), string),
  storagePoolGetAutostart: call(89, poolOnly, bool),
  storagePoolSetAutostart: call(90, struct({ pool: poolRef, autostart: bool }), none),
  storageVolCreateXml: call(93, struct({ pool: poolRef, xml: string, flags: flags<VolumeCreateFlags>() }), volumeRef),
  storageVolDelete: call(94, struct({ vol: volumeRef, flags: flags<VolumeDeleteFlags>() }), none),
  storageVolLookupByName: call(95, struct({ pool: poolRef, name: string }), volumeRef),
  storageVolLookupByKey: call(96, struct({ key: string }), volumeRef),
  storageVolLookupByPath: call(97, struct({ path: string }), volumeRef),
  storageVolGetInfo: call(98, volumeOnly, volumeInfo),
  storageVolGetXmlDesc: call(99, struct({ vol: volumeRef, flags: flags<never>() }), string),
  storageVolGetPath: call(100, volumeOnly, string),
  storageVolCreateXmlFrom: call(
    125,
    struct({ pool: poolRef, xml: string, cloneVol: volumeRef, flags: flags<VolumeCreateFlags>() }),
    volumeRef,
  ),
  secretLookupByUuid: call(141, struct({ uuid }), secretRef),
  secretDefineXml: call(142, struct({ xml: string, flags: flags<SecretDefineFlags>() }), secretRef),
  secretGetXmlDesc: call(143, struct({ secret: secretRef, flags: flags<never>() }), string),
  secretSetValue: call(144, struct({ secret: secretRef, value: opaque(SECRET_VALUE_MAX), flags: flags<never>() }), none),
  secretUndefine: call(146, struct({ secret: secretRef }), none),
  secretLookupByUsage: call(147, struct({ usageType: enumeration<SecretUsageType>(int), usageId: string }), secretRef),
  domainIsActive: call(150, domainOnly, bool),
  networkIsActive: call(152, networkOnly, bool),
  storagePoolIsActive: call(154, poolOnly, bool),
  connectGetLibVersion: call(157, none, uhyper),
  domainAttachDeviceFlags: call(160, deviceArgs, none),
  domainDetachDeviceFlags: call(161, deviceArgs, none),
  domainAbortJob: call(164, domainOnly, none),
  storageVolWipe: call(165, struct({ vol: volumeRef, flags: flags<never>() }), none),
  domainUpdateDeviceFlags: call(174, deviceArgs, none),
  domainCreateWithFlags: call(196, struct({ dom: domainRef, flags: flags<DomainCreateFlags>() }), domainRef),
  domainSetVcpusFlags: call(
    199,
    struct({ dom: domainRef, nvcpus: uint, flags: flags<DomainModificationImpact | DomainVcpuFlags>() }),
    none,
  ),
  domainSetMemoryFlags: call(
    204,
    struct({ dom: domainRef, memory: uhyper, flags: flags<DomainModificationImpact | DomainMemoryFlags>() }),
    none,
  ),
  storageVolUpload: upload(208, volumeStreamArgs),
  storageVolDownload: download(209, volumeStreamArgs),
  domainGetState: call(212, struct({ dom: domainRef, flags: flags<never>() }), domainStateInfo),
  // `cpumap`: bit N (byte N / 8, bit N % 8, least significant first) allows host CPU N.
  domainPinVcpuFlags: call(
    225,
    struct({ dom: domainRef, vcpu: uint, cpumap: opaque(CPUMAP_MAX), flags: flags<DomainModificationImpact>() }),
    none,
  ),
  domainUndefineFlags: call(231, struct({ dom: domainRef, flags: flags<DomainUndefineFlags>() }), none),
  domainDestroyFlags: call(234, struct({ dom: domainRef, flags: flags<DomainDestroyFlags>() }), none),
  domainBlockResize: call(251, struct({ dom: domainRef, disk: string, size: uhyper, flags: flags<DomainBlockResizeFlags>() }), none),
  domainSetBlockIoTune: call(
    252,
    struct({
      dom: domainRef,
      disk: string,
      params: typedParams(DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX),
      flags: flags<DomainModificationImpact>(),
    }),
    none,
  ),
  domainShutdownFlags: call(258, struct({ dom: domainRef, flags: flags<DomainShutdownFlags>() }), none),
  storageVolResize: call(260, struct({ vol: volumeRef, capacity: uhyper, flags: flags<VolumeResizeFlags>() }), none),
  domainSetMetadata: call(
    264,
    struct({
      dom: domainRef,
      type: enumeration<DomainMetadataType>(int),
      metadata: optionalString,
      key: optionalString,
      uri: optionalString,
      flags: flags<DomainModificationImpact>(),
    }),
    none,
  ),
  connectListAllDomains: call(273, listArgs<DomainListFlags>(), struct({ domains: array(DOMAIN_LIST_MAX, domainRef), ret: uint })),
  connectListAllStoragePools: call(281, listArgs<PoolListFlags>(), struct({ pools: array(STORAGE_POOL_LIST_MAX, poolRef), ret: uint })),
  storagePoolListAllVolumes: call(
    282,
    struct({ pool: poolRef, needResults: int, flags: flags<never>() }),
    struct({ vols: array(STORAGE_VOL_LIST_MAX, volumeRef), ret: uint }),
  ),
  connectListAllNetworks: call(283, listArgs<NetworkListFlags>(), struct({ nets: array(NETWORK_LIST_MAX, networkRef), ret: uint })),
  connectListAllSecrets: call(287, listArgs<SecretListFlags>(), struct({ secrets: array(SECRET_LIST_MAX, secretRef), ret: uint })),
  // Old daemons read `command` and `section` swapped; Networks.update decides the order.
  networkUpdate: call(
    291,
    struct({ net: networkRef, command: uint, section: uint, parentIndex: int, xml: string, flags: flags<NetworkUpdateFlags>() }),
    none,
  ),
  // `ret`: the host's CPU count (the bitmap's width); `online`: how many of them are online (set in `cpumap`).
  nodeGetCpuMap: call(
    293,
    struct({ needMap: int, needOnline: int, flags: flags<never>() }),
    struct({ cpumap: opaque(CPUMAP_MAX), online: uint, ret: int }),
  ),
  domainGetJobStats: call(
    298,
    struct({ dom: domainRef, flags: flags<DomainJobStatsFlags>() }),
    struct({ type: enumeration<DomainJobType>(int), params: typedParams(DOMAIN_JOB_STATS_MAX) }),
  ),
  // The five steps of a migration the client drives (virDomainMigrate3 without
  // PEER2PEER): begin and perform on the source, prepare and finish on the
  // destination, confirm on the source; each step's cookie goes to the next.
  domainMigrateBegin3Params: call(
    302,
    struct({ dom: domainRef, params: migrateParams, flags: flags<MigrateFlags>() }),
    struct({ cookieOut: cookie, xml: string }),
  ),
  domainMigratePrepare3Params: call(
    303,
    struct({ params: migrateParams, cookieIn: cookie, flags: flags<MigrateFlags>() }),
    struct({ cookieOut: cookie, uriOut: optionalString }),
  ),
  // `dconnuri`: the destination's libvirt URI, for peer-to-peer only (absent here).
  domainMigratePerform3Params: call(
    305,
    struct({ dom: domainRef, dconnuri: optionalString, params: migrateParams, cookieIn: cookie, flags: flags<MigrateFlags>() }),
    cookie,
  ),
  domainMigrateFinish3Params: call(
    306,
    struct({ params: migrateParams, cookieIn: cookie, flags: flags<MigrateFlags>(), cancelled: bool }),
    struct({ dom: domainRef, cookieOut: cookie }),
  ),
  domainMigrateConfirm3Params: call(
    307,
    struct({ dom: domainRef, params: migrateParams, cookieIn: cookie, flags: flags<MigrateFlags>(), cancelled: bool }),
    none,
  ),
  networkGetDhcpLeases: call(
    341,
    struct({ net: networkRef, mac: optionalString, needResults: int, flags: flags<never>() }),
    struct({ leases: array(NETWORK_DHCP_LEASES_MAX, dhcpLease), ret: uint }),
  ),
  connectGetDomainCapabilities: call(
    342,
    struct({ emulatorBin: optionalString, arch: optionalString, machine: optionalString, virtType: optionalString, flags: flags<never>() }),
    string,
  ),
  domainDefineXmlFlags: call(350, struct({ xml: string, flags: flags<DomainDefineFlags>() }), domainRef),
  domainInterfaceAddresses: call(
    353,
    struct({ dom: domainRef, source: enumeration<InterfaceAddressSource>(uint), flags: flags<never>() }),
    array(DOMAIN_INTERFACE_MAX, domainInterface),
  ),
});

/** The name of a row of {@link PROCEDURES}. */
export type ProcedureName = keyof typeof PROCEDURES;
