export {
  StoragePool,
  StoragePoolArgs,
  DirPoolArgs,
  FsPoolArgs,
  NetfsPoolArgs,
  LogicalPoolArgs,
  DiskPoolArgs,
  IscsiDirectPoolArgs,
} from "./pool/resource";
export type { StoragePoolChapArgs } from "./pool/iscsiFields";
export { Volume, VolumeArgs, VolumeSourceArgs } from "./volume/resource";
export { Network, NetworkArgs, NetworkIpArgs, DhcpHostArgs, DnsHostArgs } from "./network/resource";
export {
  VirtualMachine,
  VirtualMachineArgs,
  VirtualMachineDiskArgs,
  VirtualMachineDiskIoLimitArgs,
  VirtualMachineNetworkInterfaceArgs,
  VirtualMachineWaitForIpArgs,
  VirtualMachineGraphicsArgs,
  VirtualMachineSerialConsoleArgs,
  VirtualMachineFilesystemArgs,
  VirtualMachineCloudInitArgs,
  VirtualMachineCpuArgs,
  VirtualMachineVcpuPinningArgs,
  VirtualMachineTpmArgs,
} from "./vm/resource";
export { CloudInitDisk, CloudInitDiskArgs } from "./cloudInit/resource";
export { ConnectionArgs, ConnectedArgs, SizeArg } from "./common/args";
export type { GetOptions } from "./common/resource";
export type { HostIdentity } from "./common/hostIdentity";
