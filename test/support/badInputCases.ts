import type { ResourceKind } from "../../provider/resources/common/kinds";

/** A connection to a host that does not exist: a test that reached it would fail loudly. */
export const conn = { host: "hv1.example", user: "ops", privateKeyPath: "/keys/id", knownHostsPath: "/keys/known_hosts" };
export const goodNet = { name: "lab", mode: "nat", connection: conn, ipv4: { address: "192.168.100.1/24", dhcp: { ranges: [{ start: "192.168.100.10", end: "192.168.100.99" }] } } };

/** Each case: inputs that must fail `check`, and the property the failure must name. */
export const badInputCases: Array<{ title: string; kind: ResourceKind; inputs: Record<string, unknown>; property: string; rule: RegExp }> = [
  { title: "network without a name", kind: "Network", inputs: { ...goodNet, name: undefined }, property: "name", rule: /required/ },
  { title: "network name with a slash", kind: "Network", inputs: { ...goodNet, name: "a/b" }, property: "name", rule: /'\/'/ },
  { title: "unknown network mode", kind: "Network", inputs: { ...goodNet, mode: "tunnel" }, property: "mode", rule: /one of/ },
  { title: "bridge name over 15 characters", kind: "Network", inputs: { ...goodNet, bridge: "a-very-long-bridge-name" }, property: "bridge", rule: /1-15/ },
  { title: "bridge mode without a bridge", kind: "Network", inputs: { name: "br", mode: "bridge", connection: conn }, property: "bridge", rule: /required/ },
  { title: "bridge mode with an address", kind: "Network", inputs: { ...goodNet, mode: "bridge", bridge: "br0" }, property: "ipv4", rule: /cannot be set/ },
  { title: "MTU too small", kind: "Network", inputs: { ...goodNet, mtu: 10 }, property: "mtu", rule: /68 to 65535/ },
  { title: "IPv4 address without prefix", kind: "Network", inputs: { ...goodNet, ipv4: { address: "192.168.100.1" } }, property: "ipv4.address", rule: /prefix/ },
  { title: "IPv4 prefix out of range", kind: "Network", inputs: { ...goodNet, ipv4: { address: "10.0.0.1/31" } }, property: "ipv4.address", rule: /prefix/ },
  { title: "IPv6 address given as IPv4", kind: "Network", inputs: { ...goodNet, ipv6: { address: "10.0.0.1/24" } }, property: "ipv6.address", rule: /IPv6/ },
  { title: "DHCP range outside the subnet", kind: "Network", inputs: { ...goodNet, ipv4: { address: "192.168.100.1/24", dhcp: { ranges: [{ start: "192.168.100.10", end: "192.168.101.5" }] } } }, property: "ipv4.dhcp.ranges[0].end", rule: /inside the network's subnet/ },
  { title: "DHCP range backwards", kind: "Network", inputs: { ...goodNet, ipv4: { address: "192.168.100.1/24", dhcp: { ranges: [{ start: "192.168.100.90", end: "192.168.100.10" }] } } }, property: "ipv4.dhcp.ranges[0]", rule: /start must not come after end/ },
  { title: "static host with a bad MAC", kind: "Network", inputs: { ...goodNet, ipv4: { address: "192.168.100.1/24", dhcp: { hosts: [{ mac: "52:54:00:zz:00:01", ip: "192.168.100.5" }] } } }, property: "ipv4.dhcp.hosts[0].mac", rule: /MAC/ },
  { title: "static host with a multicast MAC", kind: "Network", inputs: { ...goodNet, ipv4: { address: "192.168.100.1/24", dhcp: { hosts: [{ mac: "01:00:5e:00:00:01", ip: "192.168.100.5" }] } } }, property: "ipv4.dhcp.hosts[0].mac", rule: /unicast/ },
  { title: "static host outside the subnet", kind: "Network", inputs: { ...goodNet, ipv4: { address: "192.168.100.1/24", dhcp: { hosts: [{ mac: "52:54:00:00:00:01", ip: "10.1.1.1" }] } } }, property: "ipv4.dhcp.hosts[0].ip", rule: /inside the network's subnet/ },
  { title: "two static hosts with one MAC", kind: "Network", inputs: { ...goodNet, ipv4: { address: "192.168.100.1/24", dhcp: { hosts: [{ mac: "52:54:00:00:00:01", ip: "192.168.100.5" }, { mac: "52:54:00:00:00:01", ip: "192.168.100.6" }] } } }, property: "ipv4.dhcp.hosts[1].mac", rule: /twice/ },
  { title: "DNS host without names", kind: "Network", inputs: { ...goodNet, dnsHosts: [{ ip: "192.168.100.7", hostnames: [] }] }, property: "dnsHosts[0].hostnames", rule: /non-empty/ },
  { title: "autostart not a boolean", kind: "Network", inputs: { ...goodNet, autostart: "yes" }, property: "autostart", rule: /true or false/ },
  { title: "connection port out of range", kind: "Network", inputs: { ...goodNet, connection: { ...conn, port: 70000 } }, property: "connection", rule: /port must be an integer from 1 to 65535/ },
  { title: "connection field misspelt", kind: "Network", inputs: { ...goodNet, connection: { ...conn, hots: "x" } }, property: "connection.hots", rule: /not a connection field/ },
  { title: "connection URI with a transport", kind: "Network", inputs: { ...goodNet, connection: { ...conn, uri: "qemu+ssh://h/system" } }, property: "connection", rule: /uri/i },
  { title: "volume without capacity", kind: "Volume", inputs: { pool: "default", name: "v", connection: conn }, property: "capacity", rule: /required/ },
  { title: "volume capacity with an unknown unit", kind: "Volume", inputs: { pool: "default", name: "v", capacity: "10 parsecs", connection: conn }, property: "capacity", rule: /"10GiB"/ },
  { title: "volume capacity zero", kind: "Volume", inputs: { pool: "default", name: "v", capacity: 0, connection: conn }, property: "capacity", rule: /greater than zero/ },
  { title: "volume format unknown", kind: "Volume", inputs: { pool: "default", name: "v", capacity: "1GiB", format: "vmdk", connection: conn }, property: "format", rule: /"qcow2", "raw"/ },
  { title: "volume without a pool", kind: "Volume", inputs: { name: "v", capacity: "1GiB", connection: conn }, property: "pool", rule: /required/ },
  { title: "pool path relative", kind: "StoragePool", inputs: { name: "p", path: "images", connection: conn }, property: "path", rule: /absolute path/ },
  { title: "pool type unsupported", kind: "StoragePool", inputs: { name: "p", type: "rbd", path: "/srv/p", connection: conn }, property: "type", rule: /"dir"/ },
  { title: "pool forceDestroy not a boolean", kind: "StoragePool", inputs: { name: "p", path: "/srv/p", forceDestroy: 1, connection: conn }, property: "forceDestroy", rule: /true or false/ },
];

