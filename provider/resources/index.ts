export { StoragePool, StoragePoolArgs } from "./pool/storagePool";
export { Volume, VolumeArgs } from "./volume/volume";
export { Network, NetworkArgs, NetworkIpArgs, DhcpHostArgs } from "./network/network";
export {
  VirtualMachine,
  VirtualMachineArgs,
  VirtualMachineDiskArgs,
  VirtualMachineNetworkInterfaceArgs,
  VirtualMachineWaitForIpArgs,
} from "./vm/virtualMachine";
export { ConnectionArgs, ConnectedArgs, SizeArg } from "./common/args";
