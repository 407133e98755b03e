export { StoragePool, StoragePoolArgs } from "./pool/storagePool";
export { Volume, VolumeArgs, VolumeSourceArgs } from "./volume/volume";
export { Network, NetworkArgs, NetworkIpArgs, DhcpHostArgs } from "./network/network";
export {
  VirtualMachine,
  VirtualMachineArgs,
  VirtualMachineDiskArgs,
  VirtualMachineNetworkInterfaceArgs,
  VirtualMachineWaitForIpArgs,
} from "./vm/virtualMachine";
export { CloudInitDisk, CloudInitDiskArgs } from "./cloudInit/cloudInitDisk";
export { ConnectionArgs, ConnectedArgs, SizeArg } from "./common/args";
