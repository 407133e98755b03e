/**
 * Typed libvirt XML: one parse/build pair per document, sizes with units,
 * and a comparison that settles (see `normalize/rules.ts`).
 */

/** The opaque XML tree that carries what the models do not describe, and one element of it built by hand. */
export { XmlError, parseXml, buildXml, element } from "./node";
/** An opaque element, and the remainder a modelled element keeps. */
export type { XmlExtra, XmlNode } from "./node";

/** Sizes with units, compared as bytes. */
export type { Size, SizeElement, SizeUnit } from "./size";
/** Parsing, converting and comparing sizes. */
export {
  formatSize,
  parseSize,
  parseSizeUnit,
  sameSize,
  sizeInBytes,
  sizeToBytes,
  tryParseSize,
  tryParseSizeUnit,
  unitFactor,
} from "./size";

/** The domain document. */
export { parseDomainXml, buildDomainXml, domainProblems } from "./domain/domain";
/** The `<metadata>` element of the volumes a domain keeps on its host. */
export {
  KEPT_VOLUMES_NAMESPACE,
  KEPT_VOLUMES_PREFIX,
  isKeptVolumesElement,
  keptPoolsOf,
  keptVolumesOf,
  keptVolumesXml,
  withKeptVolumesOf,
  withoutKeptVolumes,
} from "./domain/keptVolumes";
/** `xmlOverrides`: a partial domain document merged into the generated one. */
export { MAX_DOMAIN_OVERRIDES_BYTES, applyDomainOverrides, parseDomainOverrides, tryApplyDomainOverrides } from "./domain/overrides";
/** A validated override document. */
export type { DomainOverrides } from "./domain/overrides";
/** Domain sections. */
export type {
  BootDevice,
  ClockTimer,
  Domain,
  DomainClock,
  DomainCpu,
  DomainCputune,
  DomainFeatures,
  DomainOs,
  DomainVcpu,
  LifecycleAction,
  MaxMemory,
  VcpuPin,
} from "./domain/types";
/** CPU lists (`0-3,^2`) as libvirt reads and spells them. */
export { CPUSET_MAX_CPUS, canonicalCpuset, formatCpuset, parseCpuset } from "./domain/cpuset";
/** Domain devices. */
export type { Device, ModelledDeviceKind, OtherDevice } from "./domain/devices";
/** Typed filter over a device list; one device as its element (for attach, detach, update). */
export { buildDevice, devicesOf } from "./domain/devices";
/** Fields every device has. */
export type { DeviceAddress, DeviceCommon } from "./domain/common";
/** Disks. */
export type { Disk, DiskBus, DiskIotune, DiskSource, IotuneLimit } from "./domain/disk";
/** The `<iotune>` limits the disk model names, and their element names. */
export { IOTUNE_LIMITS, iotuneElementName } from "./domain/disk";
/** Network interfaces. */
export type { InterfaceSource, NetInterface } from "./domain/interface";
/** Graphics consoles. */
export type { Graphics, GraphicsListen } from "./domain/graphics";
/** Serial ports, consoles, channels. */
export type { Channel, CharDevice, CharDeviceBase, CharSource, CharTarget, Console, Serial } from "./domain/chardev";
/** The guest agent channel's target name. */
export { GUEST_AGENT_CHANNEL } from "./domain/chardev";
/** Shared host directories. */
export type { Filesystem } from "./domain/filesystem";
/** Random number generator. */
export type { Rng } from "./domain/rng";
/** TPM. */
export type { Tpm } from "./domain/tpm";

/** The network document. */
export { parseNetworkXml, buildNetworkXml, networkProblems } from "./network/network";
/** Network sections. */
export type {
  DhcpHost,
  DhcpRange,
  DnsHost,
  ForwardMode,
  Network,
  NetworkBridge,
  NetworkDns,
  NetworkForward,
  NetworkIp,
} from "./network/types";

/** The storage pool document. */
export { parsePoolXml, buildPoolXml } from "./storage/pool";
/** Pool sections. */
export type { Pool, PoolSource, PoolTarget } from "./storage/pool";
/** The storage volume document. */
export { parseVolumeXml, buildVolumeXml } from "./storage/volume";
/** Volume sections. */
export type { Volume, VolumeFile } from "./storage/volume";
/** iSCSI parts of a pool's source. */
export type { PoolAuth, PoolInitiator } from "./storage/poolIscsi";
/** The secret document (never its value). */
export { parseSecretXml, buildSecretXml } from "./secret/secret";
/** Secret sections. */
export type { Secret, SecretUsage } from "./secret/secret";
/** Ownership of pool and volume targets. */
export type { Permissions } from "./storage/permissions";

/** One difference between a desired and a live document. */
export type { Difference } from "./normalize/diff";
/** What a normalize rule works on. */
export type { DocKind, DocTypes, RuleContext } from "./normalize/context";
/** The normalize rule type. */
export type { AnyNormalizeRule, NormalizeRule } from "./normalize/rules";
/** The identity of each device, as comparisons pair them. */
export { keyDevices } from "./normalize/keys";
export type { DeviceGroup } from "./normalize/keys";
/** The one rule table, and its rows for one document kind. */
export { NORMALIZE_RULES, rulesFor } from "./normalize/rules";
/** What the rule table knows of libvirt outside a comparison: the devices it adds by itself. */
export { isLibvirtOwnDevice } from "./normalize/domainRules";
/** What the rule table knows of libvirt outside a comparison: how it stores a pool's target path. */
export { asLibvirtStoresPath } from "./normalize/storageRules";
/** Normalize a live document against a desired one; compare them by property path. */
export {
  compareDomain,
  compareNetwork,
  comparePool,
  compareVolume,
  normalizeDomain,
  normalizeNetwork,
  normalizePool,
  normalizeVolume,
} from "./normalize/compare";
