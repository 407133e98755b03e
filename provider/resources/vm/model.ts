import { applyDomainOverrides, Device, Disk, DiskIotune, Domain, element, GUEST_AGENT_CHANNEL, NetInterface, XmlNode } from "../../xml";
import type { ResolvedDisk } from "./disks";
import { AUTOSELECTED, UefiOs } from "./firmware";
import type { VmSpec } from "./spec";
import type { NicSpec } from "./specDevices";
import type { DiskTuningSpec } from "./specDiskTuning";
import { tpmDevice } from "./tpm";
import type { FilesystemSpec, GraphicsSpec, PeripheralsSpec, SerialSpec } from "./specPeripherals";

/** The namespace of what this provider keeps in a domain's `<metadata>`. */
export const METADATA_NAMESPACE = "urn:pulumi-kvm:vm:1";
/** The `<metadata>` child naming the cloud-init seed the domain boots with. */
export const SEED_ELEMENT = "kvm:cloudinit";

const KIB = 1024n;

/** Architectures whose guests get ACPI and an APIC (graceful shutdown and PCI hotplug go through ACPI). */
const ACPI_ARCHES = new Set(["x86_64", "i686"]);

/** The machine type to ask for; unset leaves the hypervisor's default. */
export function machineOf(spec: VmSpec): string | undefined {
  // q35 is the machine OVMF is built and tested for; its secure-boot builds need SMM, which i440fx lacks.
  if (spec.machine === undefined && spec.firmware === "uefi" && ACPI_ARCHES.has(spec.arch)) return "q35";
  return spec.machine;
}

/** The `<iotune>` a disk's limits mean; none without limits. */
export function iotuneOf(d: DiskTuningSpec): DiskIotune | undefined {
  const { iops, bytesPerSecond: bytes } = d;
  if (!iops && !bytes) return undefined;
  const tune: DiskIotune = {
    totalBytesSec: bytes?.total,
    readBytesSec: bytes?.read,
    writeBytesSec: bytes?.write,
    totalIopsSec: iops?.total,
    readIopsSec: iops?.read,
    writeIopsSec: iops?.write,
  };
  for (const k of Object.keys(tune) as (keyof DiskIotune)[]) if (tune[k] === undefined) delete tune[k];
  return tune;
}

/** The `<disk>` element a disk means. */
export function diskDevice(d: ResolvedDisk): Disk {
  const disk: Disk = {
    kind: "disk",
    device: d.device,
    source: d.volume
      ? { type: "volume", pool: d.volume.pool, volume: d.volume.name }
      : d.file !== undefined
        ? { type: "file", file: d.file }
        : { type: "file" },
    driver: { name: "qemu", type: d.format },
    target: { dev: d.target, bus: d.bus },
  };
  if (d.cache !== undefined) disk.driver = { ...disk.driver, cache: d.cache };
  if (d.io !== undefined) disk.driver = { ...disk.driver, io: d.io };
  if (d.discard !== undefined) disk.driver = { ...disk.driver, discard: d.discard };
  const iotune = iotuneOf(d);
  if (iotune) disk.iotune = iotune;
  if (d.readonly) disk.readonly = true;
  if (d.bootOrder !== undefined) disk.bootOrder = d.bootOrder;
  return disk;
}

/** The `<interface>` element a network interface means. */
export function nicDevice(n: NicSpec): NetInterface {
  const s = n.source;
  const nic: NetInterface = {
    kind: "interface",
    mac: n.mac,
    model: n.model,
    source:
      s.type === "network"
        ? { type: "network", network: s.network }
        : s.type === "bridge"
          ? { type: "bridge", bridge: s.bridge }
          : { type: "direct", dev: s.dev, mode: s.mode },
  };
  if (n.bootOrder !== undefined) nic.bootOrder = n.bootOrder;
  return nic;
}

/** The SCSI controller SCSI disks hang off: virtio-scsi, which guests have a driver for (libvirt's default lsilogic often not). */
export function scsiController(): Device {
  return { kind: "other", node: { name: "controller", attrs: { type: "scsi", index: "0", model: "virtio-scsi" }, children: [] } };
}

/** The `<graphics>` element of a display; the listen address is given explicitly, never left to the host's qemu.conf. */
export function graphicsDevice(g: GraphicsSpec): Device {
  return {
    kind: "graphics",
    type: g.type,
    ...(g.port === undefined ? { autoport: true } : { port: g.port, autoport: false }),
    listen: g.listen,
    ...(g.password !== undefined ? { passwd: g.password } : {}),
  };
}

/** The `<serial>` element of the serial console; none for `type: "none"`. */
export function serialDevices(s: SerialSpec): Device[] {
  if (s.type === "none") return [];
  if (s.type === "file") return [{ kind: "serial", type: "file", source: { path: s.path } }];
  // libvirt copies a pty's output into the log file too (through virtlogd), so `virsh console` and the file both work.
  const log = s.logFile === undefined ? undefined : { attrs: {}, children: [element("log", { file: s.logFile, append: "off" })] };
  return [{ kind: "serial", type: "pty", ...(log ? { extra: log } : {}) }];
}

