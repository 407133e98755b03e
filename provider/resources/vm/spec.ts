/**
 * The VirtualMachine spec: the values of its field table (`fields.ts`), with
 * the rules across fields applied and the values several fields make
 * together derived.
 */
import type { ValuesOf } from "../common/fields";
import type { SpecBase } from "../common/kindDefinition";
import type { Problems } from "../common/problems";
import type { vmFields } from "./fields";
import { checkCpuAgainstVcpus } from "./specCpu";
import { checkBootOrders, DiskSpec, NicSpec, withMacs, withSeed } from "./specDevices";
import { checkTpmFits } from "./tpm";

export type { DiskSpec, NicSpec } from "./specDevices";

/** The values of a VM's inputs, each checked on its own (see `fields.ts`). */
export type VmValues = ValuesOf<typeof vmFields>;

/** Validated VirtualMachine inputs. */
export interface VmSpec extends SpecBase, Omit<VmValues, "maxVcpus" | "maxMemoryBytes" | "disks" | "nics"> {
  /** vCPUs the VM boots with room for: `vcpus` unless given. */
  maxVcpus: number;
  /** Boot-time memory, the balloon's ceiling (libvirt's `<memory>`): `memory` unless given. */
  maxMemoryBytes: bigint;
  /** The disks, then the cloud-init seed's cdrom. */
  disks: DiskSpec[];
  /** The network interfaces, each with its MAC (generated where not given). */
  nics: NicSpec[];
}

/**
 * The spec from the fields' valid values: the rules across fields, each
 * problem recorded, and the values derived from several fields.
 */
export function vmSpecOf(values: VmValues, problems: Problems): Omit<VmSpec, "connection"> {
  const { name, vcpus, memoryBytes, kernel, running, guestAgent, waitForIp } = values;
  const maxVcpus = values.maxVcpus ?? vcpus;
  if (maxVcpus < vcpus) problems.add("maxVcpus", `must not be below vcpus (${vcpus})`);
  checkCpuAgainstVcpus(problems, values, maxVcpus, values.maxVcpus !== undefined);
  const maxMemoryBytes = values.maxMemoryBytes ?? memoryBytes;
  if (maxMemoryBytes < memoryBytes) problems.add("maxMemory", `must not be below memory (${memoryBytes} bytes)`);
  if (kernel === undefined && values.initrd !== undefined)
    problems.add("initrd", "needs kernel: an initrd is only used with direct kernel boot");
  if (kernel === undefined && values.cmdline !== undefined)
    problems.add("cmdline", "needs kernel: a command line is only used with direct kernel boot");

  const disks = withSeed(values.disks, values.cloudInit);
  const nics = withMacs(problems, "networkInterfaces", values.nics, name);
  checkBootOrders(problems, disks, nics);
  checkTpmFits(problems, values);

  if (waitForIp && !running) problems.add("waitForIp", "cannot be set when running is false: a stopped VM has no address");
  if (waitForIp?.source === "agent" && !guestAgent)
    problems.add("waitForIp.source", '"agent" needs the guest agent channel: guestAgent must not be false');
  if (waitForIp?.source === "lease" && !nics.some((n) => n.source.type === "network")) {
    problems.add(
      "waitForIp.source",
      '"lease" needs a network interface on a libvirt network (leases come from its DHCP server); use "agent" otherwise',
    );
  }
  return { ...values, maxVcpus, maxMemoryBytes, disks, nics };
}
