/**
 * A VM from a cloud image, the way platform teams provision them: the image
 * uploaded once as a base volume (checked against its SHA-256), a
 * copy-on-write root disk on top of it, a cloud-init seed with the VM's
 * hostname and an SSH key, and the VM booting from the root disk. Changing
 * the user-data rewrites the seed and restarts the VM so cloud-init reads it.
 *
 *   cd examples/cloud-image
 *   pulumi stack init dev
 *   pulumi config set cloud-image:image https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2
 *   pulumi config set cloud-image:imageSha256 <the image's SHA-256>
 *   pulumi config set cloud-image:sshKey "$(cat ~/.ssh/id_ed25519.pub)"
 *   pulumi config set kvm:host hv1.example.com   # and kvm:user, kvm:privateKeyPath
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { CloudInitDisk, Network, VirtualMachine, Volume } from "pulumi-kvm";

const config = new pulumi.Config("cloud-image");
const image = config.require("image");
const imageSha256 = config.get("imageSha256");
const name = config.get("name") ?? "web1";
const pool = config.get("pool") ?? "default";
const sshKey = config.get("sshKey");
// The third octet of the VM network's 192.168.x.0/24.
const subnet = config.getNumber("subnet") ?? 120;
const memory = config.get("memory") ?? "1GiB";
const domainType = config.get("domainType") === "qemu" ? "qemu" : "kvm";
// qcow2 for most cloud images; "raw" for raw ones.
const imageFormat = config.get("imageFormat") === "raw" ? "raw" : "qcow2";

const source = /^https?:\/\//.test(image) ? { url: image, sha256: imageSha256 } : { localPath: image, sha256: imageSha256 };
const base = new Volume("base", { pool, name: `${name}-base.${imageFormat}`, format: imageFormat, source });

// The VM writes here; the base stays as uploaded and can back many VMs.
const root = new Volume("root", {
  pool,
  name: `${name}-root.qcow2`,
  capacity: config.get("rootSize") ?? "10GiB",
  source: { backingVolume: base.key },
});

const network = new Network("net", {
  name: `${name}-net`,
  mode: "nat",
  ipv4: { address: `192.168.${subnet}.1/24`, dhcp: { ranges: [{ start: `192.168.${subnet}.100`, end: `192.168.${subnet}.199` }] } },
});

const seed = new CloudInitDisk("seed", {
  pool,
  name: `${name}-seed.iso`,
  metaData: `instance-id: ${name}\nlocal-hostname: ${name}\n`,
  userData: ["#cloud-config", `hostname: ${name}`, ...(sshKey ? ["ssh_authorized_keys:", `  - ${sshKey}`] : []), ""].join("\n"),
});

const vm = new VirtualMachine("vm", {
  name,
  domainType,
  memory,
  vcpus: config.getNumber("vcpus") ?? 1,
  disks: [{ volumeKey: root.key, bootOrder: 1 }],
  networkInterfaces: [{ network: network.name }],
  // virtio-scsi: every cloud kernel has its driver.
  cloudInit: { disk: seed, bus: "scsi" },
  graphics: { type: "vnc" },
  serialConsole: { logFile: config.get("consoleLog") },
  waitForIp: { source: "lease", timeoutSeconds: 300 },
});

export const imageSha = base.sha256;
export const rootDisk = root.path;
export const ip = vm.ipAddresses.apply((addresses) => addresses[0]);
