import { Device, Disk, Domain, GUEST_AGENT_CHANNEL, NetInterface } from "../../xml";
import type { ResolvedDisk } from "./disks";
import { AUTOSELECTED, UefiOs } from "./firmware";
import type { VmSpec } from "./spec";
import type { NicSpec } from "./specDevices";

const KIB = 1024n;

/** Architectures whose guests get ACPI and an APIC (graceful shutdown and PCI hotplug go through ACPI). */
const ACPI_ARCHES = new Set(["x86_64", "i686"]);

/** The machine type to ask for; unset leaves the hypervisor's default. */
export function machineOf(spec: VmSpec): string | undefined {
  // q35 is the machine OVMF is built and tested for; its secure-boot builds need SMM, which i440fx lacks.
  if (spec.machine === undefined && spec.firmware === "uefi" && ACPI_ARCHES.has(spec.arch)) return "q35";
  return spec.machine;
}

/** The `<disk>` element a disk means. */
export function diskDevice(d: ResolvedDisk): Disk {
  const disk: Disk = {
    kind: "disk",
    device: d.device,
    source: d.file !== undefined ? { type: "file", file: d.file } : { type: "file" },
    driver: { name: "qemu", type: d.format },
    target: { dev: d.target, bus: d.bus },
  };
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

/**
 * The domain definition a spec means. Always present: a serial console on a
 * pty (so `virsh console` works and boot output is kept) and the guest agent
 * channel (so `waitForIp.source: "agent"` works without a redefinition).
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
      { kind: "serial", type: "pty" },
      { kind: "channel", type: "unix", target: { type: "virtio", name: GUEST_AGENT_CHANNEL } },
    ],
  };
  if (uuid !== undefined) dom.uuid = uuid;
  if (spec.description !== undefined) dom.description = spec.description;
  if (spec.cpuMode !== undefined) dom.cpu = { mode: spec.cpuMode };
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
  return dom;
}
