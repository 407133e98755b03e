import { strict as assert } from "assert";
import { buildPoolXml, buildVolumeXml, parsePoolXml, parseVolumeXml, sizeToBytes } from "../../../provider/xml";

describe("xml/storage", () => {
  it("reads a dir pool with measurements and permissions", () => {
    const p = parsePoolXml(`<pool type='dir'><name>p</name><uuid>u</uuid><capacity unit='bytes'>100</capacity>
      <allocation unit='bytes'>10</allocation><available unit='bytes'>90</available><source/>
      <target><path>/var/lib/p</path><permissions><mode>0755</mode><owner>0</owner><group>64055</group><label>l</label></permissions></target></pool>`);
    assert.equal(p.type, "dir");
    assert.deepEqual(p.capacity, { value: 100, unit: "bytes" });
    assert.deepEqual(p.source, {});
    assert.deepEqual(p.target, { path: "/var/lib/p", permissions: { mode: "0755", owner: 0, group: 64055, label: "l" } });
    assert.deepEqual(parsePoolXml(buildPoolXml(p)), p);
  });

  it("reads fs, logical and netfs sources", () => {
    const fs = parsePoolXml(
      "<pool type='fs'><name>f</name><source><device path='/dev/sdb1'/><format type='ext4'/></source><target><path>/mnt</path></target></pool>",
    );
    assert.deepEqual(fs.source, { devices: [{ path: "/dev/sdb1" }], format: "ext4" });
    const lvm = parsePoolXml(
      "<pool type='logical'><name>l</name><source><name>vg0</name><device path='/dev/sdc'/><device path='/dev/sdd'/><format type='lvm2'/></source></pool>",
    );
    assert.deepEqual(lvm.source, { devices: [{ path: "/dev/sdc" }, { path: "/dev/sdd" }], name: "vg0", format: "lvm2" });
    const nfs = parsePoolXml(
      "<pool type='netfs'><name>n</name><source><host name='nas' port='2049'/><dir path='/export'/><format type='nfs'/><protocol ver='4'/></source></pool>",
    );
    assert.deepEqual(nfs.source?.hosts, [{ name: "nas", port: 2049 }]);
    assert.equal(nfs.source?.dir, "/export");
    assert.equal(nfs.source?.extra?.children[0].name, "protocol");
    for (const p of [fs, lvm, nfs]) assert.deepEqual(parsePoolXml(buildPoolXml(p)), p);
  });

  it("reads a volume with units, format, backing store and permissions", () => {
    const v = parseVolumeXml(`<volume type='file'><name>v.qcow2</name><key>/p/v.qcow2</key>
      <capacity unit='G'>2</capacity><allocation>4096</allocation>
      <target><path>/p/v.qcow2</path><format type='qcow2'/><permissions><mode>0600</mode></permissions><compat>1.1</compat></target>
      <backingStore><path>/p/base.raw</path><format type='raw'/></backingStore></volume>`);
    assert.equal(sizeToBytes(v.capacity!), 2n * 1024n ** 3n);
    assert.deepEqual(v.allocation, { value: 4096, unit: "bytes" });
    assert.equal(v.target?.format, "qcow2");
    assert.equal(v.target?.extra?.children[0].name, "compat");
    assert.deepEqual(v.backingStore, { path: "/p/base.raw", format: "raw" });
    assert.deepEqual(parseVolumeXml(buildVolumeXml(v)), v);
  });

  it("builds a volume for vol-create from a typed object", () => {
    const xml = buildVolumeXml({ name: "x.raw", capacity: { value: 64, unit: "MiB" }, target: { format: "raw" } });
    assert.match(xml, /<capacity unit="MiB">64<\/capacity>/);
    assert.match(xml, /<format type="raw"\/>/);
  });
});
