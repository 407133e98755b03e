/**
 * THE normalize rule table: every way in which libvirt's reading of a
 * definition differs from what the user wrote without meaning anything
 * different. Nothing else special-cases libvirt: the resources compare
 * through `compare…` (which applies these rows), and what they need to know
 * of libvirt's habits outside a comparison is asked of the rule bodies
 * here (`isLibvirtOwnDevice`: which devices libvirt adds by itself;
 * `asLibvirtStoresPath`: how it stores a pool path). A new kind of drift is
 * fixed by a new row here, with its reason.
 */
import { sizeToBytes } from "../size";
import { DocKind, DocTypes, RuleContext } from "./context";
import * as dom from "./domainRules";
import * as net from "./networkRules";
import * as sto from "./storageRules";

/** One normalization: what it is, why it exists, and how it is done. */
export interface NormalizeRule<K extends DocKind = DocKind> {
  /** Stable identifier, used in tests and logs. */
  name: string;
  /** Why libvirt's version differs and why that difference means nothing. */
  why: string;
  /** The document kind it rewrites. */
  appliesTo: K;
  /** Rewrites one copy in place (the live copy, or the desired one). */
  apply(doc: DocTypes[K], ctx: RuleContext<DocTypes[K]>): void;
}

/** A rule of any document kind. */
export type AnyNormalizeRule = { [K in DocKind]: NormalizeRule<K> }[DocKind];

function isSizeLike(v: unknown): v is { value: number | bigint; unit: string } {
  return typeof v === "object" && v !== null && "value" in v && "unit" in v && (typeof v.value === "number" || typeof v.value === "bigint");
}

/** Rewrites every size in a document as bytes, in place. */
function sizesAsBytes(doc: object): void {
  const walk = (v: unknown): void => {
    if (typeof v !== "object" || v === null) return;
    if (isSizeLike(v)) {
      const b = sizeToBytes({ value: v.value, unit: v.unit as "bytes" });
      v.value = b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
      v.unit = "bytes";
    }
    Object.values(v).forEach(walk);
  };
  walk(doc);
}

const SIZES_WHY = "libvirt stores sizes in its own unit (KiB for memory, bytes for storage): 96 MiB comes back as 98304 KiB.";

