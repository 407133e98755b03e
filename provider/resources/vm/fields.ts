import type * as pulumi from "@pulumi/pulumi";
import { DomainOverrides, parseDomainOverrides } from "../../xml";
import type { CloudInitDisk } from "../cloudInit/resource";
import { FieldCheck, In, input, InputField, output } from "../common/fields";
import { absolutePath, choice, documentText, flag, generatedObjectName, integer, matching } from "../common/fieldTypes";
import { checkEnum, checkInteger, isObject } from "../common/problems";
import { checkSize, SizeArg } from "../common/sizeInput";
import {
  checkCpuTopology,
  checkVcpuPinning,
  CpuTopologySpec,
  VcpuPinSpec,
  VirtualMachineCpuArgs,
  VirtualMachineVcpuPinningArgs,
} from "./specCpu";
import { checkDisks, checkNics, DiskSpec, GivenNic } from "./specDevices";
import {
  checkCloudInit,
  checkFilesystems,
  checkGraphics,
  checkSerial,
  CloudInitSpec,
  FilesystemSpec,
  GraphicsSpec,
  SerialSpec,
} from "./specPeripherals";
import { checkTpm, TpmSpec, VirtualMachineTpmArgs } from "./tpm";

/** Hypervisor drivers a VM may use: `kvm` (hardware) or `qemu` (software emulation). */
export const DOMAIN_TYPES = ["kvm", "qemu"] as const;
/** Guest architectures accepted. */
export const ARCHES = ["x86_64", "i686", "aarch64", "ppc64le", "s390x", "riscv64"] as const;
/** Guest CPU modes (libvirt's `<cpu mode>`); unset leaves the hypervisor's default. */
export const CPU_MODES = ["host-passthrough", "host-model", "maximum"] as const;
/** Guest firmware: legacy BIOS (SeaBIOS) or UEFI (OVMF). */
export const FIRMWARES = ["bios", "uefi"] as const;
/** How changes that need a reboot are applied. */
export const UPDATE_POLICIES = ["restart", "manual"] as const;
/** What a change of the VM's host does: a live migration of a running VM, or a replacement. */
export const HOST_CHANGES = ["migrate", "replace"] as const;
/** Where guest addresses are read from. */
export const IP_SOURCES = ["lease", "agent"] as const;

/** One disk of a {@link VirtualMachine}. Give `path` or `volumeKey` (a cdrom may have neither: an empty drive). */
export interface VirtualMachineDiskArgs {
  /** A file or block device on the host, e.g. a {@link Volume}'s `path`. */
  path?: pulumi.Input<string>;
  /** A {@link Volume}'s `key`; the host resolves it to the volume's path and format. */
  volumeKey?: pulumi.Input<string>;
  /** `"disk"` (default) or `"cdrom"`. */
  device?: pulumi.Input<"disk" | "cdrom">;
  /** Guest bus: `"virtio"` (default for disks, attached and detached live), `"sata"` (default for cdroms), `"scsi"` (virtio-scsi) or `"ide"`. */
  bus?: pulumi.Input<"virtio" | "sata" | "scsi" | "ide">;
  /** Image format; by default the volume's own when the file belongs to a pool, else `"raw"`. */
  format?: pulumi.Input<"raw" | "qcow2">;
  /** The guest may only read it (always so for a cdrom). */
  readonly?: pulumi.Input<boolean>;
  /** Position in the boot order (1 first), unique across disks and interfaces. */
  bootOrder?: pulumi.Input<number>;
  /** Guest device name (`vdb`, `sda`); by default the first free name of its bus, in list order. */
  target?: pulumi.Input<string>;
  /** Host page cache use (libvirt's `<driver cache>`); the hypervisor's default (`writeback`) when unset. Changing it needs a restart. */
  cache?: pulumi.Input<"none" | "writethrough" | "writeback" | "directsync" | "unsafe">;
  /** How QEMU submits I/O: `"native"` (Linux AIO; needs `cache` `"none"` or `"directsync"`), `"threads"` or `"io_uring"`. Changing it needs a restart. */
  io?: pulumi.Input<"native" | "threads" | "io_uring">;
  /** `"unmap"` passes the guest's discard (TRIM) requests to the image, `"ignore"` (the default) drops them. Changing it needs a restart. */
  discard?: pulumi.Input<"unmap" | "ignore">;
  /** I/O operations per second the disk may do; no limit when unset. Changes apply live to a running VM. */
  iops?: pulumi.Input<VirtualMachineDiskIoLimitArgs>;
  /** Bytes per second the disk may move; no limit when unset. Changes apply live to a running VM. */
  bytesPerSecond?: pulumi.Input<VirtualMachineDiskIoLimitArgs>;
}

