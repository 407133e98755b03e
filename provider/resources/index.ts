export { StoragePool, StoragePoolArgs } from "./pool/storagePool";
export { Volume, VolumeArgs } from "./volume/volume";
export { Network, NetworkArgs, NetworkIpArgs, DhcpHostArgs } from "./network/network";
export { ConnectionArgs, ConnectedArgs, SizeArg } from "./common/args";
