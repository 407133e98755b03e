/**
 * The named desired definitions the settle test defines on each real host.
 * Each is written as a typed object (no XML by hand), spans part of the
 * model, and must read back from libvirt with zero differences.
 */
import type { Device, Domain, Network, Pool, Volume } from "../../../provider/xml";
import { GUEST_AGENT_CHANNEL, parseXml } from "../../../provider/xml";
import { RUN_TOKEN, XmlTestHost } from "./hosts";

/** One named case; `running` ones are also started and compared live. */
export type XmlCase =
  | { name: string; kind: "domain"; desired: Domain; running?: boolean }
  | { name: string; kind: "network"; desired: Network; running?: boolean }
  | { name: string; kind: "pool"; desired: Pool; running?: boolean }
  | { name: string; kind: "volume"; desired: Volume };

/** Names, bridges and subnets of one host's objects, kept apart from the other host's. */
export interface HostNames {
  prefix: string;
  /** Dir pool the volume cases are created in (started by the test). */
  volumePool: string;
  volumePoolPath: string;
  /** Started NAT network the running guest plugs into. */
  guestNet: string;
  guestBridge: string;
  guestSubnet: number;
  /** Bridge name for the n-th network case. */
  bridge(n: number | string): string;
  /** Third octet of 192.168.x.0/24 for the n-th network case (160–169 over both hosts). */
  subnet(n: number): number;
}

/** The object names for a host. */
export function hostNames(h: XmlTestHost): HostNames {
  const l = h.label.toLowerCase();
  const prefix = `pkvm-xml-${l}-${RUN_TOKEN}-`;
  return {
    prefix,
    volumePool: `${prefix}vols`,
    volumePoolPath: `/var/lib/libvirt/images/${prefix}vols`,
    guestNet: `${prefix}guestnet`,
    guestBridge: `pkvmx${l}${RUN_TOKEN}g`,
    guestSubnet: 160 + h.index * 5 + 4,
    // Linux bridge names have at most 15 characters: pkvmx + host + run + n.
    bridge: (n) => `pkvmx${l}${RUN_TOKEN}${n}`.slice(0, 15),
    subnet: (n) => 160 + h.index * 5 + n,
  };
}

const x = (xml: string) => parseXml(xml);
const other = (xml: string): Device => ({ kind: "other", node: x(xml) });

/** The guest's direct-kernel-boot domain, 96 MiB. */
export function guestDomain(h: XmlTestHost, name: string, network: string): Domain {
  return {
    type: h.domainType,
    name,
    memory: { value: 96, unit: "MiB" },
    vcpu: { count: 1 },
    os: {
      type: "hvm",
      arch: "x86_64",
      kernel: `${h.guestDir}/vmlinuz`,
      initrd: `${h.guestDir}/initrd.img`,
      cmdline: "console=ttyS0 quiet",
    },
    onPoweroff: "destroy",
    devices: [
      { kind: "interface", source: { type: "network", network }, model: "virtio" },
      { kind: "serial", type: "pty" },
      { kind: "console", type: "pty", target: { type: "serial" } },
      { kind: "channel", type: "unix", target: { type: "virtio", name: GUEST_AGENT_CHANNEL } },
      { kind: "graphics", type: "vnc", autoport: true, listen: "127.0.0.1" },
      { kind: "rng", model: "virtio", backend: { model: "random", path: "/dev/urandom" } },
      other("<watchdog model='i6300esb' action='poweroff'/>"),
    ],
  };
}