/**
 * A per-second limit of a {@link VirtualMachine} disk (libvirt's `<iotune>`): `total`, or
 * `read` and/or `write`, not both (libvirt cannot mix them). Each is a whole number from 1 to 10^15.
 */
export interface VirtualMachineDiskIoLimitArgs {
  /** Reads and writes together. */
  total?: pulumi.Input<number>;
  /** Reads alone. */
  read?: pulumi.Input<number>;
  /** Writes alone. */
  write?: pulumi.Input<number>;
}

/** One network interface of a {@link VirtualMachine}: give exactly one of `network`, `bridge` or `direct`. */
export interface VirtualMachineNetworkInterfaceArgs {
  /** A libvirt network's name, e.g. a {@link Network}'s `name`. */
  network?: pulumi.Input<string>;
  /** An existing host bridge. */
  bridge?: pulumi.Input<string>;
  /** macvtap on a host interface; `mode` is `"bridge"` by default. */
  direct?: pulumi.Input<{
    /** The host interface, e.g. `"eno1"`. */
    dev: pulumi.Input<string>;
    /** How guests on the interface reach each other and the host (libvirt's macvtap modes). */
    mode?: pulumi.Input<"bridge" | "vepa" | "private" | "passthrough">;
  }>;
  /** MAC address; by default derived from the VM name and what the interface is plugged into (52:54:00:…): the same on every run, and unchanged when other interfaces are added or moved. */
  mac?: pulumi.Input<string>;
  /** NIC model, `"virtio"` by default. */
  model?: pulumi.Input<string>;
  /** Position in the boot order (1 first), unique across disks and interfaces. */
  bootOrder?: pulumi.Input<number>;
}

/** Waiting for the guest's first address after each start. */
export interface VirtualMachineWaitForIpArgs {
  /** `"lease"` (default: the DHCP leases of the VM's libvirt networks) or `"agent"` (the QEMU guest agent). */
  source?: pulumi.Input<"lease" | "agent">;
  /** How long to wait; 300 by default. Running out fails the create, but the VM stays and is kept in state. */
  timeoutSeconds?: pulumi.Input<number>;
}

/** A remote display (VNC or SPICE); `{ type: "none" }` or leaving `graphics` unset means no display device. */
export interface VirtualMachineGraphicsArgs {
  /** `"vnc"` (default when `graphics` is given), `"spice"` or `"none"`. */
  type?: pulumi.Input<"vnc" | "spice" | "none">;
  /** Host address the display listens on, `"127.0.0.1"` by default (reach it through an SSH tunnel). */
  listen?: pulumi.Input<string>;
  /** TCP port (5900-65535); libvirt picks a free one at each start when unset. */
  port?: pulumi.Input<number>;
  /** Password asked by the viewer (VNC: at most 8 characters). The whole `graphics` output is stored as a secret. */
  password?: pulumi.Input<string>;
}

/** Where the serial console (ttyS0 in the guest) goes. */
export interface VirtualMachineSerialConsoleArgs {
  /**
   * `"pty"` (default: interactive, `virsh console`), `"file"` (the output is
   * written to `path` on the host, emptied at each start) or `"none"`.
   */
  type?: pulumi.Input<"pty" | "file" | "none">;
  /** For `"file"`: the host file. */
  path?: pulumi.Input<string>;
  /** For `"pty"`: also copy the output to this host file (emptied at each start). */
  logFile?: pulumi.Input<string>;
}

