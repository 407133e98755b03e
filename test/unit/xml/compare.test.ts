/** The comparison: paths, kinds of difference, and "preserve user intent". */
import { strict as assert } from "assert";
import {
  compareDomain,
  compareNetwork,
  compareVolume,
  normalizeDomain,
  parseDomainXml,
  parseNetworkXml,
  parseVolumeXml,
} from "../../../provider/xml";

const dom = (body: string) => parseDomainXml(`<domain type='qemu'><name>d</name>${body}</domain>`);
const paths = (d: { path: string; kind: string }[]) => d.map((x) => `${x.path} ${x.kind}`);

describe("xml/compare", () => {
  it("does not compare what the desired definition leaves unset", () => {
    const live = dom(
      "<uuid>u</uuid><title>t</title><vcpu placement='static'>4</vcpu><cpu mode='custom'/><os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>",
    );
    assert.deepEqual(compareDomain(dom(""), live), []);
  });

  it("names the path of a changed field and renders both values", () => {
    const d = compareDomain(dom("<memory unit='GiB'>1</memory><vcpu>2</vcpu>"), dom("<memory unit='KiB'>1048576</memory><vcpu>4</vcpu>"));
    assert.deepEqual(d, [{ path: "vcpu.count", kind: "changed", desired: "2", live: "4" }]);
  });

  it("reports a desired field the live one lacks as missing", () => {
    assert.deepEqual(paths(compareDomain(dom("<description>x</description>"), dom(""))), ["description missing"]);
  });

  it("keys disks by target: a changed bus, a missing and an extra disk", () => {
    const want = dom(
      "<devices><disk type='file'><source file='/a'/><target dev='vda' bus='virtio'/></disk><disk type='file'><target dev='vdb'/></disk></devices>",
    );
    const live = dom(
      "<devices><disk type='file'><source file='/a'/><target dev='vda' bus='sata'/></disk><disk type='file'><target dev='vdc'/></disk></devices>",
    );
    assert.deepEqual(paths(compareDomain(want, live)), [
      "devices.disks[vda].target.bus changed",
      "devices.disks[vdb] missing",
      "devices.disks[vdc] unexpected",
    ]);
  });

  it("keys NICs by position and reports a changed network by path", () => {
    const want = dom("<devices><interface type='network'><source network='a'/></interface></devices>");
    const live = dom("<devices><interface type='network'><mac address='52:54:00:00:00:01'/><source network='b'/></interface></devices>");
    assert.deepEqual(paths(compareDomain(want, live)), ["devices.interfaces[0].source.network changed"]);
  });

  it("compares unmodelled XML by containment, and ignores hand-added devices", () => {
    const want = dom("<devices><watchdog model='i6300esb' action='reset'/></devices>");
    const same = dom(
      "<devices><watchdog model='i6300esb' action='reset'><alias name='watchdog0'/></watchdog><panic model='isa'/></devices>",
    );
    assert.deepEqual(compareDomain(want, same), []);
    const changed = dom("<devices><watchdog model='i6300esb' action='poweroff'/></devices>");
    assert.deepEqual(compareDomain(want, changed), [
      { path: "devices.other[watchdog#0].@action", kind: "changed", desired: '"reset"', live: '"poweroff"' },
    ]);
    assert.deepEqual(paths(compareDomain(want, dom(""))), ["devices.other[watchdog#0] missing"]);
  });

  it("compares remainders of modelled elements by containment", () => {
    // <iotune> is modelled (its six limits); its *_max children are a remainder.
    const want = dom(
      "<devices><disk type='file' snapshot='no'><target dev='vda'/><iotune><total_bytes_sec_max>10</total_bytes_sec_max></iotune></disk></devices>",
    );
    const live = dom(
      "<devices><disk type='file' snapshot='no'><target dev='vda'/><iotune><total_bytes_sec_max>20</total_bytes_sec_max></iotune></disk></devices>",
    );
    assert.deepEqual(paths(compareDomain(want, live)), ["devices.disks[vda].iotune.<total_bytes_sec_max>.#text changed"]);
    assert.deepEqual(paths(compareDomain(dom("<title a='1'>t</title>"), dom("<title a='2'>t</title>"))), ["<title>.@a changed"]);
  });

  it("an isolated network differs from a nat one", () => {
    const iso = parseNetworkXml("<network><name>n</name></network>");
    const nat = parseNetworkXml("<network><name>n</name><forward mode='nat'/></network>");
    assert.deepEqual(paths(compareNetwork(iso, nat)), ["forward.mode changed"]);
  });

  it("keys network IPs by address and DHCP hosts by IP", () => {
    const want = parseNetworkXml(
      "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp><host mac='52:54:00:00:00:01' ip='10.0.0.5'/></dhcp></ip></network>",
    );
    const live = parseNetworkXml(
      "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp><host mac='52:54:00:00:00:02' ip='10.0.0.5'/></dhcp></ip></network>",
    );
    assert.deepEqual(paths(compareNetwork(want, live)), ["ips[10.0.0.1].dhcp.hosts[10.0.0.5].mac changed"]);
  });

  it("compares volume capacity as bytes", () => {
    const want = parseVolumeXml("<volume><name>v</name><capacity unit='MiB'>64</capacity></volume>");
    assert.deepEqual(compareVolume(want, parseVolumeXml("<volume><name>v</name><capacity unit='bytes'>67108864</capacity></volume>")), []);
    assert.deepEqual(
      compareVolume(want, parseVolumeXml("<volume><name>v</name><capacity unit='bytes'>67108865</capacity></volume>"))[0].live,
      "67108865 bytes",
    );
  });

  it("normalizeDomain gives the live domain as the user means it, leaving inputs alone", () => {
    const live = dom(
      "<uuid>u</uuid><devices><emulator>/e</emulator><disk type='file'><target dev='vda'/><alias name='virtio-disk0'/></disk></devices>",
    );
    const before = structuredClone(live);
    const n = normalizeDomain(live, dom("<devices><disk type='file'><target dev='vda'/></disk></devices>"));
    assert.deepEqual(n, dom("<devices><disk type='file'><target dev='vda'/></disk></devices>"));
    assert.deepEqual(live, before);
  });
});