/** The `<filesystem>` element of a shared host directory. */
export function filesystemDevice(f: FilesystemSpec): Device {
  return {
    kind: "filesystem",
    type: "mount",
    ...(f.driver === "9p" ? { accessmode: f.accessmode ?? "passthrough" } : { driver: { type: "virtiofs" } }),
    source: { dir: f.source },
    target: { dir: f.tag },
    ...(f.readonly ? { readonly: true } : {}),
  };
}

/** The devices the peripherals inputs add, after disks and interfaces. */
function peripheralDevices(p: PeripheralsSpec): Device[] {
  return [
    ...p.filesystems.map(filesystemDevice),
    ...(p.graphics ? [graphicsDevice(p.graphics)] : []),
    ...serialDevices(p.serial),
    ...(p.guestAgent ? [{ kind: "channel", type: "unix", target: { type: "virtio", name: GUEST_AGENT_CHANNEL } } as Device] : []),
  ];
}

/**
 * virtiofsd reaches guest memory directly: the guest's RAM must be shared
 * memory (memfd), which is what libvirt asks for here.
 */
function sharedMemoryBacking(): XmlNode {
  return element("memoryBacking", {}, [element("source", { type: "memfd" }), element("access", { mode: "shared" })]);
}

/**
 * The domain definition a spec means: what the inputs say, then the
 * `xmlOverrides` merged in. By default a serial console on a pty (so
 * `virsh console` works) and the guest agent channel (so
 * `waitForIp.source: "agent"` works without a redefinition).
 *
 * @param uuid the domain's UUID, chosen before the first define
 * @param uefi for `firmware: "uefi"`, where the firmware comes from (see
 *   `firmware.ts`); libvirt's autoselection when not given
 */
export function domainModelOf(spec: VmSpec, disks: readonly ResolvedDisk[], uuid?: string, uefi: UefiOs = AUTOSELECTED): Domain {
  const dom: Domain = {
    type: spec.domainType,
    name: spec.name,
    memory: { value: Number(spec.maxMemoryBytes / KIB), unit: "KiB" },
    currentMemory: { value: Number(spec.memoryBytes / KIB), unit: "KiB" },
    vcpu: { count: spec.maxVcpus, current: spec.vcpus },
    os: { type: "hvm", arch: spec.arch },
    devices: [
      ...disks.map(diskDevice),
      ...spec.nics.map(nicDevice),
      ...(disks.some((d) => d.bus === "scsi") ? [scsiController()] : []),
      ...peripheralDevices(spec),
      ...(spec.tpm ? [tpmDevice(spec.tpm, spec)] : []),
    ],
  };
  if (spec.cloudInit?.sha256 !== undefined) {
    // The running domain keeps the metadata it started with: comparing it with this one tells whether the guest has read the current seed.
    dom.metadata = [element(SEED_ELEMENT, { "xmlns:kvm": METADATA_NAMESPACE, sha256: spec.cloudInit.sha256 })];
  }
  if (spec.filesystems.some((f) => f.driver === "virtiofs")) dom.extra = { attrs: {}, children: [sharedMemoryBacking()] };
  if (uuid !== undefined) dom.uuid = uuid;
  if (spec.description !== undefined) dom.description = spec.description;
  if (spec.cpuMode !== undefined || spec.cpu !== undefined) {
    dom.cpu = {};
    if (spec.cpuMode !== undefined) dom.cpu.mode = spec.cpuMode;
    if (spec.cpu !== undefined) dom.cpu.topology = { ...spec.cpu };
  }
  if (spec.vcpuPinning !== undefined && spec.vcpuPinning.length > 0) {
    dom.cputune = { vcpupins: spec.vcpuPinning.map((p) => ({ vcpu: p.vcpu, cpuset: p.cpuset })) };
  }
  const os = dom.os ?? {};
  const machine = machineOf(spec);
  if (machine !== undefined) os.machine = machine;
  if (spec.firmware === "uefi") Object.assign(os, structuredClone(uefi));
  if (spec.kernel !== undefined) os.kernel = spec.kernel;
  if (spec.initrd !== undefined) os.initrd = spec.initrd;
  if (spec.cmdline !== undefined) os.cmdline = spec.cmdline;
  if (ACPI_ARCHES.has(spec.arch)) dom.features = { acpi: true, apic: true };
  // UEFI hands the OS its hardware description through ACPI tables, on every architecture.
  else if (spec.firmware === "uefi") dom.features = { acpi: true };
  return spec.xmlOverrides ? applyDomainOverrides(dom, spec.xmlOverrides) : dom;
}
