import { strict as assert } from "assert";
import { XmlError, parseSize, sameSize, sizeInBytes, sizeToBytes, tryParseSize, tryParseSizeUnit } from "../../../provider/xml";

describe("xml/size", () => {
  const cases: [string, bigint][] = [
    ["1b", 1n],
    ["7 bytes", 7n],
    ["1KB", 1000n],
    ["1k", 1024n],
    ["1K", 1024n],
    ["1KiB", 1024n],
    ["512 MiB", 512n * 1024n ** 2n],
    ["3M", 3n * 1024n ** 2n],
    ["3MB", 3_000_000n],
    ["2GiB", 2n * 1024n ** 3n],
    ["2G", 2n * 1024n ** 3n],
    ["2GB", 2_000_000_000n],
    ["1TiB", 1024n ** 4n],
    ["1T", 1024n ** 4n],
    ["1TB", 1000n ** 4n],
    ["4096", 4096n],
  ];
  for (const [text, bytes] of cases) {
    it(`"${text}" is ${bytes} bytes`, () => assert.equal(sizeToBytes(parseSize(text)), bytes));
  }

  it("keeps the unit as written, in canonical spelling", () => {
    assert.deepEqual(parseSize("512 mib"), { value: 512, unit: "MiB" });
    assert.deepEqual(parseSize("2g"), { value: 2, unit: "G" });
    assert.deepEqual(parseSize("1 kb"), { value: 1, unit: "KB" });
    assert.equal(tryParseSizeUnit("Bytes"), "bytes");
  });

  it("uses the default unit for a bare number", () => {
    assert.deepEqual(parseSize("98304", "KiB"), { value: 98304, unit: "KiB" });
  });

  it("compares as bytes", () => {
    assert.ok(sameSize({ value: 96, unit: "MiB" }, { value: 98304, unit: "KiB" }));
    assert.ok(sameSize({ value: 1, unit: "G" }, { value: 1, unit: "GiB" }));
    assert.ok(!sameSize({ value: 1, unit: "GB" }, { value: 1, unit: "GiB" }));
  });

  it("holds values past 2^53 as bigint", () => {
    const s = parseSize("18014398509481984 KiB");
    assert.equal(typeof s.value, "bigint");
    assert.equal(sizeToBytes(s), 18014398509481984n * 1024n);
    assert.deepEqual(sizeInBytes({ value: 96, unit: "MiB" }), { value: 100663296, unit: "bytes" });
  });

  it("refuses what libvirt would refuse", () => {
    for (const bad of ["", "GiB", "1.5GiB", "-1", "2 XB", "1 kibibyte"]) assert.equal(tryParseSize(bad), undefined, bad);
    assert.throws(() => parseSize("1 zz"), XmlError);
    assert.throws(() => sizeToBytes({ value: 1.5, unit: "GiB" }), XmlError);
    assert.throws(() => sizeToBytes({ value: -1, unit: "KiB" }), XmlError);
  });
});
