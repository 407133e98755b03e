/**
 * A fleet kept in Git: the hypervisors, the base image and the VMs are all stack config
 * (Pulumi.<stack>.yaml), so adding a VM is one entry in `gitops:vms` and a pull request.
 * On each host: one NAT network and the base image, uploaded once; each VM gets a
 * copy-on-write root disk on its host's base. CI previews pull requests, applies main and
 * checks for drift on a schedule (.github/workflows/infra.yml, README.md).
 *
 * The SSH key is the secret `kvm:privateKey` (or one per host in the secret object
 * `gitops:privateKeys`); each host's key is pinned by the known_hosts file its entry names.
 */
import * as pulumi from "@pulumi/pulumi";
import { Network, VirtualMachine, Volume } from "pulumi-kvm";
import type { ConnectionArgs } from "pulumi-kvm";

/** A hypervisor, under its short name in `gitops:hosts`. */
interface HostConfig {
  /** The SSH server's address. */
  host: string;
  /** The SSH port (22 when left out). */
  port?: number;
  /** The SSH login (the user running Pulumi when left out). */
  user?: string;
  /** The known_hosts file that pins this host's key (relative to the project folder). */
  knownHostsPath: string;
  /** The third octet of this host's VM network, 192.168.<subnet>.0/24. */
  subnet: number;
  /** The network's bridge name; libvirt picks one (virbrN) when left out. */
  bridge?: string;
}

/** The base image every VM's root disk is a copy-on-write overlay of: a URL or a local file, and its SHA-256. */
interface ImageConfig {
  url?: string;
  path?: string;
  sha256: string;
  /** qcow2 (most cloud images) or raw. */
  format?: "qcow2" | "raw";
}

/** One VM of the fleet, an entry of `gitops:vms`. */
interface VmConfig {
  /** The VM's name on its host (unique across the fleet). */
  name: string;
  /** The short name of its host in `gitops:hosts`. */
  host: string;
  /** Memory, e.g. "1GiB" (the default). */
  memory?: string;
  /** Virtual CPUs (1 when left out). */
  vcpus?: number;
  /** The root disk's size, e.g. "10GiB" (the default); at least the image's size. */
  rootSize?: string;
  /** Whether the VM runs (true when left out). */
  running?: boolean;
}

const config = new pulumi.Config("gitops");
const hosts = config.requireObject<Record<string, HostConfig>>("hosts");
const image = config.requireObject<ImageConfig>("image");
const vms = config.requireObject<VmConfig[]>("vms");
const prefix = config.get("prefix") ?? "fleet";
const pool = config.get("pool") ?? "default";
// Hardware virtualization by default; "qemu" (software emulation) where a host has none.
const domainType = config.get("domainType") === "qemu" ? "qemu" : "kvm";
// How long `up` waits for each VM's DHCP lease; 0 does not wait (the addresses stay empty).
const waitForIpSeconds = config.getNumber("waitForIpSeconds") ?? 300;
const privateKeys = config.getSecretObject<Record<string, string>>("privateKeys");
// The fleet's SSH key (and its passphrase), read here so that each host's connection carries it.
const kvm = new pulumi.Config("kvm");
const sharedKey = kvm.getSecret("privateKey");
const passphrase = kvm.getSecret("passphrase");

if (!image.url === !image.path) throw new Error("gitops:image needs exactly one of url and path");
const format = image.format ?? "qcow2";
const names = new Set<string>();
for (const [i, vm] of vms.entries()) {
  if (!(vm.host in hosts)) throw new Error(`gitops:vms[${i}].host: "${vm.host}" is not in gitops:hosts (${Object.keys(hosts).join(", ")})`);
  if (names.has(vm.name)) throw new Error(`gitops:vms[${i}].name: "${vm.name}" is used twice`);
  names.add(vm.name);
}

/** What each host holds for its VMs: how to reach it, its network and its base image. */
const site = new Map<string, { connection: pulumi.Output<ConnectionArgs>; network: Network; base: Volume }>();
for (const [hostName, h] of Object.entries(hosts)) {
  // This host's own key when gitops:privateKeys has one, else kvm:privateKey (neither: ssh-agent).
  const connection = pulumi.all([privateKeys, sharedKey, passphrase]).apply(([keys, shared, pass]): ConnectionArgs => ({
    host: h.host,
    port: h.port,
    user: h.user,
    knownHostsPath: h.knownHostsPath,
    privateKey: keys?.[hostName] ?? shared,
    passphrase: pass,
  }));
  const network = new Network(`${hostName}-net`, {
    name: `${prefix}-net`,
    mode: "nat",
    bridge: h.bridge,
    ipv4: { address: `192.168.${h.subnet}.1/24`, dhcp: { ranges: [{ start: `192.168.${h.subnet}.100`, end: `192.168.${h.subnet}.199` }] } },
    connection,
  });
  const base = new Volume(`${hostName}-base`, {
    pool,
    name: `${prefix}-base.${format === "raw" ? "img" : "qcow2"}`,
    format,
    source: image.url ? { url: image.url, sha256: image.sha256 } : { localPath: image.path ?? "", sha256: image.sha256 },
    connection,
  });
  site.set(hostName, { connection, network, base });
}

const machines = vms.map((vm) => {
  const at = site.get(vm.host);
  if (!at) throw new Error(`gitops:vms: no host "${vm.host}"`);
  const root = new Volume(`${vm.name}-root`, {
    pool,
    name: `${vm.name}-root.qcow2`,
    capacity: vm.rootSize ?? "10GiB",
    source: { backingVolume: at.base.key },
    connection: at.connection,
  });
  const machine = new VirtualMachine(vm.name, {
    name: vm.name,
    domainType,
    memory: vm.memory ?? "1GiB",
    vcpus: vm.vcpus ?? 1,
    running: vm.running ?? true,
    disks: [{ volumeKey: root.key, bootOrder: 1 }],
    networkInterfaces: [{ network: at.network.name }],
    waitForIp: waitForIpSeconds > 0 ? { source: "lease", timeoutSeconds: waitForIpSeconds } : undefined,
    connection: at.connection,
  });
  return { name: vm.name, machine };
});

/** Each VM's first address (empty until it has one) and state, by name. */
export const fleet = pulumi.all(
  Object.fromEntries(
    machines.map(({ name, machine }) => [
      name,
      pulumi.all([machine.ipAddresses, machine.state]).apply(([ips, state]) => ({ ip: ips[0] ?? "", state })),
    ]),
  ),
);
