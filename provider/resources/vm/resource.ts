import type * as pulumi from "@pulumi/pulumi";
import type { ConnectedArgs } from "../common/args";
import type { ArgsOf, OutputsOf } from "../common/fields";
import { isKvmKind, KvmResource } from "../common/resource";
import { CloudInitDisk } from "../cloudInit/resource";
import { VirtualMachineCloudInitArgs, vmFields } from "./fields";

export type {
  VirtualMachineCloudInitArgs,
  VirtualMachineDiskArgs,
  VirtualMachineFilesystemArgs,
  VirtualMachineGraphicsArgs,
  VirtualMachineNetworkInterfaceArgs,
  VirtualMachineSerialConsoleArgs,
  VirtualMachineWaitForIpArgs,
} from "./fields";

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
}

/** The seed as the provider takes it: a {@link CloudInitDisk} becomes its key and its hash (to notice content changes). */
function seedInput(seed: CloudInitDisk | VirtualMachineCloudInitArgs | undefined): pulumi.Input<Record<string, unknown>> | undefined {
  if (seed === undefined) return undefined;
  if (CloudInitDisk.isInstance(seed)) return { volumeKey: seed.key, sha256: seed.sha256 };
  const { disk, ...rest } = seed;
  return disk ? { volumeKey: disk.key, sha256: disk.sha256, ...rest } : rest;
}
