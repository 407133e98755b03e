import type { ConnectionSpec } from "../common/connection";
import type { SpecBase } from "../common/kindDefinition";
import { checkAbsolutePath, checkBoolean, checkEnum, checkInteger, checkName, isObject, Problem, Problems } from "../common/problems";
import { checkSize } from "../common/sizeInput";
import { DiskSpec, NicSpec, parseDisks, parseNics } from "./specDevices";
import { DomainOverrides, parseDomainOverrides } from "../../xml";
import { parsePeripherals, PeripheralsSpec } from "./specPeripherals";

export { DiskSpec, NicSpec } from "./specDevices";

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
/** Where guest addresses are read from. */
export const IP_SOURCES = ["lease", "agent"] as const;

/** Waiting for the guest's first address after a start. */
export interface WaitForIpSpec {
  source: (typeof IP_SOURCES)[number];
  timeoutSeconds: number;
}

/** Validated VirtualMachine inputs. */
export interface VmSpec extends SpecBase, PeripheralsSpec {
  name: string;
  domainType: (typeof DOMAIN_TYPES)[number];
  arch: (typeof ARCHES)[number];
  machine?: string;
  cpuMode?: (typeof CPU_MODES)[number];
  firmware: (typeof FIRMWARES)[number];
  vcpus: number;
  maxVcpus: number;
  /** Balloon target (libvirt's `<currentMemory>`). */
  memoryBytes: bigint;
  /** Boot-time memory, the balloon's ceiling (libvirt's `<memory>`). */
  maxMemoryBytes: bigint;
  disks: DiskSpec[];
  nics: NicSpec[];
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  running: boolean;
  autostart: boolean;
  waitForIp?: WaitForIpSpec;
  updatePolicy: (typeof UPDATE_POLICIES)[number];
  shutdownTimeoutSeconds: number;
  description?: string;
  /** Merged into the generated definition (see `xml/domain/overrides.ts`). */
  xmlOverrides?: DomainOverrides;
}

/** Input properties a VirtualMachine takes (besides `connection`). */
export const VM_INPUTS = [
  "name",
  "domainType",
  "arch",
  "machine",
  "cpuMode",
  "firmware",
  "vcpus",
  "maxVcpus",
  "memory",
  "maxMemory",
  "disks",
  "networkInterfaces",
  "kernel",
  "initrd",
  "cmdline",
  "running",
  "autostart",
  "waitForIp",
  "updatePolicy",
  "shutdownTimeoutSeconds",
  "description",
  "graphics",
  "serialConsole",
  "guestAgent",
  "filesystems",
  "cloudInit",
  "xmlOverrides",
] as const;
/** Output properties, which come back among the stored inputs a diff is given. */
export const VM_OUTPUTS = ["uuid", "state", "ipAddresses", "macAddresses", "pendingRestart"] as const;

const MACHINE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const KIB = 1024n;
const MIB = 1024n * 1024n;

/** Memory sizes: whole KiB (libvirt's unit; anything finer would be rounded and never settle), at least 1 MiB. */
function checkMemory(problems: Problems, property: string, value: unknown, required: boolean): bigint | undefined {
  const bytes = checkSize(problems, property, value, required);
  if (bytes === undefined) return undefined;
  if (bytes % KIB !== 0n) {
    problems.add(property, "must be a whole number of KiB (libvirt counts memory in KiB)");
    return undefined;
  }
  if (bytes < MIB) {
    problems.add(property, "must be at least 1MiB");
    return undefined;
  }
  return bytes;
}

function parseWaitForIp(problems: Problems, value: unknown): WaitForIpSpec | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) {
    problems.add("waitForIp", 'must be an object such as { source: "lease", timeoutSeconds: 120 }');
    return undefined;
  }
  const source = value.source ?? "lease";
  const timeout = value.timeoutSeconds ?? 300;
  const okSource = checkEnum(problems, "waitForIp.source", source, IP_SOURCES);
  const okTimeout = checkInteger(problems, "waitForIp.timeoutSeconds", timeout, 1, 3600);
  for (const key of Object.keys(value))
    if (key !== "source" && key !== "timeoutSeconds")
      problems.add(`waitForIp.${key}`, "is not a waitForIp field (known: source, timeoutSeconds)");
  return okSource && okTimeout ? { source: source as WaitForIpSpec["source"], timeoutSeconds: timeout as number } : undefined;
}

function checkText(problems: Problems, property: string, value: unknown, rule: RegExp, reason: string): void {
  if (value !== undefined && (typeof value !== "string" || !rule.test(value))) problems.add(property, reason);
}

