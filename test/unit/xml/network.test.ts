import { strict as assert } from "assert";
import { buildNetworkXml, parseNetworkXml } from "../../../provider/xml";

const NAT = `<network connections='1'>
  <name>n1</name>
  <uuid>11111111-2222-3333-4444-555555555555</uuid>
  <forward mode='nat' dev='eth0'><nat><port start='1024' end='65535'/></nat></forward>
  <bridge name='virbr7' stp='on' delay='0'/>
  <mtu size='9000'/>
  <mac address='52:54:00:aa:bb:cc'/>
  <domain name='lab.test' localOnly='yes'/>
  <dns enable='yes'><forwarder addr='1.1.1.1'/><host ip='10.0.0.5'><hostname>a</hostname><hostname>a.lab.test</hostname></host></dns>
  <ip address='10.0.0.1' netmask='255.255.255.0'>
    <dhcp><range start='10.0.0.100' end='10.0.0.200'><lease expiry='1' unit='hours'/></range><host mac='52:54:00:00:00:05' name='a' ip='10.0.0.5'/></dhcp>
  </ip>
  <ip family='ipv6' address='fd00::1' prefix='64'><dhcp><range start='fd00::100' end='fd00::1ff'/><host id='0:1:2' name='b' ip='fd00::5'/></dhcp></ip>
</network>`;

describe("xml/network", () => {
  const n = parseNetworkXml(NAT);

  it("reads forward, bridge, mtu, mac, domain", () => {
    assert.equal(n.forward.mode, "nat");
    assert.equal(n.forward.dev, "eth0");
    assert.equal(n.forward.extra?.children[0].name, "nat");
    assert.deepEqual(n.bridge, { name: "virbr7", stp: true, delay: 0 });
    assert.equal(n.mtu, 9000);
    assert.equal(n.mac, "52:54:00:aa:bb:cc");
    assert.deepEqual(n.domain, { name: "lab.test", localOnly: true });
    assert.deepEqual(n.extra?.attrs, { connections: "1" });
  });

  it("reads DNS hosts and both IP families with DHCP", () => {
    assert.equal(n.dns?.enable, true);
    assert.deepEqual(n.dns?.hosts, [{ ip: "10.0.0.5", hostnames: ["a", "a.lab.test"] }]);
    assert.equal(n.dns?.extra?.children[0].name, "forwarder");
    const [v4, v6] = n.ips ?? [];
    assert.equal(v4.netmask, "255.255.255.0");
    assert.equal(v4.dhcp?.ranges?.[0].extra?.children[0].name, "lease");
    assert.deepEqual(v4.dhcp?.hosts, [{ mac: "52:54:00:00:00:05", name: "a", ip: "10.0.0.5" }]);
    assert.equal(v6.family, "ipv6");
    assert.deepEqual(v6.dhcp?.hosts, [{ id: "0:1:2", name: "b", ip: "fd00::5" }]);
  });

  it("every forward mode, and isolated as no <forward>", () => {
    for (const mode of ["nat", "route", "open", "bridge"] as const) {
      const x = buildNetworkXml({ name: "m", forward: { mode } });
      assert.equal(parseNetworkXml(x).forward.mode, mode);
    }
    const iso = buildNetworkXml({ name: "i", forward: { mode: "isolated" } });
    assert.ok(!iso.includes("<forward"));
    assert.equal(parseNetworkXml(iso).forward.mode, "isolated");
    assert.equal(parseNetworkXml("<network><name>d</name><forward/></network>").forward.mode, "nat");
  });

  it("round-trips", () => assert.deepEqual(parseNetworkXml(buildNetworkXml(n)), n));
});