/** Every normalize rule, in the order they run. */
export const NORMALIZE_RULES: readonly AnyNormalizeRule[] = [
  // ------------------------------------------------------------------ domain
  {
    name: "domain-implicit-controllers",
    appliesTo: "domain",
    apply: dom.dropImplicitControllers,
    why: "libvirt adds the controllers a machine type and its devices need (pci-root, usb, ide/sata, virtio-serial for channels, scsi); they are not the user's unless declared.",
  },
  {
    name: "domain-default-devices",
    appliesTo: "domain",
    apply: dom.dropDefaultDevices,
    why: "libvirt inserts a memballoon, PS/2 mouse and keyboard, a video card and audio backend for graphics, and the emulator path.",
  },
  {
    name: "domain-serial-console-mirror",
    appliesTo: "domain",
    apply: dom.dropSerialConsoleMirror,
    why: 'libvirt shows the first serial port a second time as <console target type="serial">.',
  },
  {
    name: "domain-uuid-generated",
    appliesTo: "domain",
    apply: dom.dropUndeclaredUuid,
    why: "libvirt generates a UUID when none is given.",
  },
  {
    name: "domain-device-addresses",
    appliesTo: "domain",
    apply: dom.dropAssignedAddresses,
    why: "libvirt assigns PCI, drive, serial and virtio-serial addresses to every device without one; only pinned addresses mean something.",
  },
  {
    name: "domain-device-aliases",
    appliesTo: "domain",
    apply: dom.dropAssignedAliases,
    why: "libvirt names every device (virtio-disk0, net0) on start; only user aliases (ua-…) are declared.",
  },
  {
    name: "domain-security-labels",
    appliesTo: "domain",
    apply: dom.dropSecurityLabels,
    why: "The security drivers (dac, apparmor, selinux) add <seclabel> with labels chosen per start.",
  },
  {
    name: "domain-generated-macs",
    appliesTo: "domain",
    apply: dom.dropGeneratedMacs,
    why: "libvirt generates a 52:54:00 MAC for each NIC given none.",
  },
  {
    name: "domain-interface-runtime",
    appliesTo: "domain",
    apply: dom.dropInterfaceRuntime,
    why: "At start a NIC gets a host device (vnetN) and its network source gains portid and bridge.",
  },
  {
    name: "domain-chardev-runtime",
    appliesTo: "domain",
    apply: dom.dropCharRuntime,
    why: "pty paths (/dev/pts/N, tty=) are allocated at start, channel sockets get a per-domain path, and the guest agent channel reports its connection state.",
  },
  {
    name: "domain-graphics-runtime",
    appliesTo: "domain",
    apply: dom.dropGraphicsRuntime,
    why: "With autoport the VNC/SPICE port is chosen at start, and libvirt mirrors the listen attribute as <listen> children.",
  },
  {
    name: "domain-disk-runtime",
    appliesTo: "domain",
    apply: dom.dropDiskRuntime,
    why: "A running domain reports the backing chain (<backingStore/>) and a source index for each disk.",
  },
  {
    name: "domain-disk-iotune-zero",
    appliesTo: "domain",
    apply: dom.zeroIotuneIsNone,
    why: "libvirt writes no <iotune> element for a limit of 0 (no limit), and no <iotune> at all when every limit is 0: the virDomainSetBlockIoTune call that removes a limit sets it to 0.",
  },
  {
    name: "domain-tpm-persistent-state-default",
    appliesTo: "domain",
    apply: dom.tpmPersistentStateDefault,
    why: "libvirt writes a TPM emulator's persistent_state='no' (its default) as no attribute at all.",
  },
  {
    name: "domain-cpu-check-at-start",
    appliesTo: "domain",
    apply: dom.cpuCheckAtStart,
    why: 'A running domain reports the CPU check qemu performed (check="full") and the features it expanded, not the configured check.',
  },
  {
    name: "domain-firmware-autoselected",
    appliesTo: "domain",
    apply: dom.autoselectedFirmware,
    why: "A running domain shows firmware autoselection as the pflash loader and NVRAM file libvirt chose, without firmware='efi' (and, migrated in, without its <firmware> wishes).",
  },
  {
    name: "domain-cpu-host-model-expanded",
    appliesTo: "domain",
    apply: dom.hostModelExpanded,
    why: "A running domain shows a host-model CPU expanded into the CPU model and features libvirt chose for this host.",
  },
  {
    name: "domain-cpuset-spelling",
    appliesTo: "domain",
    apply: (doc) => dom.canonicalCpusets(doc),
    why: "libvirt stores a vCPU pin's CPU list in its own spelling (0,1 as 0-1; 1-3,^2 as 1,3): lists are compared as the CPUs they select.",
  },
  {
    name: "domain-machine-alias",
    appliesTo: "domain",
    apply: dom.resolveMachineAlias,
    why: "libvirt stores the versioned machine type a short alias resolves to (q35 → pc-q35-7.2).",
  },
  {
    name: "domain-absent-feature-off",
    appliesTo: "domain",
    apply: dom.absentFeatureIsOff,
    why: "A feature flag set to false is written as absent; absent and false mean the same.",
  },
  {
    name: "domain-vcpu-current",
    appliesTo: "domain",
    apply: dom.vcpuCurrentDefault,
    why: "libvirt omits vcpu current when it equals the maximum.",
  },
  {
    name: "domain-timer-order",
    appliesTo: "domain",
    apply: (doc) => dom.sortTimers(doc),
    why: "The order of <timer> elements carries no meaning.",
  },
  {
    name: "domain-runtime-id",
    appliesTo: "domain",
    apply: dom.dropRuntimeId,
    why: "A running domain has a numeric id that changes with every start (rules above that tell running from inactive read it first).",
  },
  { name: "domain-sizes-as-bytes", appliesTo: "domain", apply: (doc) => sizesAsBytes(doc), why: SIZES_WHY },
  // ----------------------------------------------------------------- network
  {
    name: "network-uuid-generated",
    appliesTo: "network",
    apply: net.dropUndeclaredUuid,
    why: "libvirt generates a UUID when none is given.",
  },
  {
    name: "network-mac-generated",
    appliesTo: "network",
    apply: net.dropGeneratedMac,
    why: "libvirt generates a bridge MAC when none is given.",
  },
  {
    name: "network-bridge-defaults",
    appliesTo: "network",
    apply: net.dropBridgeDefaults,
    why: 'libvirt names the bridge virbrN and sets stp="on" delay="0" when they are not given.',
  },
  {
    name: "network-runtime-attributes",
    appliesTo: "network",
    apply: net.dropRuntimeAttributes,
    why: "An active network counts its connected guests (connections=).",
  },
  {
    name: "network-nat-defaults",
    appliesTo: "network",
    apply: net.dropNatDefaults,
    why: "libvirt adds the default NAT port range (1024-65535) to a nat forward.",
  },
  {
    name: "network-netmask-as-prefix",
    appliesTo: "network",
    apply: (doc) => net.netmaskAsPrefix(doc),
    why: 'netmask="255.255.255.0" and prefix="24" are the same subnet.',
  },
  {
    name: "network-host-order",
    appliesTo: "network",
    apply: (doc) => net.sortHosts(doc),
    why: "The order of DNS hosts, DHCP hosts and DHCP ranges carries no meaning.",
  },
  // -------------------------------------------------------------------- pool
  { name: "pool-uuid-generated", appliesTo: "pool", apply: sto.dropPoolUuid, why: "libvirt generates a UUID when none is given." },
  {
    name: "pool-measurements",
    appliesTo: "pool",
    apply: (doc) => sto.dropPoolMeasurements(doc),
    why: "capacity, allocation and available are measured by libvirt, never declared.",
  },
  {
    name: "pool-defaults",
    appliesTo: "pool",
    apply: sto.dropPoolDefaults,
    why: "libvirt reports the target directory's actual owner, group and mode, and writes an empty <source/> for dir pools.",
  },
  {
    name: "pool-target-path-slashes",
    appliesTo: "pool",
    apply: (doc) => sto.poolPathAsStored(doc),
    why: "libvirt drops repeated and trailing slashes from a pool's target path: /srv/images/ comes back as /srv/images.",
  },
  {
    name: "pool-source-format-default",
    appliesTo: "pool",
    apply: sto.dropPoolFormatDefault,
    why: "libvirt writes its default source format when none is given: auto for fs and netfs, lvm2 for logical, unknown for disk.",
  },
  {
    name: "pool-target-derived",
    appliesTo: "pool",
    apply: sto.dropDerivedPoolTarget,
    why: "libvirt derives a logical pool's target from its volume group (/dev/<volume group>) when none is given.",
  },
  { name: "pool-sizes-as-bytes", appliesTo: "pool", apply: (doc) => sizesAsBytes(doc), why: SIZES_WHY },
  // ------------------------------------------------------------------ volume
  {
    name: "volume-measurements",
    appliesTo: "volume",
    apply: (doc) => sto.dropVolumeMeasurements(doc),
    why: "allocation is a hint on create and then a measurement that grows as the guest writes; physical is always measured.",
  },
  {
    name: "volume-derived",
    appliesTo: "volume",
    apply: sto.dropVolumeDerived,
    why: "libvirt derives key, type and target path from the pool, reports the file's actual ownership and its timestamps.",
  },
  {
    name: "volume-capacity-rounding",
    appliesTo: "volume",
    apply: sto.capacityRounding,
    why: "libvirt creates images through qemu-img in whole KiB (and formats keep 512-byte sectors): 1 GB comes back as 1000000512 bytes.",
  },
  { name: "volume-sizes-as-bytes", appliesTo: "volume", apply: (doc) => sizesAsBytes(doc), why: SIZES_WHY },
];

/** The rules for one document kind, in order. */
export function rulesFor<K extends DocKind>(kind: K): NormalizeRule<K>[] {
  return NORMALIZE_RULES.filter((r): r is AnyNormalizeRule & NormalizeRule<K> => r.appliesTo === kind);
}