/** A host directory shared with the guest, which mounts it by `tag` (`mount -t virtiofs TAG /mnt` or `mount -t 9p -o trans=virtio TAG /mnt`). */
export interface VirtualMachineFilesystemArgs {
  /** The host directory. */
  source: pulumi.Input<string>;
  /** The mount tag the guest names. */
  tag: pulumi.Input<string>;
  /**
   * `"virtiofs"` (default: fast, needs virtiofsd on the host; the VM's memory
   * is then shared memory) or `"9p"` (slower, no helper process).
   */
  driver?: pulumi.Input<"virtiofs" | "9p">;
  /** The guest may only read it (9p only: virtiofs has no read-only export). */
  readonly?: pulumi.Input<boolean>;
  /** 9p only: how guest file owners map to the host, `"passthrough"` by default. */
  accessmode?: pulumi.Input<"passthrough" | "mapped" | "squash">;
}

/** A cloud-init seed: a {@link CloudInitDisk} as `disk`, or a seed image by `volumeKey` or `path`. */
export interface VirtualMachineCloudInitArgs {
  /** The seed; its key and `sha256` are used. */
  disk?: CloudInitDisk;
  /** The seed volume's key. */
  volumeKey?: pulumi.Input<string>;
  /** The seed image's host path. */
  path?: pulumi.Input<string>;
  /** The seed's SHA-256: when it changes, the VM restarts (per `updatePolicy`) to read the new seed. */
  sha256?: pulumi.Input<string>;
  /** The cdrom's bus: `"sata"` (default), `"scsi"` or `"ide"`. */
  bus?: pulumi.Input<"sata" | "scsi" | "ide">;
}

/** Waiting for the guest's first address after a start. */
export interface WaitForIpSpec {
  source: (typeof IP_SOURCES)[number];
  timeoutSeconds: number;
}

const KIB = 1024n;
const MIB = 1024n * 1024n;
/**
 * The most memory, in KiB: libvirt's memory calls (`virDomainSetMemoryFlags`)
 * refuse LLONG_MAX / 1024 KiB or more; below it the KiB count is also a
 * whole number JavaScript holds exactly, so the definition never holds a float.
 */
const MAX_MEMORY_KIB = 2n ** 53n - 2n;

/** Memory sizes: whole KiB (libvirt's unit; anything finer would be rounded and never settle), at least 1 MiB. */
function memorySize(): InputField<In<SizeArg>, bigint | undefined> {
  return input<In<SizeArg>, bigint>((problems, property, value) => {
    const bytes = checkSize(problems, property, value);
    if (bytes === undefined) return undefined;
    if (bytes % KIB !== 0n) return void problems.add(property, "must be a whole number of KiB (libvirt counts memory in KiB)");
    if (bytes < MIB) return void problems.add(property, "must be at least 1MiB");
    if (bytes / KIB > MAX_MEMORY_KIB)
      return void problems.add(property, `must be at most ${MAX_MEMORY_KIB} KiB (libvirt refuses more memory)`);
    return bytes;
  });
}

const checkWaitForIp: FieldCheck<WaitForIpSpec> = (problems, property, value) => {
  if (!isObject(value)) return void problems.add(property, 'must be an object such as { source: "lease", timeoutSeconds: 120 }');
  const source = value.source ?? "lease";
  const timeoutSeconds = value.timeoutSeconds ?? 300;
  const sourceOk = checkEnum(problems, `${property}.source`, source, IP_SOURCES);
  const timeoutOk = checkInteger(problems, `${property}.timeoutSeconds`, timeoutSeconds, 1, 3600);
  for (const key of Object.keys(value))
    if (key !== "source" && key !== "timeoutSeconds")
      problems.add(`${property}.${key}`, "is not a waitForIp field (known: source, timeoutSeconds)");
  return sourceOk && timeoutOk ? { source, timeoutSeconds } : undefined;
};

const checkOverrides: FieldCheck<DomainOverrides> = (problems, property, value) => {
  if (typeof value !== "string") return void problems.add(property, "must be a string holding a partial <domain> document");
  const parsed = parseDomainOverrides(value);
  for (const reason of parsed.problems) problems.add(property, reason);
  return parsed.overrides;
};

/**
 * Every input and output of a {@link VirtualMachine}, declared once. Rules
 * across fields (the maxima's defaults and floors, what needs `kernel`, the
 * seed's cdrom, generated MACs, boot orders, `waitForIp`'s needs) are the
 * spec's (`spec.ts`).
 */
