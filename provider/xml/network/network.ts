/** `parseNetworkXml` / `buildNetworkXml`. */
import { XmlError, XmlNode, buildXml, element, parseXml, withExtra } from "../node";
import { ElementReader, compact, putExtra, yesNo } from "../reader";
import { DhcpHost, DnsHost, ForwardMode, Network, NetworkDns, NetworkIp } from "./types";

const MODES: readonly ForwardMode[] = ["nat", "route", "open", "bridge", "private", "vepa", "passthrough", "hostdev"];

function parseIp(n: XmlNode): NetworkIp {
  const r = new ElementReader(n);
  const ip: NetworkIp = compact({
    family: r.enumAttr("family", ["ipv4", "ipv6"] as const),
    address: r.attr("address"),
    netmask: r.attr("netmask"),
    prefix: r.intAttr("prefix"),
  });
  const dhcp = r.sub("dhcp");
  if (dhcp) {
    const ranges = dhcp
      .childrenWhere("range", (c) => c.attrs.start !== undefined && c.attrs.end !== undefined)
      .map((c) => {
        const rr = new ElementReader(c);
        return putExtra({ start: rr.requiredAttr("start"), end: rr.requiredAttr("end") }, rr);
      });
    const hosts = dhcp.children("host").map((c) => {
      const hr = new ElementReader(c);
      const h: DhcpHost = compact({ mac: hr.attr("mac"), id: hr.attr("id"), name: hr.attr("name"), ip: hr.attr("ip") });
      return putExtra(h, hr);
    });
    ip.dhcp = putExtra(compact({ ranges: ranges.length ? ranges : undefined, hosts: hosts.length ? hosts : undefined }), dhcp);
  }
  return putExtra(ip, r);
}

function parseDns(r: ElementReader): NetworkDns {
  const dns: NetworkDns = compact({ enable: r.yesNoAttr("enable") });
  const hosts = r
    .childrenWhere("host", (c) => c.attrs.ip !== undefined)
    .map((c): DnsHost => {
      const hr = new ElementReader(c);
      const ip = hr.requiredAttr("ip");
      const hostnames = hr
        .childrenWhere("hostname", (h) => h.children.length === 0 && Object.keys(h.attrs).length === 0)
        .map((h) => h.text ?? "");
      return putExtra({ ip, hostnames }, hr);
    });
  if (hosts.length > 0) dns.hosts = hosts;
  return putExtra(dns, r);
}

/** Reads a network from its parsed root element. */
export function parseNetworkNode(root: XmlNode): Network {
  if (root.name !== "network") throw new XmlError(`expected <network>, got <${root.name}>`);
  const r = new ElementReader(root);
  const name = r.childText("name");
  if (name === undefined) throw new XmlError("<network> lacks <name>");
  const fwd = r.sub("forward");
  // libvirt's default mode for a <forward> without one is nat.
  const net: Network = { name, forward: { mode: "isolated" } };
  if (fwd) {
    const mode = fwd.node.attrs.mode === undefined ? "nat" : fwd.enumAttr("mode", MODES);
    if (mode === undefined) throw new XmlError(`unknown forward mode ${JSON.stringify(fwd.node.attrs.mode)}`);
    net.forward = putExtra(compact({ mode, dev: fwd.attr("dev") }), fwd);
  }
  const uuid = r.childText("uuid");
  if (uuid !== undefined) net.uuid = uuid;
  const br = r.sub("bridge");
  if (br)
    net.bridge = putExtra(
      compact({ name: br.attr("name"), stp: onOffBool(br.enumAttr("stp", ["on", "off"] as const)), delay: br.intAttr("delay") }),
      br,
    );
  const [mtu] = r.childrenWhere("mtu", (c) => Object.keys(c.attrs).join() === "size" && c.children.length === 0);
  if (mtu) net.mtu = Number(mtu.attrs.size);
  const [mac] = r.childrenWhere("mac", (c) => Object.keys(c.attrs).join() === "address" && c.children.length === 0);
  if (mac) net.mac = mac.attrs.address;
  const dom = r.sub("domain");
  if (dom) {
    const localOnly = dom.yesNoAttr("localOnly");
    net.domain = putExtra(compact({ name: dom.attr("name") ?? "", localOnly }), dom);
  }
  const dns = r.sub("dns");
  if (dns) net.dns = parseDns(dns);
  const ips = r.children("ip").map(parseIp);
  if (ips.length > 0) net.ips = ips;
  return putExtra(net, r);
}

