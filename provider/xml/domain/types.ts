/**
 * The domain document (`virsh dumpxml`), top level. Element and attribute
 * names follow libvirt's formatdomain; devices live in their own files.
 * Every modelled element carries `extra`: what it had that is not modelled.
 */
import type { XmlExtra, XmlNode } from "../node";
import type { SizeElement } from "../size";
import type { Device } from "./devices";

/** Re-exported for the domain model, whose sizes are size elements. */
export type { SizeElement };

/** `<maxMemory slots='…'>`: the hotplug ceiling. */
export type MaxMemory = SizeElement & { slots?: number };

/** What the hypervisor does on a guest event (`on_poweroff`, …). */
export type LifecycleAction = "destroy" | "restart" | "preserve" | "rename-restart" | "coredump-destroy" | "coredump-restart";

/** `<vcpu current='1'>2</vcpu>`: `count` is the maximum, `current` the online ones. */
export interface DomainVcpu {
  count: number;
  current?: number;
  placement?: "static" | "auto";
  cpuset?: string;
  extra?: XmlExtra;
}

/** `<cpu>`: guest CPU model. */
export interface DomainCpu {
  mode?: "custom" | "host-model" | "host-passthrough" | "maximum";
  match?: "minimum" | "exact" | "strict";
  check?: "none" | "partial" | "full";
  /** Named CPU model (`<model>` text), for mode custom. */
  model?: string;
  /** Remainder of the `<model>` element (e.g. `fallback`). */
  modelExtra?: XmlExtra;
  topology?: { sockets?: number; dies?: number; cores?: number; threads?: number; extra?: XmlExtra };
  extra?: XmlExtra;
}

/** `<vcpupin vcpu='1' cpuset='0-1'/>`: the host CPUs one vCPU may run on. */
export interface VcpuPin {
  vcpu: number;
  /** A CPU list in libvirt's syntax (`0-3,^2`); compared as the set of CPUs it selects. */
  cpuset: string;
  extra?: XmlExtra;
}

/** `<cputune>`: the vCPU pins are modelled; shares, quotas and other pins stay in `extra`. */
export interface DomainCputune {
  vcpupins?: VcpuPin[];
  extra?: XmlExtra;
}

/** Boot device in `<os><boot dev='…'/>`, in order. */
export type BootDevice = "hd" | "cdrom" | "network" | "fd";

/** `<os>`: guest type, firmware, boot order, direct kernel boot. */
export interface DomainOs {
  /** `<type>` text, e.g. `hvm`. */
  type?: string;
  arch?: string;
  /** Machine type; libvirt expands aliases (`q35` → `pc-q35-7.2`). */
  machine?: string;
  /** Remainder of the `<type>` element. */
  typeExtra?: XmlExtra;
  /** `firmware='efi'` asks libvirt to pick a UEFI build itself. */
  firmware?: "bios" | "efi";
  /** UEFI or custom BIOS image. */
  loader?: { path?: string; readonly?: boolean; type?: "rom" | "pflash"; secure?: boolean; extra?: XmlExtra };
  /** Per-domain UEFI variable store. */
  nvram?: { path?: string; template?: string; extra?: XmlExtra };
  /** Legacy boot order (`<boot dev>`); per-device `bootOrder` is the other way. */
  boot?: BootDevice[];
  bootMenu?: { enable?: boolean; timeout?: number; extra?: XmlExtra };
  kernel?: string;
  initrd?: string;
  /** Kernel command line: free text, kept byte for byte. */
  cmdline?: string;
  extra?: XmlExtra;
}

/** `<features>`: bare flags are booleans; others stay in `extra`. */
export interface DomainFeatures {
  acpi?: boolean;
  apic?: boolean;
  pae?: boolean;
  hap?: boolean;
  privnet?: boolean;
  vmport?: boolean;
  smm?: boolean;
  extra?: XmlExtra;
}

/** `<clock><timer/>`. */
export interface ClockTimer {
  name: string;
  present?: boolean;
  tickpolicy?: string;
  track?: string;
  extra?: XmlExtra;
}

/** `<clock>`. */
export interface DomainClock {
  offset?: "utc" | "localtime" | "timezone" | "variable" | "absolute";
  timezone?: string;
  adjustment?: string;
  basis?: "utc" | "localtime";
  timers?: ClockTimer[];
  extra?: XmlExtra;
}

/** A whole domain definition. */
export interface Domain {
  /** Hypervisor driver: `kvm`, `qemu`, … */
  type: string;
  /** Runtime id; present only while running. */
  id?: number;
  name: string;
  uuid?: string;
  /** Short free text; libvirt refuses newlines in it. */
  title?: string;
  /** Free text, kept byte for byte. */
  description?: string;
  /** Children of `<metadata>`: application elements in their own namespaces. */
  metadata?: XmlNode[];
  memory?: SizeElement;
  currentMemory?: SizeElement;
  maxMemory?: MaxMemory;
  vcpu?: DomainVcpu;
  cputune?: DomainCputune;
  cpu?: DomainCpu;
  os?: DomainOs;
  features?: DomainFeatures;
  clock?: DomainClock;
  onPoweroff?: LifecycleAction;
  onReboot?: LifecycleAction;
  onCrash?: LifecycleAction;
  /** `<devices>` children in document order; unknown ones kept as `other`. */
  devices: Device[];
  extra?: XmlExtra;
}