/** Validates VirtualMachine inputs, returning the spec or every problem. */
export function parseVmSpec(inputs: Record<string, unknown>, connection: ConnectionSpec): { spec?: VmSpec; problems: Problem[] } {
  const problems = new Problems();
  const known = new Set<string>([...VM_INPUTS, ...VM_OUTPUTS]);
  for (const key of Object.keys(inputs)) {
    if (!known.has(key) && !key.startsWith("__") && inputs[key] !== undefined) {
      problems.add(key, `is not a VirtualMachine input (known: ${VM_INPUTS.join(", ")}, connection)`);
    }
  }
  const nameOk = checkName(problems, "name", inputs.name);
  const domainType = inputs.domainType ?? "kvm";
  checkEnum(problems, "domainType", domainType, DOMAIN_TYPES);
  const arch = inputs.arch ?? "x86_64";
  checkEnum(problems, "arch", arch, ARCHES);
  checkText(problems, "machine", inputs.machine, MACHINE, 'must be a machine type such as "pc" or "q35" (letters, digits, ".", "_", "-")');
  if (inputs.cpuMode !== undefined) checkEnum(problems, "cpuMode", inputs.cpuMode, CPU_MODES);
  const firmware = inputs.firmware ?? "bios";
  checkEnum(problems, "firmware", firmware, FIRMWARES);

  const vcpus = inputs.vcpus ?? 1;
  const vcpusOk = checkInteger(problems, "vcpus", vcpus, 1, 1024);
  const maxVcpus = inputs.maxVcpus ?? vcpus;
  if (
    inputs.maxVcpus !== undefined &&
    checkInteger(problems, "maxVcpus", maxVcpus, 1, 1024) &&
    vcpusOk &&
    (maxVcpus as number) < (vcpus as number)
  ) {
    problems.add("maxVcpus", `must not be below vcpus (${vcpus as number})`);
  }
  const memory = checkMemory(problems, "memory", inputs.memory ?? "512MiB", true);
  const maxMemory = inputs.maxMemory === undefined ? memory : checkMemory(problems, "maxMemory", inputs.maxMemory, true);
  if (memory !== undefined && maxMemory !== undefined && maxMemory < memory)
    problems.add("maxMemory", `must not be below memory (${memory} bytes)`);

  if (inputs.kernel !== undefined) checkAbsolutePath(problems, "kernel", inputs.kernel);
  if (inputs.initrd !== undefined) {
    checkAbsolutePath(problems, "initrd", inputs.initrd);
    if (inputs.kernel === undefined) problems.add("initrd", "needs kernel: an initrd is only used with direct kernel boot");
  }
  if (inputs.cmdline !== undefined) {
    if (typeof inputs.cmdline !== "string" || /[\x00-\x1f\x7f]/.test(inputs.cmdline))
      problems.add("cmdline", "must be a string without control characters");
    else if (inputs.kernel === undefined) problems.add("cmdline", "needs kernel: a command line is only used with direct kernel boot");
  }
  checkBoolean(problems, "running", inputs.running);
  checkBoolean(problems, "autostart", inputs.autostart);
  const updatePolicy = inputs.updatePolicy ?? "restart";
  checkEnum(problems, "updatePolicy", updatePolicy, UPDATE_POLICIES);
  const shutdownTimeout = inputs.shutdownTimeoutSeconds ?? 60;
  checkInteger(problems, "shutdownTimeoutSeconds", shutdownTimeout, 0, 3600);
  if (inputs.description !== undefined && typeof inputs.description !== "string") problems.add("description", "must be a string");

  const vmName = nameOk ? (inputs.name as string) : "";
  const peripherals = parsePeripherals(problems, inputs);
  const disks = parseDisks(problems, inputs.disks, peripherals.cloudInit);
  const before = problems.all.length;
  const nics = parseNics(problems, inputs.networkInterfaces, vmName);
  // Rules across properties only judge interfaces that all parsed (some may be unknown during a preview).
  const nicsComplete = problems.all.slice(before).every((p) => !p.property.startsWith("networkInterfaces"));
  const boots = new Map<number, string>();
  const claimBoot = (order: number | undefined, property: string) => {
    if (order === undefined) return;
    const other = boots.get(order);
    if (other) problems.add(`${property}.bootOrder`, `${order} is already used by ${other}: boot orders must be unique`);
    else boots.set(order, property);
  };
  disks.forEach((d, i) => claimBoot(d.bootOrder, `disks[${i}]`));
  nics.forEach((n, i) => claimBoot(n.bootOrder, `networkInterfaces[${i}]`));

  const waitForIp = parseWaitForIp(problems, inputs.waitForIp);
  if (waitForIp && inputs.running === false) problems.add("waitForIp", "cannot be set when running is false: a stopped VM has no address");
  if (waitForIp?.source === "agent" && !peripherals.guestAgent)
    problems.add("waitForIp.source", '"agent" needs the guest agent channel: guestAgent must not be false');
  let xmlOverrides: DomainOverrides | undefined;
  if (inputs.xmlOverrides !== undefined) {
    if (typeof inputs.xmlOverrides !== "string") problems.add("xmlOverrides", "must be a string holding a partial <domain> document");
    else {
      const parsed = parseDomainOverrides(inputs.xmlOverrides);
      for (const reason of parsed.problems) problems.add("xmlOverrides", reason);
      xmlOverrides = parsed.overrides;
    }
  }
  if (waitForIp?.source === "lease" && nicsComplete && !nics.some((n) => n.source.type === "network")) {
    problems.add(
      "waitForIp.source",
      '"lease" needs a network interface on a libvirt network (leases come from its DHCP server); use "agent" otherwise',
    );
  }

  if (problems.all.length > 0 || memory === undefined || maxMemory === undefined) return { problems: [...problems.all] };
  return {
    problems: [],
    spec: {
      connection,
      name: inputs.name as string,
      domainType: domainType as VmSpec["domainType"],
      arch: arch as VmSpec["arch"],
      machine: inputs.machine as string | undefined,
      cpuMode: inputs.cpuMode as VmSpec["cpuMode"],
      firmware: firmware as VmSpec["firmware"],
      vcpus: vcpus as number,
      maxVcpus: maxVcpus as number,
      memoryBytes: memory,
      maxMemoryBytes: maxMemory,
      disks,
      nics,
      kernel: inputs.kernel as string | undefined,
      initrd: inputs.initrd as string | undefined,
      cmdline: inputs.cmdline as string | undefined,
      running: (inputs.running as boolean | undefined) ?? true,
      autostart: (inputs.autostart as boolean | undefined) ?? false,
      waitForIp,
      updatePolicy: updatePolicy as VmSpec["updatePolicy"],
      shutdownTimeoutSeconds: shutdownTimeout as number,
      description: inputs.description as string | undefined,
      ...peripherals,
      xmlOverrides,
    },
  };
}
