/**
 * The fleet W(N) the benchmarks register: a pool, a network, N volumes and N defined (not
 * started) domains, each domain booting a kernel directly from one volume and one NIC.
 */
import { Network, StoragePool, VirtualMachine, Volume } from "../provider";

/** The libvirt names of a fleet's objects. */
export interface FleetNames {
  /** The storage pool's name. */
  pool: string;
  /** The network's name. */
  net: string;
  /** The i-th volume's name. */
  volume: (i: number) => string;
  /** The i-th domain's name. */
  domain: (i: number) => string;
}

/** Where the domains boot from: a test host's domain type and guest image folder. */
export interface FleetTarget {
  /** `qemu` or `kvm`. */
  domainType: string;
  /** Folder, as the host sees it, holding `vmlinuz` and `initrd.img`. */
  guestDir: string;
}

/** The names of the fleet's objects, each starting with `prefix`. */
export function fleetNames(prefix: string): FleetNames {
  return {
    pool: `${prefix}-pool`,
    net: `${prefix}-net`,
    volume: (i) => `${prefix}-v${String(i).padStart(3, "0")}.qcow2`,
    domain: (i) => `${prefix}-d${String(i).padStart(3, "0")}`,
  };
}

/**
 * The fleet's program: each volume's key is its domain's disk, the pool's name each volume's
 * pool, the network's name each domain's NIC. `description` is the property an update run
 * changes on every domain.
 */
export function fleetProgram(name: FleetNames, target: FleetTarget, n: number, description: string): () => void {
  return () => {
    const pool = new StoragePool("pool", { name: name.pool, path: `/var/lib/libvirt/images/${name.pool}` });
    const net = new Network("net", { name: name.net, mode: "isolated", bridge: "pkfleet0" });
    for (let i = 0; i < n; i++) {
      const disk = new Volume(`v${i}`, { pool: pool.name, name: name.volume(i), capacity: "16MiB" });
      new VirtualMachine(`d${i}`, {
        name: name.domain(i),
        domainType: target.domainType as "qemu" | "kvm",
        kernel: `${target.guestDir}/vmlinuz`,
        initrd: `${target.guestDir}/initrd.img`,
        cmdline: "console=ttyS0",
        memory: "64MiB",
        disks: [{ volumeKey: disk.key }],
        networkInterfaces: [{ network: net.name }],
        running: false,
        description,
      });
    }
  };
}