function onOffBool(v: "on" | "off" | undefined): boolean | undefined {
  return v === undefined ? undefined : v === "on";
}

/**
 * Parses `virsh net-dumpxml` output into a {@link Network}.
 * @throws XmlError when the text is not a network document.
 */
export function parseNetworkXml(xml: string): Network {
  return parseNetworkNode(parseXml(xml));
}

function ipNode(ip: NetworkIp): XmlNode {
  const d = ip.dhcp;
  const dhcp = d
    ? withExtra(
        element("dhcp", {}, [
          ...(d.ranges ?? []).map((x) => withExtra(element("range", { start: x.start, end: x.end }), x.extra)),
          ...(d.hosts ?? []).map((h) => withExtra(element("host", { mac: h.mac, id: h.id, name: h.name, ip: h.ip }), h.extra)),
        ]),
        d.extra,
      )
    : undefined;
  return withExtra(element("ip", { family: ip.family, address: ip.address, netmask: ip.netmask, prefix: ip.prefix }, [dhcp]), ip.extra);
}

/** Builds a network's root element. */
export function buildNetworkNode(n: Network): XmlNode {
  const f = n.forward;
  const b = n.bridge;
  const dns = n.dns
    ? withExtra(
        element(
          "dns",
          { enable: yesNo(n.dns.enable) },
          (n.dns.hosts ?? []).map((h) =>
            withExtra(
              element(
                "host",
                { ip: h.ip },
                h.hostnames.map((t) => element("hostname", {}, [], t)),
              ),
              h.extra,
            ),
          ),
        ),
        n.dns.extra,
      )
    : undefined;
  const root = element("network", {}, [
    element("name", {}, [], n.name),
    n.uuid !== undefined ? element("uuid", {}, [], n.uuid) : undefined,
    f.mode !== "isolated" ? withExtra(element("forward", { mode: f.mode, dev: f.dev }), f.extra) : undefined,
    b
      ? withExtra(element("bridge", { name: b.name, stp: b.stp === undefined ? undefined : b.stp ? "on" : "off", delay: b.delay }), b.extra)
      : undefined,
    n.mtu !== undefined ? element("mtu", { size: n.mtu }) : undefined,
    n.mac !== undefined ? element("mac", { address: n.mac }) : undefined,
    n.domain ? withExtra(element("domain", { name: n.domain.name, localOnly: yesNo(n.domain.localOnly) }), n.domain.extra) : undefined,
    dns,
    ...(n.ips ?? []).map(ipNode),
  ]);
  return withExtra(root, n.extra);
}

/**
 * What libvirt could not store and give back intact, as a list of problems
 * (empty when none). libvirt (9.x) writes `<domain name='…'>` without
 * escaping, so a `'`, `<` or `&` there makes every later `net-dumpxml`
 * malformed, and a line break comes back as a space.
 */
export function networkProblems(n: Network): string[] {
  const problems: string[] = [];
  const name = n.domain?.name;
  if (name !== undefined && /['<&\r\n\t]/.test(name)) {
    problems.push(`domain.name ${JSON.stringify(name)}: libvirt writes it unescaped; ', <, & and line breaks cannot be stored`);
  }
  return problems;
}

/**
 * Builds network XML for `virsh net-define`.
 * @throws XmlError on names or characters XML cannot carry, or on any of
 * {@link networkProblems}.
 */
export function buildNetworkXml(n: Network): string {
  const problems = networkProblems(n);
  if (problems.length > 0) throw new XmlError(`network cannot be defined as given: ${problems.join("; ")}`);
  return buildXml(buildNetworkNode(n));
}