/** Every case for one host, in the order they run. */
export function casesFor(h: XmlTestHost): XmlCase[] {
  const n = hostNames(h);
  const p = n.prefix;
  const base = (name: string, devices: Device[] = []): Domain => ({
    type: h.domainType,
    name: p + name,
    memory: { value: 96, unit: "MiB" },
    os: { type: "hvm", arch: "x86_64" },
    devices,
  });
  const domains: XmlCase[] = [
    { name: "domain: minimal", kind: "domain", desired: base("minimal") },
    {
      name: "domain: uuid, title, description, metadata",
      kind: "domain",
      desired: {
        ...base("text"),
        uuid: "5b0c8e1e-2f4d-4c8a-9a71-3f0e0c4d5e6f",
        title: "A titled guest",
        description: "Described\nover two lines",
        metadata: [x("<pk:owner xmlns:pk='https://example.org/pulumi-kvm'><team>infra</team></pk:owner>")],
      },
    },
    {
      name: "domain: memory, currentMemory, maxMemory with units",
      kind: "domain",
      desired: {
        ...base("memory"),
        memory: { value: 1, unit: "GiB" },
        currentMemory: { value: 524288, unit: "KiB" },
        maxMemory: { value: 4, unit: "G", slots: 4 },
        cpu: { extra: { attrs: {}, children: [x("<numa><cell id='0' cpus='0' memory='1048576' unit='KiB'/></numa>")] } },
      },
    },
    {
      name: "domain: vcpu current/max and cpu model with topology",
      kind: "domain",
      desired: {
        ...base("vcpu"),
        vcpu: { count: 4, current: 2 },
        cpu: { mode: "custom", match: "exact", model: "qemu64", topology: { sockets: 1, cores: 2, threads: 2 } },
      },
    },
    { name: "domain: cpu mode maximum", kind: "domain", desired: { ...base("cpumax"), cpu: { mode: "maximum" } } },
    {
      name: "domain: BIOS, machine alias, boot order and boot menu",
      kind: "domain",
      desired: {
        ...base("bios"),
        os: { type: "hvm", arch: "x86_64", machine: "pc", boot: ["cdrom", "hd", "network"], bootMenu: { enable: true, timeout: 2500 } },
      },
    },
    {
      name: "domain: UEFI loader and nvram",
      kind: "domain",
      desired: {
        ...base("uefi"),
        features: { acpi: true },
        os: {
          type: "hvm",
          arch: "x86_64",
          machine: "q35",
          loader: { path: "/usr/share/OVMF/OVMF_CODE_4M.fd", readonly: true, type: "pflash", secure: false },
          nvram: { path: `/var/lib/libvirt/qemu/nvram/${p}uefi_VARS.fd`, template: "/usr/share/OVMF/OVMF_VARS_4M.fd" },
        },
      },
    },
    {
      name: "domain: firmware efi autoselection",
      kind: "domain",
      desired: {
        ...base("efi"),
        features: { acpi: true },
        os: { type: "hvm", arch: "x86_64", machine: "q35", firmware: "efi" },
      },
    },
    {
      name: "domain: direct kernel boot with cmdline",
      kind: "domain",
      desired: {
        ...base("kernel"),
        os: {
          type: "hvm",
          arch: "x86_64",
          kernel: `${h.guestDir}/vmlinuz`,
          initrd: `${h.guestDir}/initrd.img`,
          cmdline: 'console=ttyS0 panic=1 pkvm="a b"',
        },
      },
    },
    {
      name: "domain: features, clock and lifecycle actions",
      kind: "domain",
      desired: {
        ...base("features"),
        features: { acpi: true, apic: true, pae: true, vmport: false },
        clock: {
          offset: "localtime",
          timers: [
            { name: "rtc", tickpolicy: "catchup" },
            { name: "pit", tickpolicy: "delay" },
            { name: "hpet", present: false },
          ],
        },
        onPoweroff: "destroy",
        onReboot: "restart",
        onCrash: "preserve",
      },
    },
    {
      name: "domain: file, block and volume disks and a cdrom",
      kind: "domain",
      desired: base("disks", [
        {
          kind: "disk",
          device: "disk",
          source: { type: "file", file: `/var/lib/libvirt/images/${p}disks.qcow2` },
          driver: { name: "qemu", type: "qcow2", cache: "none", discard: "unmap" },
          target: { dev: "vda", bus: "virtio" },
          serial: "PKVM-0001",
          bootOrder: 1,
        },
        {
          kind: "disk",
          source: { type: "block", dev: "/dev/pkvm-missing" },
          driver: { name: "qemu", type: "raw" },
          target: { dev: "vdb", bus: "virtio" },
          shareable: true,
        },
        { kind: "disk", source: { type: "volume", pool: n.volumePool, volume: "data.raw" }, target: { dev: "vdc" } },
        { kind: "disk", device: "cdrom", source: { type: "file" }, target: { dev: "sda", bus: "sata" }, readonly: true },
      ]),
    },
    {
      name: "domain: network, bridge and direct interfaces",
      kind: "domain",
      desired: base("nics", [
        { kind: "interface", source: { type: "network", network: n.guestNet }, mac: "52:54:00:9a:00:01", model: "virtio", bootOrder: 1 },
        { kind: "interface", source: { type: "bridge", bridge: "pkvm-nobr0" }, model: "e1000" },
        { kind: "interface", source: { type: "direct", dev: "lo", mode: "bridge" }, model: "rtl8139" },
      ]),
    },
    {
      name: "domain: vnc and spice graphics with listen",
      kind: "domain",
      desired: base("graphics", [
        { kind: "graphics", type: "vnc", autoport: true, listen: "127.0.0.1" },
        { kind: "graphics", type: "spice", autoport: true, listens: [{ type: "address", address: "127.0.0.1" }] },
      ]),
    },
    {
      name: "domain: serial, console and guest-agent channel",
      kind: "domain",
      desired: base("chardev", [
        { kind: "serial", type: "pty", target: { port: 0 } },
        { kind: "console", type: "pty", target: { type: "serial", port: 0 } },
        { kind: "channel", type: "unix", target: { type: "virtio", name: GUEST_AGENT_CHANNEL } },
      ]),
    },
    {
      name: "domain: virtiofs and 9p filesystems",
      kind: "domain",
      desired: {
        ...base("fs", [
          {
            kind: "filesystem",
            type: "mount",
            accessmode: "passthrough",
            driver: { type: "virtiofs" },
            source: { dir: "/srv" },
            target: { dir: "srv" },
          },
          { kind: "filesystem", type: "mount", accessmode: "mapped", source: { dir: "/tmp" }, target: { dir: "tmp9p" }, readonly: true },
        ]),
        extra: { attrs: {}, children: [x("<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>")] },
      },
    },
    {
      name: "domain: rng and tpm",
      kind: "domain",
      desired: base("rngtpm", [
        { kind: "rng", model: "virtio", backend: { model: "random", path: "/dev/urandom" } },
        // The emulator backend needs swtpm on the host; passthrough is checked only at start.
        {
          kind: "tpm",
          model: "tpm-tis",
          backend: { type: "passthrough", extra: { attrs: {}, children: [x("<device path='/dev/tpm0'/>")] } },
        },
      ]),
    },
    {
      name: "domain: unmodelled devices (watchdog, panic, sound)",
      kind: "domain",
      desired: base("unmodelled", [
        other("<watchdog model='i6300esb' action='reset'/>"),
        other("<panic model='isa'/>"),
        other("<sound model='ich9'/>"),
      ]),
    },
    {
      name: "domain: running guest (direct kernel boot, 96 MiB)",
      kind: "domain",
      running: true,
      desired: guestDomain(h, `${p}guest`, n.guestNet),
    },
  ];
  const networks: XmlCase[] = [
    {
      name: "network: nat with DHCP range, static hosts, DNS hosts, domain, MTU, MAC",
      kind: "network",
      running: true,
      desired: {
        name: `${p}nat`,
        forward: { mode: "nat" },
        bridge: { name: n.bridge(0), stp: true, delay: 0 },
        mtu: 1400,
        mac: "52:54:00:9b:00:01",
        domain: { name: "nat.pkvm.test", localOnly: true },
        dns: { hosts: [{ ip: `192.168.${n.subnet(0)}.10`, hostnames: ["alpha", "alpha.nat.pkvm.test"] }] },
        ips: [
          {
            address: `192.168.${n.subnet(0)}.1`,
            netmask: "255.255.255.0",
            dhcp: {
              ranges: [{ start: `192.168.${n.subnet(0)}.100`, end: `192.168.${n.subnet(0)}.199` }],
              hosts: [{ mac: "52:54:00:9b:00:10", name: "alpha", ip: `192.168.${n.subnet(0)}.10` }],
            },
          },
        ],
      },
    },
    {
      name: "network: route with prefix",
      kind: "network",
      desired: {
        name: `${p}route`,
        forward: { mode: "route" },
        bridge: { name: n.bridge(1) },
        ips: [{ address: `192.168.${n.subnet(1)}.1`, prefix: 24 }],
      },
    },
    {
      name: "network: open",
      kind: "network",
      desired: {
        name: `${p}open`,
        forward: { mode: "open" },
        bridge: { name: n.bridge(2) },
        ips: [{ family: "ipv4", address: `192.168.${n.subnet(2)}.1`, prefix: 24 }],
      },
    },
    {
      name: "network: isolated with IPv6 DHCP",
      kind: "network",
      desired: {
        name: `${p}isolated`,
        forward: { mode: "isolated" },
        bridge: { name: n.bridge(3) },
        ips: [
          {
            family: "ipv6",
            address: `fd00:9a:${n.subnet(3)}::1`,
            prefix: 64,
            dhcp: {
              ranges: [{ start: `fd00:9a:${n.subnet(3)}::100`, end: `fd00:9a:${n.subnet(3)}::1ff` }],
              hosts: [{ name: "beta", ip: `fd00:9a:${n.subnet(3)}::10` }],
            },
          },
        ],
      },
    },
    {
      name: "network: bridge to an existing host bridge",
      kind: "network",
      desired: {
        name: `${p}hostbridge`,
        forward: { mode: "bridge" },
        bridge: { name: "pkvm-nobr0" },
      },
    },
  ];
  const pools: XmlCase[] = [
    {
      name: "pool: dir with target permissions",
      kind: "pool",
      desired: {
        type: "dir",
        name: `${p}dir`,
        target: { path: `/var/lib/libvirt/images/${p}dir`, permissions: { mode: "0750", owner: 0, group: 0 } },
      },
    },
    {
      name: "pool: fs on a block device",
      kind: "pool",
      desired: {
        type: "fs",
        name: `${p}fs`,
        source: { devices: [{ path: "/dev/pkvm-missing" }], format: "ext4" },
        target: { path: `/mnt/${p}fs` },
      },
    },
    {
      name: "pool: logical volume group",
      kind: "pool",
      desired: {
        type: "logical",
        name: `${p}lvm`,
        source: { name: "pkvmvg", devices: [{ path: "/dev/pkvm-missing-pv" }], format: "lvm2" },
        target: { path: "/dev/pkvmvg" },
      },
    },
    {
      name: "pool: netfs from an NFS export",
      kind: "pool",
      desired: {
        type: "netfs",
        name: `${p}nfs`,
        source: { hosts: [{ name: "127.0.0.1" }], dir: "/export/pkvm", format: "nfs" },
        target: { path: `/mnt/${p}nfs` },
      },
    },
  ];
  const volumes: XmlCase[] = [
    {
      name: "volume: raw, capacity in MiB, no allocation",
      kind: "volume",
      desired: {
        name: "data.raw",
        capacity: { value: 64, unit: "MiB" },
        allocation: { value: 0, unit: "bytes" },
        target: { format: "raw" },
      },
    },
    {
      name: "volume: qcow2, capacity in decimal GB, permissions",
      kind: "volume",
      desired: {
        name: "disk.qcow2",
        capacity: { value: 1, unit: "GB" },
        target: { format: "qcow2", permissions: { mode: "0600", owner: 0, group: 0 } },
      },
    },
    {
      name: "volume: qcow2 over a backing store",
      kind: "volume",
      desired: {
        name: "overlay.qcow2",
        capacity: { value: 64, unit: "M" },
        target: { format: "qcow2" },
        backingStore: { path: `${n.volumePoolPath}/data.raw`, format: "raw" },
      },
    },
  ];
  return [...domains, ...networks, ...pools, ...volumes];
}
