/**
 * VirtualMachine inputs that `check` must refuse, each with the property the
 * failure must name and the rule it must state. Shared by the unit test (the
 * handler called directly) and the integration test (through the engine).
 */

import { conn } from "../../support/badInputCases";

/** A connection to a host that does not exist: a check that reached it would fail loudly. */
export { conn };

/** Inputs that pass: every case below changes one thing. */
export const goodVm = {
  name: "web1",
  domainType: "qemu",
  memory: "96MiB",
  maxMemory: "128MiB",
  vcpus: 1,
  maxVcpus: 2,
  kernel: "/srv/guest/vmlinuz",
  initrd: "/srv/guest/initrd.img",
  cmdline: "console=ttyS0",
  disks: [{ path: "/var/lib/libvirt/images/web1.qcow2" }, { device: "cdrom", path: "/srv/iso/seed.iso" }],
  networkInterfaces: [{ network: "lab" }],
  waitForIp: { source: "lease", timeoutSeconds: 60 },
  connection: conn,
};

/** One refused input. */
export interface BadVmCase {
  title: string;
  inputs: Record<string, unknown>;
  property: string;
  rule: RegExp;
}

const disk = (d: Record<string, unknown>) => ({ ...goodVm, disks: [d] });
const nics = (...n: Record<string, unknown>[]) => ({ ...goodVm, networkInterfaces: n });

