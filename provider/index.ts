/**
 * pulumi-kvm: Pulumi resources for KVM virtual machines, networks, storage
 * pools and volumes on libvirt hosts reached over SSH.
 */
export * from "./resources";