export const vmFields = {
  /** Domain name, unique on the host; the resource's name plus a random suffix when unset. Changing it replaces the VM. */
  name: generatedObjectName("domain").replaces().output("echo"),
  /** Hypervisor driver: `"kvm"` (default) or `"qemu"` (software emulation). Changing it replaces the VM. */
  domainType: choice(DOMAIN_TYPES).default("kvm").replaces(),
  /** Guest architecture, `"x86_64"` by default. Changing it replaces the VM. */
  arch: choice(ARCHES).default("x86_64").replaces(),
  /** Machine type (`"pc"`, `"q35"`); the hypervisor's default when unset. */
  machine: matching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a machine type such as "pc" or "q35" (letters, digits, ".", "_", "-")'),
  /** Guest CPU model; the hypervisor's default when unset. */
  cpuMode: choice(CPU_MODES),
  // Replaces: switching would strand a guest installed for the other firmware, and the NVRAM file belongs to UEFI only.
  /**
   * `"bios"` (default) or `"uefi"`: OVMF without secure boot, picked by the host's firmware autoselection
   * (or named explicitly where the host has none), machine `"q35"` unless `machine` is given, UEFI variables
   * in a per-VM NVRAM file that updates keep and deleting the VM removes. Changing it replaces the VM.
   */
  firmware: choice(FIRMWARES).default("bios").replaces(),
  /** Online vCPUs, 1 by default; raised live up to `maxVcpus`. */
  vcpus: integer(1, 1024).default(1),
  /** vCPUs the VM boots with room for; `vcpus` by default. Changing it needs a restart. */
  maxVcpus: integer(1, 1024),
  /** The guest CPU's topology; sockets × cores × threads must equal `maxVcpus` (`vcpus` when unset). Changing it needs a restart. */
  cpu: input<In<VirtualMachineCpuArgs>, CpuTopologySpec>(checkCpuTopology),
  /**
   * Host CPUs each vCPU may run on, by vCPU number (below `maxVcpus`), e.g. `{ 0: "0", 1: "1-3,^2" }`;
   * applied live. A vCPU taken out of it may run on every host CPU again; vCPUs it never named are left as they are.
   */
  vcpuPinning: input<In<VirtualMachineVcpuPinningArgs>, VcpuPinSpec[]>(checkVcpuPinning),
  /** Memory the guest is given (the balloon target), 512MiB by default; changed live up to `maxMemory`. */
  memory: memorySize()
    .default(512n * MIB)
    .as("memoryBytes"),
  /** Memory the VM boots with, the ceiling for `memory`; `memory` by default. Changing it needs a restart. */
  maxMemory: memorySize().as("maxMemoryBytes"),
  /** Disks and cdroms. Virtio disks are attached and detached live. */
  disks: input<In<In<VirtualMachineDiskArgs>[]>, DiskSpec[]>(checkDisks).default(() => []),
  /** Network interfaces, attached and detached live. */
  networkInterfaces: input<In<In<VirtualMachineNetworkInterfaceArgs>[]>, GivenNic[]>(checkNics)
    .default(() => [])
    .as("nics"),
  /** Kernel image on the host, for direct kernel boot. */
  kernel: absolutePath(),
  /** Initial ramdisk on the host, for direct kernel boot. */
  initrd: absolutePath(),
  /** Kernel command line, for direct kernel boot. */
  cmdline: matching(/^[^\x00-\x1f\x7f]*$/, "must be a string without control characters"),
  /** Keep the VM running; true by default. */
  running: flag().default(true),
  /** Start the VM with the host; false by default. */
  autostart: flag().default(false),
  /** Wait for the guest's address after each start; no waiting when unset. */
  waitForIp: input<In<VirtualMachineWaitForIpArgs>, WaitForIpSpec>(checkWaitForIp),
  /**
   * How changes a running VM cannot take live are applied: `"restart"` (default:
   * shut down, then start) or `"manual"` (write the definition, set `pendingRestart`).
   */
  updatePolicy: choice(UPDATE_POLICIES).default("restart"),
  /**
   * What a change of host (`connection` or `kvm:host` leading elsewhere) does to the VM:
   * `"migrate"` (default: a running VM is live-migrated, a stopped one moved offline, disks on
   * the old host's own storage copied into the new host's volumes) or `"replace"` (a new VM
   * there, then the old one deleted).
   */
  onHostChange: choice(HOST_CHANGES).default("migrate"),
  /** How long a live migration to another host may take before it is abandoned (the VM stays where it ran); 900 by default. */
  migrationTimeoutSeconds: integer(1, 86400).default(900),
  /**
   * Where the old host's hypervisor sends a live migration's stream (the stream goes host to host):
   * the new host's address as the old host reaches it. By default the new connection's SSH `host`
   * (libvirt's own choice, the new host's name as it resolves it, behind a jump host or locally).
   * Used by a move only, never compared with the host.
   */
  migrationAddress: matching(
    /^[A-Za-z0-9.:_-]{1,253}$/,
    "must be a host name or an IP address (letters, digits, '.', ':', '_', '-'; at most 253)",
  ),
  /**
   * The new host's port for a live migration's stream, instead of a free one of libvirt's range
   * (qemu.conf's `migration_port_min`–`migration_port_max`, 49152–49215 by default). Needs an
   * address: the connection's SSH `host` or `migrationAddress`. Used by a move only.
   */
  migrationPort: integer(1, 65535),
  /**
   * The new host's port for copying disks during a live migration (QEMU's NBD server), instead of a
   * free one of libvirt's range; unused when no disk is copied. Used by a move only.
   */
  migrationDisksPort: integer(1, 65535),
  /** How long a graceful shutdown may take before the VM is powered off; 60 by default. */
  shutdownTimeoutSeconds: integer(0, 3600).default(60),
  /** Free text kept with the domain (changes live). */
  // Bounded well below the 4 MiB libvirt's protocol allows a whole domain document (REMOTE_STRING_MAX).
  description: documentText(1024 * 1024),
  // Secret: it may hold a display password.
  /** A remote display; none when unset. */
  graphics: input<In<VirtualMachineGraphicsArgs>, GraphicsSpec>(checkGraphics).secret(),
  /** The serial console; a pty (`virsh console`) when unset. */
  serialConsole: input<In<VirtualMachineSerialConsoleArgs>, SerialSpec>(checkSerial)
    .default(() => ({ type: "pty" }))
    .as("serial"),
  /** The QEMU guest agent's channel, true by default (needed by `waitForIp.source: "agent"`). */
  guestAgent: flag().default(true),
  /** Host directories shared with the guest. Changes take effect at the next start. */
  filesystems: input<In<In<VirtualMachineFilesystemArgs>[]>, FilesystemSpec[]>(checkFilesystems).default(() => []),
  /**
   * A TPM 2.0 emulated by swtpm on the host; none when unset. Its state is kept across updates and
   * restarts and removed when the VM is deleted (unless `persistentState`). Adding, removing or
   * changing it takes a restart.
   */
  tpm: input<In<VirtualMachineTpmArgs>, TpmSpec>(checkTpm),
  /**
   * A cloud-init seed, attached as a cdrom after `disks`. With a
   * {@link CloudInitDisk} (or a given `sha256`), a change of the seed's
   * content restarts the VM per `updatePolicy`, so the guest reads it.
   */
  cloudInit: input<CloudInitDisk | VirtualMachineCloudInitArgs, CloudInitSpec>(checkCloudInit),
  /**
   * A partial `<domain>` document merged into the generated definition, for
   * what no input covers (e.g. `<devices><watchdog model='i6300esb'/></devices>`).
   * Elements are matched by name (devices by their identity: disk target,
   * interface MAC, …) and their attributes and text set; unmatched elements
   * are added. Overrides add and change, they never remove; `<name>`,
   * `<uuid>` and root attributes belong to the resource. The merged result is
   * what the diff compares with the host. Changes take effect at the next start.
   */
  xmlOverrides: input<In<string>, DomainOverrides>(checkOverrides),
  /** libvirt's UUID of the domain (the resource's id). */
  uuid: output<string>(),
  /** The domain's state when last read: `running`, `shutoff`, `paused`, … */
  state: output<string>(),
  /** The guest's addresses when last read (from `waitForIp.source`, DHCP leases by default). */
  ipAddresses: output<string[]>(),
  /** The network interfaces' MAC addresses, in order. */
  macAddresses: output<string[]>(),
  /** True when the running VM differs from its definition until it restarts (`updatePolicy: "manual"`). */
  pendingRestart: output<boolean>(),
};