/** Each case: inputs that must fail `check`, and the property the failure must name. */
export const badVmCases: BadVmCase[] = [
  // Left unset, a name is generated (no bad input); an empty one is refused, never replaced by a generated one.
  { title: "empty name", inputs: { ...goodVm, name: "" }, property: "name", rule: /1-247 bytes/ },
  { title: "name with a slash", inputs: { ...goodVm, name: "a/b" }, property: "name", rule: /'\/'/ },
  { title: "unknown domain type", inputs: { ...goodVm, domainType: "xen" }, property: "domainType", rule: /"kvm", "qemu"/ },
  { title: "unknown architecture", inputs: { ...goodVm, arch: "sparc" }, property: "arch", rule: /"x86_64"/ },
  { title: "machine type with a space", inputs: { ...goodVm, machine: "pc q35" }, property: "machine", rule: /machine type/ },
  { title: "unknown CPU mode", inputs: { ...goodVm, cpuMode: "fast" }, property: "cpuMode", rule: /"host-passthrough"/ },
  { title: "unknown firmware", inputs: { ...goodVm, firmware: "coreboot" }, property: "firmware", rule: /"bios", "uefi"/ },
  { title: "no vCPUs", inputs: { ...goodVm, vcpus: 0 }, property: "vcpus", rule: /whole number from 1/ },
  { title: "maxVcpus below vcpus", inputs: { ...goodVm, vcpus: 4, maxVcpus: 2 }, property: "maxVcpus", rule: /not be below vcpus/ },
  { title: "cpu topology not an object", inputs: { ...goodVm, cpu: 2 }, property: "cpu", rule: /sockets: 1, cores: 2/ },
  {
    title: "cpu topology lacking threads",
    inputs: { ...goodVm, cpu: { sockets: 1, cores: 2 } },
    property: "cpu.threads",
    rule: /must be given/,
  },
  {
    title: "cpu topology with no cores",
    inputs: { ...goodVm, cpu: { sockets: 2, cores: 0, threads: 1 } },
    property: "cpu.cores",
    rule: /from 1/,
  },
  {
    title: "cpu topology with dies",
    inputs: { ...goodVm, cpu: { sockets: 2, cores: 1, threads: 1, dies: 1 } },
    property: "cpu.dies",
    rule: /known: sockets/,
  },
  {
    title: "cpu topology that does not hold maxVcpus",
    inputs: { ...goodVm, cpu: { sockets: 2, cores: 2, threads: 1 } },
    property: "cpu",
    rule: /sockets × cores × threads is 4; it must equal maxVcpus \(2\)/,
  },
  {
    title: "cpu topology that does not hold vcpus (no maxVcpus)",
    inputs: { ...goodVm, vcpus: 3, maxVcpus: undefined, cpu: { sockets: 1, cores: 2, threads: 1 } },
    property: "cpu",
    rule: /must equal maxVcpus \(3: vcpus, as maxVcpus is unset\)/,
  },
  {
    title: "vcpuPinning not an object",
    inputs: { ...goodVm, vcpuPinning: ["0"] },
    property: "vcpuPinning",
    rule: /vCPU number to host CPU list/,
  },
  {
    title: "vcpuPinning key not a vCPU number",
    inputs: { ...goodVm, vcpuPinning: { first: "0" } },
    property: "vcpuPinning[first]",
    rule: /not a vCPU number/,
  },
  {
    title: "vcpuPinning list not a string",
    inputs: { ...goodVm, vcpuPinning: { 0: 1 } },
    property: "vcpuPinning[0]",
    rule: /host CPU list/,
  },
  {
    title: "vcpuPinning list with a word",
    inputs: { ...goodVm, vcpuPinning: { 0: "0,all" } },
    property: "vcpuPinning[0]",
    rule: /"all" is not a CPU number/,
  },
  {
    title: "vcpuPinning range backwards",
    inputs: { ...goodVm, vcpuPinning: { 0: "3-1" } },
    property: "vcpuPinning[0]",
    rule: /runs backwards/,
  },
  {
    title: "vcpuPinning excluding a range",
    inputs: { ...goodVm, vcpuPinning: { 0: "0-3,^1-2" } },
    property: "vcpuPinning[0]",
    rule: /exclusion takes one CPU/,
  },
  {
    title: "vcpuPinning selecting no CPU",
    inputs: { ...goodVm, vcpuPinning: { 0: "1,^1" } },
    property: "vcpuPinning[0]",
    rule: /selects no CPU/,
  },
  {
    title: "vcpuPinning CPU beyond libvirt's bitmap",
    inputs: { ...goodVm, vcpuPinning: { 0: "16384" } },
    property: "vcpuPinning[0]",
    rule: /below 16384/,
  },
  {
    title: "vcpuPinning of a vCPU the VM does not have",
    inputs: { ...goodVm, vcpuPinning: { 0: "0", 2: "1" } },
    property: "vcpuPinning[2]",
    rule: /pins vCPU 2, but vCPUs are numbered below maxVcpus \(2\)/,
  },
  { title: "memory without a unit it knows", inputs: { ...goodVm, memory: "lots" }, property: "memory", rule: /"10GiB"/ },
  { title: "memory not in whole KiB", inputs: { ...goodVm, memory: 100_000_000 }, property: "memory", rule: /whole number of KiB/ },
  { title: "memory under 1 MiB", inputs: { ...goodVm, memory: "512KiB", maxMemory: undefined }, property: "memory", rule: /at least 1MiB/ },
  { title: "memory negative (no throw)", inputs: { ...goodVm, memory: -1 }, property: "memory", rule: /greater than zero/ },
  { title: "maxMemory negative (no throw)", inputs: { ...goodVm, maxMemory: -1 }, property: "maxMemory", rule: /greater than zero/ },
  {
    title: "memory beyond any size libvirt accepts",
    inputs: { ...goodVm, memory: "99999999EiB", maxMemory: undefined },
    property: "memory",
    rule: /at most 9223372036854775807 bytes/,
  },
  {
    title: "maxMemory beyond what libvirt's memory calls take",
    inputs: { ...goodVm, maxMemory: "9007199254740991KiB" },
    property: "maxMemory",
    rule: /at most 9007199254740990 KiB/,
  },
  {
    title: "description with a control character XML cannot hold",
    inputs: { ...goodVm, description: "a\u0001b" },
    property: "description",
    rule: /no control characters/,
  },
  {
    title: "description over 1 MiB",
    inputs: { ...goodVm, description: "x".repeat(1024 * 1024 + 1) },
    property: "description",
    rule: /at most 1048576 bytes/,
  },
  {
    title: "name with a lone surrogate XML cannot hold",
    inputs: { ...goodVm, name: "web\uD800" },
    property: "name",
    rule: /'\/', control characters/,
  },
  { title: "name longer than its NVRAM file allows", inputs: { ...goodVm, name: "v".repeat(248) }, property: "name", rule: /1-247 bytes/ },
  {
    title: "interface on a network name no network can have",
    inputs: { ...goodVm, networkInterfaces: [{ network: "n".repeat(246) }] },
    property: "networkInterfaces[0].network",
    rule: /1-245 bytes/,
  },
  {
    title: "maxMemory below memory",
    inputs: { ...goodVm, memory: "256MiB", maxMemory: "128MiB" },
    property: "maxMemory",
    rule: /not be below memory/,
  },
  { title: "disk without an image", inputs: disk({ bus: "virtio" }), property: "disks[0]", rule: /needs path .* or volumeKey/ },
  { title: "disk with path and volumeKey", inputs: disk({ path: "/a.img", volumeKey: "/a.img" }), property: "disks[0]", rule: /not both/ },
  { title: "disk with a relative path", inputs: disk({ path: "images/a.img" }), property: "disks[0].path", rule: /absolute path/ },
  {
    title: "disk on an unknown bus",
    inputs: disk({ path: "/a.img", bus: "usb" }),
    property: "disks[0].bus",
    rule: /"virtio", "sata", "scsi", "ide"/,
  },
  {
    title: "cdrom on virtio",
    inputs: disk({ device: "cdrom", bus: "virtio" }),
    property: "disks[0].bus",
    rule: /cannot be "virtio" for a cdrom/,
  },
  { title: "disk format unknown", inputs: disk({ path: "/a.img", format: "vmdk" }), property: "disks[0].format", rule: /"raw", "qcow2"/ },
  {
    title: "target that does not fit the bus",
    inputs: disk({ path: "/a.img", target: "sda" }),
    property: "disks[0].target",
    rule: /vd… for virtio/,
  },
  {
    title: "two disks with one target",
    inputs: {
      ...goodVm,
      disks: [
        { path: "/a.img", target: "vdb" },
        { path: "/b.img", target: "vdb" },
      ],
    },
    property: "disks[1].target",
    rule: /used by another disk/,
  },
  {
    title: "disk field misspelt",
    inputs: disk({ path: "/a.img", readOnly: true }),
    property: "disks[0].readOnly",
    rule: /not a field here/,
  },
  // Disk tuning (specDiskTuning.ts).
  {
    title: "disk cache unknown",
    inputs: disk({ path: "/a.img", cache: "fast" }),
    property: "disks[0].cache",
    rule: /"none", "writethrough"/,
  },
  {
    title: "disk io unknown",
    inputs: disk({ path: "/a.img", io: "aio" }),
    property: "disks[0].io",
    rule: /"native", "threads", "io_uring"/,
  },
  {
    title: "disk discard unknown",
    inputs: disk({ path: "/a.img", discard: "on" }),
    property: "disks[0].discard",
    rule: /"unmap", "ignore"/,
  },
  {
    title: "native io without a direct cache mode",
    inputs: disk({ path: "/a.img", io: "native", cache: "writeback" }),
    property: "disks[0].io",
    rule: /needs cache "none" or "directsync"/,
  },
  {
    title: "native io with the default cache",
    inputs: disk({ path: "/a.img", io: "native" }),
    property: "disks[0].io",
    rule: /O_DIRECT/,
  },
  {
    title: "iops total mixed with read",
    inputs: disk({ path: "/a.img", iops: { total: 100, read: 50 } }),
    property: "disks[0].iops",
    rule: /total, or read and write, not both/,
  },
  {
    title: "bytesPerSecond total mixed with write",
    inputs: disk({ path: "/a.img", bytesPerSecond: { total: 1e6, write: 1e5 } }),
    property: "disks[0].bytesPerSecond",
    rule: /cannot mix a total limit/,
  },
  { title: "iops as a bare number", inputs: disk({ path: "/a.img", iops: 100 }), property: "disks[0].iops", rule: /\{ total: 500 \}/ },
  {
    title: "iops without a limit",
    inputs: disk({ path: "/a.img", iops: {} }),
    property: "disks[0].iops",
    rule: /needs total, read or write/,
  },
  {
    title: "iops of 0",
    inputs: disk({ path: "/a.img", iops: { read: 0 } }),
    property: "disks[0].iops.read",
    rule: /from 1 to 1000000000000000/,
  },
  {
    title: "bytesPerSecond above QEMU's bound",
    inputs: disk({ path: "/a.img", bytesPerSecond: { total: 2e15 } }),
    property: "disks[0].bytesPerSecond.total",
    rule: /from 1 to 1000000000000000/,
  },
  {
    title: "iops not whole",
    inputs: disk({ path: "/a.img", iops: { write: 1.5 } }),
    property: "disks[0].iops.write",
    rule: /whole number/,
  },
  {
    title: "iops key misspelt",
    inputs: disk({ path: "/a.img", iops: { reads: 5 } }),
    property: "disks[0].iops.reads",
    rule: /not a field here/,
  },
  {
    title: "a limit on an empty cdrom drive",
    inputs: disk({ device: "cdrom", iops: { total: 10 } }),
    property: "disks[0].iops",
    rule: /empty cdrom/,
  },
  {
    title: "interface without a source",
    inputs: nics({ model: "virtio" }),
    property: "networkInterfaces[0]",
    rule: /exactly one of network/,
  },
  {
    title: "interface on a network and a bridge",
    inputs: nics({ network: "lab", bridge: "br0" }),
    property: "networkInterfaces[0]",
    rule: /got network and bridge/,
  },
  {
    title: "interface with a bad MAC",
    inputs: nics({ network: "lab", mac: "52:54:00:zz:00:01" }),
    property: "networkInterfaces[0].mac",
    rule: /unicast MAC/,
  },
  {
    title: "interface with a multicast MAC",
    inputs: nics({ network: "lab", mac: "01:00:5e:00:00:01" }),
    property: "networkInterfaces[0].mac",
    rule: /unicast MAC/,
  },
  {
    title: "two interfaces with one MAC",
    inputs: nics({ network: "lab", mac: "52:54:00:00:00:01" }, { network: "lab", mac: "52:54:00:00:00:01" }),
    property: "networkInterfaces[1].mac",
    rule: /used by networkInterfaces\[0\]/,
  },
  {
    title: "direct interface without a device",
    inputs: nics({ direct: { mode: "bridge" } }),
    property: "networkInterfaces[0].direct.dev",
    rule: /host interface name/,
  },
  {
    title: "bridge name over 15 characters",
    inputs: nics({ bridge: "a-very-long-bridge-name" }),
    property: "networkInterfaces[0].bridge",
    rule: /1-15/,
  },
  {
    title: "boot order used twice",
    inputs: { ...goodVm, disks: [{ path: "/a.img", bootOrder: 1 }], networkInterfaces: [{ network: "lab", bootOrder: 1 }] },
    property: "networkInterfaces[0].bootOrder",
    rule: /already used by disks\[0\]/,
  },
  {
    title: "initrd without a kernel",
    inputs: { ...goodVm, kernel: undefined, cmdline: undefined },
    property: "initrd",
    rule: /needs kernel/,
  },
  {
    title: "cmdline without a kernel",
    inputs: { ...goodVm, kernel: undefined, initrd: undefined },
    property: "cmdline",
    rule: /needs kernel/,
  },
  { title: "kernel as a relative path", inputs: { ...goodVm, kernel: "vmlinuz" }, property: "kernel", rule: /absolute path/ },
  {
    title: "lease wait without a libvirt network",
    inputs: { ...goodVm, networkInterfaces: [{ bridge: "br0" }] },
    property: "waitForIp.source",
    rule: /needs a network interface on a libvirt network/,
  },
  {
    title: "wait timeout of zero",
    inputs: { ...goodVm, waitForIp: { timeoutSeconds: 0 } },
    property: "waitForIp.timeoutSeconds",
    rule: /1 to 3600/,
  },
  {
    title: "waiting for an address of a stopped VM",
    inputs: { ...goodVm, running: false },
    property: "waitForIp",
    rule: /running is false/,
  },
  { title: "running not a boolean", inputs: { ...goodVm, running: "yes" }, property: "running", rule: /true or false/ },
  { title: "unknown update policy", inputs: { ...goodVm, updatePolicy: "never" }, property: "updatePolicy", rule: /"restart", "manual"/ },
  { title: "unknown host change", inputs: { ...goodVm, onHostChange: "move" }, property: "onHostChange", rule: /"migrate", "replace"/ },
  {
    title: "migration timeout of zero",
    inputs: { ...goodVm, migrationTimeoutSeconds: 0 },
    property: "migrationTimeoutSeconds",
    rule: /1 to 86400/,
  },
  {
    title: "migration address with a space and a semicolon",
    inputs: { ...goodVm, migrationAddress: "b.example; rm -rf /" },
    property: "migrationAddress",
    rule: /host name or an IP address/,
  },
  {
    title: "empty migration address",
    inputs: { ...goodVm, migrationAddress: "" },
    property: "migrationAddress",
    rule: /host name or an IP address/,
  },
  { title: "migration port of zero", inputs: { ...goodVm, migrationPort: 0 }, property: "migrationPort", rule: /1 to 65535/ },
  { title: "migration port past 65535", inputs: { ...goodVm, migrationPort: 65536 }, property: "migrationPort", rule: /1 to 65535/ },
  { title: "migration port not whole", inputs: { ...goodVm, migrationPort: 49152.5 }, property: "migrationPort", rule: /1 to 65535/ },
  { title: "migration port as text", inputs: { ...goodVm, migrationPort: "49152" }, property: "migrationPort", rule: /1 to 65535/ },
  { title: "negative disks port", inputs: { ...goodVm, migrationDisksPort: -1 }, property: "migrationDisksPort", rule: /1 to 65535/ },
  {
    title: "negative shutdown timeout",
    inputs: { ...goodVm, shutdownTimeoutSeconds: -1 },
    property: "shutdownTimeoutSeconds",
    rule: /0 to 3600/,
  },
  {
    title: "unknown display type",
    inputs: { ...goodVm, graphics: { type: "rdp" } },
    property: "graphics.type",
    rule: /"none", "vnc", "spice"/,
  },
  {
    title: "display listening on a host name",
    inputs: { ...goodVm, graphics: { type: "vnc", listen: "hv1.example" } },
    property: "graphics.listen",
    rule: /IP address/,
  },
  {
    title: "display port below VNC's range",
    inputs: { ...goodVm, graphics: { type: "spice", port: 80 } },
    property: "graphics.port",
    rule: /5900 to 65535/,
  },
  {
    title: "VNC password over 8 characters",
    inputs: { ...goodVm, graphics: { type: "vnc", password: "123456789" } },
    property: "graphics.password",
    rule: /at most 8 characters for VNC/,
  },
  {
    title: "no display with a password",
    inputs: { ...goodVm, graphics: { type: "none", password: "x" } },
    property: "graphics.password",
    rule: /cannot be set with type "none"/,
  },
  {
    title: "console file without a path",
    inputs: { ...goodVm, serialConsole: { type: "file" } },
    property: "serialConsole.path",
    rule: /required with type "file"/,
  },
  {
    title: "console log file that is relative",
    inputs: { ...goodVm, serialConsole: { logFile: "console.log" } },
    property: "serialConsole.logFile",
    rule: /absolute path/,
  },
  {
    title: "waiting for the agent without its channel",
    inputs: { ...goodVm, guestAgent: false, waitForIp: { source: "agent" } },
    property: "waitForIp.source",
    rule: /guestAgent must not be false/,
  },
  {
    title: "shared folder without a tag",
    inputs: { ...goodVm, filesystems: [{ source: "/srv/data" }] },
    property: "filesystems[0].tag",
    rule: /mount tag/,
  },
  {
    title: "read-only virtiofs folder",
    inputs: { ...goodVm, filesystems: [{ source: "/srv/data", tag: "data", readonly: true }] },
    property: "filesystems[0].readonly",
    rule: /not supported by virtiofs/,
  },
  {
    title: "two shared folders with one tag",
    inputs: {
      ...goodVm,
      filesystems: [
        { source: "/srv/a", tag: "data" },
        { source: "/srv/b", tag: "data", driver: "9p" },
      ],
    },
    property: "filesystems[1].tag",
    rule: /used by filesystems\[0\]/,
  },
  {
    title: "9p access mode on virtiofs",
    inputs: { ...goodVm, filesystems: [{ source: "/srv/a", tag: "a", accessmode: "mapped" }] },
    property: "filesystems[0].accessmode",
    rule: /only used with driver "9p"/,
  },
  {
    title: "seed hash that is not SHA-256",
    inputs: { ...goodVm, cloudInit: { volumeKey: "/p/seed.iso", sha256: "abc" } },
    property: "cloudInit.sha256",
    rule: /64 hexadecimal digits/,
  },
  {
    title: "seed without a volume",
    inputs: { ...goodVm, cloudInit: { bus: "sata" } },
    property: "cloudInit",
    rule: /exactly one of volumeKey/,
  },
  {
    title: "overrides that are not XML",
    inputs: { ...goodVm, xmlOverrides: "<domain>" },
    property: "xmlOverrides",
    rule: /well-formed XML/,
  },
  {
    title: "overrides that rename the domain",
    inputs: { ...goodVm, xmlOverrides: "<domain><name>other</name></domain>" },
    property: "xmlOverrides",
    rule: /cannot set <name>/,
  },
  {
    title: "overrides with a root attribute",
    inputs: { ...goodVm, xmlOverrides: "<domain type='xen'/>" },
    property: "xmlOverrides",
    rule: /domainType input/,
  },
  { title: "TPM not an object", inputs: { ...goodVm, tpm: true }, property: "tpm", rule: /must be an object/ },
  { title: "unknown TPM model", inputs: { ...goodVm, tpm: { model: "tpm-crb" } }, property: "tpm.model", rule: /"tis", "crb"/ },
  { title: "TPM 1.2", inputs: { ...goodVm, tpm: { version: "1.2" } }, property: "tpm.version", rule: /"2.0"/ },
  {
    title: "TPM persistentState not a boolean",
    inputs: { ...goodVm, tpm: { persistentState: "yes" } },
    property: "tpm.persistentState",
    rule: /true or false/,
  },
  { title: "unknown TPM key", inputs: { ...goodVm, tpm: { backend: "passthrough" } }, property: "tpm.backend", rule: /known: model/ },
  {
    title: "CRB TPM on an ARM guest",
    inputs: { ...goodVm, arch: "aarch64", tpm: { model: "crb" } },
    property: "tpm.model",
    rule: /x86 guest/,
  },
  { title: "TPM on s390x", inputs: { ...goodVm, arch: "s390x", tpm: {} }, property: "tpm", rule: /not offered for arch "s390x"/ },
  { title: "input misspelt", inputs: { ...goodVm, memroy: "1GiB" }, property: "memroy", rule: /not a VirtualMachine input/ },
  {
    title: "connection port out of range",
    inputs: { ...goodVm, connection: { ...conn, port: 70000 } },
    property: "connection",
    rule: /port must be an integer from 1 to 65535/,
  },
];
