import type * as pulumi from "@pulumi/pulumi";
import type { ConnectedArgs } from "../common/args";
import type { ArgsOf, OutputsOf } from "../common/fields";
import { isKvmKind, KvmResource, getArguments, GetOptions } from "../common/resource";
import { CloudInitDisk } from "../cloudInit/resource";
import { VirtualMachineCloudInitArgs, vmFields } from "./fields";

export type {
  VirtualMachineCloudInitArgs,
  VirtualMachineDiskArgs,
  VirtualMachineDiskIoLimitArgs,
  VirtualMachineFilesystemArgs,
  VirtualMachineGraphicsArgs,
  VirtualMachineNetworkInterfaceArgs,
  VirtualMachineSerialConsoleArgs,
  VirtualMachineWaitForIpArgs,
} from "./fields";
export type { VirtualMachineCpuArgs, VirtualMachineVcpuPinningArgs } from "./specCpu";
export type { VirtualMachineTpmArgs } from "./tpm";

/** Inputs of a {@link VirtualMachine}. */
export interface VirtualMachineArgs extends ArgsOf<typeof vmFields>, ConnectedArgs {}

// The outputs Pulumi sets on the instance, typed from the field table.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface VirtualMachine extends OutputsOf<typeof vmFields> {}

/** A libvirt virtual machine (domain), kept converged over the VM's lifetime, live where libvirt allows. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class VirtualMachine extends KvmResource {
  /**
   * Whether `obj` is a VirtualMachine of this package, made by this copy of it or another one in the
   * same program. (The `isInstance` Pulumi's classes inherit is true of any custom resource.)
   */
  static override isInstance(obj: unknown): obj is VirtualMachine {
    return isKvmKind(obj, "VirtualMachine");
  }

  /**
   * @param name the Pulumi resource name
   * @param args the VM's inputs
   * @param opts resource options
   */
  constructor(name: string, args: VirtualMachineArgs, opts?: pulumi.CustomResourceOptions) {
    super("VirtualMachine", vmFields, name, { ...args, cloudInit: seedInput(args.cloudInit) }, opts);
  }

  /**
   * Reads an existing VM without managing it: the stack never changes or deletes it, and
   * `destroy` only forgets it. It is read from its host at every `up`, `preview` and `refresh`,
   * and reports what a VM this stack made reports (`state`, `ipAddresses` from DHCP leases, `macAddresses`, …).
   * @param name the Pulumi resource name
   * @param id the domain's UUID, or its name (unique on the host); `uuid` reports the UUID either way
   * @param opts the host it lives on (`connection`) and resource options
   */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: GetOptions): VirtualMachine {
    return new VirtualMachine(name, ...getArguments<VirtualMachineArgs>(id, opts));
  }
}

/** The seed as the provider takes it: a {@link CloudInitDisk} becomes its key and its hash (to notice content changes). */
function seedInput(seed: CloudInitDisk | VirtualMachineCloudInitArgs | undefined): pulumi.Input<Record<string, unknown>> | undefined {
  if (seed === undefined) return undefined;
  if (CloudInitDisk.isInstance(seed)) return { volumeKey: seed.key, sha256: seed.sha256 };
  const { disk, ...rest } = seed;
  return disk ? { volumeKey: disk.key, sha256: disk.sha256, ...rest } : rest;
}
