import * as pulumi from "@pulumi/pulumi";
import type { ConnectedArgs, SizeArg } from "../common/args";
import { withSecretConnection } from "../common/resourceOptions";
import { CloudInitDisk } from "../cloudInit/cloudInitDisk";
import { dynamicProvider } from "../dynamicProvider";

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
}

/** One network interface of a {@link VirtualMachine}: give exactly one of `network`, `bridge` or `direct`. */
export interface VirtualMachineNetworkInterfaceArgs {
  /** A libvirt network's name, e.g. a {@link Network}'s `name`. */
  network?: pulumi.Input<string>;
  /** An existing host bridge. */
  bridge?: pulumi.Input<string>;
  /** macvtap on a host interface; `mode` is `"bridge"` by default. */
  direct?: pulumi.Input<{ dev: pulumi.Input<string>; mode?: pulumi.Input<"bridge" | "vepa" | "private" | "passthrough"> }>;
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

/** Inputs of a {@link VirtualMachine}. */
export interface VirtualMachineArgs extends ConnectedArgs {
  /** Domain name, unique on the host. Changing it replaces the VM. */
  name: pulumi.Input<string>;
  /** Hypervisor driver: `"kvm"` (default) or `"qemu"` (software emulation). Changing it replaces the VM. */
  domainType?: pulumi.Input<"kvm" | "qemu">;
  /** Guest architecture, `"x86_64"` by default. Changing it replaces the VM. */
  arch?: pulumi.Input<"x86_64" | "i686" | "aarch64" | "ppc64le" | "s390x" | "riscv64">;
  /** Machine type (`"pc"`, `"q35"`); the hypervisor's default when unset. */
  machine?: pulumi.Input<string>;
  /**
   * `"bios"` (default) or `"uefi"`: OVMF without secure boot, picked by the host's firmware autoselection
   * (or named explicitly where the host has none), machine `"q35"` unless `machine` is given, UEFI variables
   * in a per-VM NVRAM file that updates keep and deleting the VM removes. Changing it replaces the VM.
   */
  firmware?: pulumi.Input<"bios" | "uefi">;
  /** Guest CPU model; the hypervisor's default when unset. */
  cpuMode?: pulumi.Input<"host-passthrough" | "host-model" | "maximum">;
  /** Online vCPUs, 1 by default; raised live up to `maxVcpus`. */
  vcpus?: pulumi.Input<number>;
  /** vCPUs the VM boots with room for; `vcpus` by default. Changing it needs a restart. */
  maxVcpus?: pulumi.Input<number>;
  /** Memory the guest is given (the balloon target), 512MiB by default; changed live up to `maxMemory`. */
  memory?: pulumi.Input<SizeArg>;
  /** Memory the VM boots with, the ceiling for `memory`; `memory` by default. Changing it needs a restart. */
  maxMemory?: pulumi.Input<SizeArg>;
  /** Disks and cdroms. Virtio disks are attached and detached live. */
  disks?: pulumi.Input<pulumi.Input<VirtualMachineDiskArgs>[]>;
  /** Network interfaces, attached and detached live. */
  networkInterfaces?: pulumi.Input<pulumi.Input<VirtualMachineNetworkInterfaceArgs>[]>;
  /** Kernel image on the host, for direct kernel boot. */
  kernel?: pulumi.Input<string>;
  /** Initial ramdisk on the host, for direct kernel boot. */
  initrd?: pulumi.Input<string>;
  /** Kernel command line, for direct kernel boot. */
  cmdline?: pulumi.Input<string>;
  /** Keep the VM running; true by default. */
  running?: pulumi.Input<boolean>;
  /** Start the VM with the host; false by default. */
  autostart?: pulumi.Input<boolean>;
  /** Wait for the guest's address after each start; no waiting when unset. */
  waitForIp?: pulumi.Input<VirtualMachineWaitForIpArgs>;
  /**
   * How changes a running VM cannot take live are applied: `"restart"` (default:
   * shut down, then start) or `"manual"` (write the definition, set `pendingRestart`).
   */
  updatePolicy?: pulumi.Input<"restart" | "manual">;
  /** How long a graceful shutdown may take before the VM is powered off; 60 by default. */
  shutdownTimeoutSeconds?: pulumi.Input<number>;
  /** Free text kept with the domain (changes live). */
  description?: pulumi.Input<string>;
  /** A remote display; none when unset. */
  graphics?: pulumi.Input<VirtualMachineGraphicsArgs>;
  /** The serial console; a pty (`virsh console`) when unset. */
  serialConsole?: pulumi.Input<VirtualMachineSerialConsoleArgs>;
  /** The QEMU guest agent's channel, true by default (needed by `waitForIp.source: "agent"`). */
  guestAgent?: pulumi.Input<boolean>;
  /** Host directories shared with the guest. Changes take effect at the next start. */
  filesystems?: pulumi.Input<pulumi.Input<VirtualMachineFilesystemArgs>[]>;
  /**
   * A cloud-init seed, attached as a cdrom after `disks`. With a
   * {@link CloudInitDisk} (or a given `sha256`), a change of the seed's
   * content restarts the VM per `updatePolicy`, so the guest reads it.
   */
  cloudInit?: CloudInitDisk | VirtualMachineCloudInitArgs;
  /**
   * A partial `<domain>` document merged into the generated definition, for
   * what no input covers (e.g. `<devices><watchdog model='i6300esb'/></devices>`).
   * Elements are matched by name (devices by their identity: disk target,
   * interface MAC, …) and their attributes and text set; unmatched elements
   * are added. Overrides add and change, they never remove; `<name>`,
   * `<uuid>` and root attributes belong to the resource. The merged result is
   * what the diff compares with the host. Changes take effect at the next start.
   */
  xmlOverrides?: pulumi.Input<string>;
}

/** A libvirt virtual machine (domain), kept converged over the VM's lifetime, live where libvirt allows. */
export class VirtualMachine extends pulumi.dynamic.Resource {
  /** Domain name. */
  declare readonly name: pulumi.Output<string>;
  /** libvirt's UUID of the domain (the resource's id). */
  declare readonly uuid: pulumi.Output<string>;
  /** The domain's state when last read: `running`, `shutoff`, `paused`, … */
  declare readonly state: pulumi.Output<string>;
  /** The guest's addresses when last read (from `waitForIp.source`, DHCP leases by default). */
  declare readonly ipAddresses: pulumi.Output<string[]>;
  /** The network interfaces' MAC addresses, in order. */
  declare readonly macAddresses: pulumi.Output<string[]>;
  /** True when the running VM differs from its definition until it restarts (`updatePolicy: "manual"`). */
  declare readonly pendingRestart: pulumi.Output<boolean>;

  /**
   * @param name the Pulumi resource name
   * @param args the VM's inputs
   * @param opts resource options
   */
  constructor(name: string, args: VirtualMachineArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("VirtualMachine"),
      name,
      {
        ...args,
        cloudInit: seedInput(args.cloudInit),
        uuid: undefined,
        state: undefined,
        ipAddresses: undefined,
        macAddresses: undefined,
        pendingRestart: undefined,
      },
      // graphics may hold a display password.
      withSecretConnection(opts, "graphics"),
      "pulumi-kvm",
      "VirtualMachine",
    );
  }
}

/** The seed as the provider takes it: a {@link CloudInitDisk} becomes its key and its hash (to notice content changes). */
function seedInput(seed: CloudInitDisk | VirtualMachineCloudInitArgs | undefined): pulumi.Input<Record<string, unknown>> | undefined {
  if (seed === undefined) return undefined;
  if (seed instanceof CloudInitDisk) return { volumeKey: seed.key, sha256: seed.sha256 };
  const { disk, ...rest } = seed;
  return disk ? { volumeKey: disk.key, sha256: disk.sha256, ...rest } : rest;
}
