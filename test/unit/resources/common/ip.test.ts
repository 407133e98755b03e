import assert from "node:assert/strict";
import { inSubnet, ipToBigInt, parseAddressRange, parseCidr } from "../../../../provider/resources/common/ip";

describe("IP addresses as numbers", () => {
  it("reads IPv4", () => {
    assert.equal(ipToBigInt("0.0.0.0"), 0n);
    assert.equal(ipToBigInt("192.168.1.1"), 0xc0a80101n);
    assert.equal(ipToBigInt("255.255.255.255"), 0xffffffffn);
  });

  it("reads IPv6 in full", () => {
    assert.equal(ipToBigInt("2001:0db8:0000:0000:0000:0000:0000:0001"), 0x20010db8000000000000000000000001n);
    assert.equal(ipToBigInt("fe80:0:0:0:0:0:0:1"), 0xfe800000000000000000000000000001n);
    assert.equal(ipToBigInt("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), (1n << 128n) - 1n);
  });

  it("reads compressed IPv6", () => {
    assert.equal(ipToBigInt("::"), 0n);
    assert.equal(ipToBigInt("::1"), 1n);
    assert.equal(ipToBigInt("fe80::1"), 0xfe800000000000000000000000000001n);
    assert.equal(ipToBigInt("2001:db8::"), 0x20010db8000000000000000000000000n);
    assert.equal(ipToBigInt("2001:db8::8:800:200c:417a"), 0x20010db80000000000080800200c417an);
    assert.equal(ipToBigInt("FE80::A"), 0xfe80000000000000000000000000000an, "upper-case hex");
  });

  it("reads a dotted IPv4 tail (IPv4-mapped and -compatible addresses)", () => {
    assert.equal(ipToBigInt("::ffff:192.168.1.1"), 0xffffc0a80101n);
    assert.equal(ipToBigInt("::ffff:c0a8:101"), 0xffffc0a80101n, "the same address in hex");
    assert.equal(ipToBigInt("0:0:0:0:0:ffff:192.168.1.1"), 0xffffc0a80101n, "in full");
    assert.equal(ipToBigInt("::192.168.1.1"), 0xc0a80101n);
    assert.equal(ipToBigInt("64:ff9b::10.0.0.1"), 0x0064ff9b00000000000000000a000001n);
  });

  it("ignores a zone suffix", () => {
    assert.equal(ipToBigInt("fe80::1%eth0"), ipToBigInt("fe80::1"));
  });
});

describe("subnets", () => {
  it("reads any range, while a network's CIDR needs room for hosts", () => {
    for (const text of ["0.0.0.0/0", "10.1.2.3/32", "10.0.0.0/31", "::/0", "::1/128"]) {
      assert.ok(parseAddressRange(text), text);
      assert.equal(parseCidr(text), undefined, text);
    }
    assert.equal(parseAddressRange("10.0.0.0/33"), undefined);
    assert.equal(parseAddressRange("::/129"), undefined);
    assert.ok(inSubnet(parseAddressRange("0.0.0.0/0")!, "192.0.2.1"));
    assert.ok(!inSubnet(parseAddressRange("10.1.2.3/32")!, "10.1.2.4"));
  });

  it("parses IPv4 and IPv6 prefixes, compressed and mapped forms included", () => {
    assert.deepEqual(parseCidr("192.168.1.1/24"), { family: 4, address: "192.168.1.1", prefix: 24, value: 0xc0a80101n });
    assert.deepEqual(parseCidr("fe80::1/64"), { family: 6, address: "fe80::1", prefix: 64, value: 0xfe800000000000000000000000000001n });
    assert.equal(parseCidr("2001:db8::/32")?.value, 0x20010db8000000000000000000000000n);
    assert.equal(parseCidr("::ffff:192.168.1.1/120")?.value, 0xffffc0a80101n);
    assert.equal(parseCidr("::/0"), undefined, "prefix out of range");
    assert.equal(parseCidr("192.168.1.1"), undefined, "no prefix");
    assert.equal(parseCidr("fe80::1::2/64"), undefined, "two ::");
  });

  it("tells addresses inside a subnet from those outside", () => {
    const v4 = parseCidr("192.168.1.1/24");
    const v6 = parseCidr("2001:db8::1/64");
    const mapped = parseCidr("::ffff:192.168.1.1/120");
    assert.ok(v4 && v6 && mapped);
    assert.equal(inSubnet(v4, "192.168.1.200"), true);
    assert.equal(inSubnet(v4, "192.168.2.1"), false);
    assert.equal(inSubnet(v6, "2001:db8::ffff"), true);
    assert.equal(inSubnet(v6, "2001:0db8:0000:0000:0000:0000:0000:0002"), true, "full form");
    assert.equal(inSubnet(v6, "2001:db8:0:1::1"), false);
    assert.equal(inSubnet(mapped, "::ffff:192.168.1.77"), true);
    assert.equal(inSubnet(mapped, "::ffff:c0a8:1ff"), true, "hex spelling of ::ffff:192.168.1.255");
    assert.equal(inSubnet(mapped, "::ffff:192.168.2.1"), false);
    assert.equal(inSubnet(mapped, "::1"), false);
  });

  it("keeps the families apart: a mapped address is IPv6", () => {
    const v4 = parseCidr("192.168.1.1/24");
    const mapped = parseCidr("::ffff:192.168.1.1/120");
    assert.ok(v4 && mapped);
    assert.equal(inSubnet(v4, "::ffff:192.168.1.2"), false);
    assert.equal(inSubnet(mapped, "192.168.1.2"), false);
  });
});
