/**
 * The quickstart: a NAT network, a storage pool with a volume, and a virtual
 * machine that boots the tiny test guest (kernel + initramfs built by
 * `scripts/guest-image`), with the volume as its data disk. It exports the
 * VM's IP address once the guest took a DHCP lease.
 *
 * With no `kvm:host` in the stack's configuration the host is this machine
 * (its local libvirt socket); `pulumi config set kvm:host hv1` and
 * `kvm:user`, `kvm:privateKeyPath`, `kvm:knownHostsPath` point it elsewhere.
 */
import * as pulumi from "@pulumi/pulumi";
import { Network, StoragePool, VirtualMachine, Volume } from "pulumi-kvm";

const config = new pulumi.Config("quickstart");
const prefix = config.get("prefix") ?? "quickstart";
// Where scripts/guest-image put the guest, as the host sees it.
const guestDir = config.get("guestDir") ?? "/var/lib/pulumi-kvm-test/guest";
// Software emulation works everywhere; set "kvm" on a host with hardware virtualization.
const domainType = config.get("domainType") === "kvm" ? "kvm" : "qemu";

const network = new Network("net", {
  name: `${prefix}-net`,
  mode: "nat",
  bridge: `${prefix.slice(0, 10)}-br`,
  ipv4: {
    address: "192.168.190.1/24",
    dhcp: { ranges: [{ start: "192.168.190.100", end: "192.168.190.199" }] },
  },
});

const pool = new StoragePool("pool", {
  name: `${prefix}-pool`,
  path: `/var/lib/libvirt/images/${prefix}-pool`,
  forceDestroy: true,
});

const disk = new Volume("disk", {
  pool: pool.name,
  name: `${prefix}-disk.qcow2`,
  capacity: "1GiB",
});

const vm = new VirtualMachine("vm", {
  name: `${prefix}-vm`,
  domainType,
  memory: "128MiB",
  vcpus: 1,
  kernel: `${guestDir}/vmlinuz`,
  initrd: `${guestDir}/initrd.img`,
  cmdline: "console=ttyS0",
  disks: [{ volumeKey: disk.key }],
  networkInterfaces: [{ network: network.name }],
  waitForIp: { source: "lease", timeoutSeconds: 120 },
});

export const bridge = network.bridge;
export const diskPath = disk.path;
export const ip = vm.ipAddresses.apply((addresses) => addresses[0]);
