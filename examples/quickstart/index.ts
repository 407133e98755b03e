/**
 * The quickstart: a NAT network, a storage pool and a volume on one libvirt
 * host. With no `kvm:host` in the stack's configuration the host is this
 * machine (its local libvirt socket); `pulumi config set kvm:host hv1` and
 * `kvm:user`, `kvm:privateKeyPath`, `kvm:knownHostsPath` point it elsewhere.
 */
import * as pulumi from "@pulumi/pulumi";
import { Network, StoragePool, Volume } from "pulumi-kvm";

const config = new pulumi.Config("quickstart");
const prefix = config.get("prefix") ?? "quickstart";

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

export const bridge = network.bridge;
export const diskPath = disk.path;
