import assert from "node:assert/strict";
import { XdrError, XdrReader, XdrWriter } from "../../../provider/rpc";

describe("XDR", () => {
  it("round-trips every primitive type, including 64-bit extremes", () => {
    const w = new XdrWriter(8);
    w.int(-2147483648).int(2147483647).uint(4294967295).bool(true).bool(false);
    w.hyper(-(1n << 63n))
      .hyper((1n << 63n) - 1n)
      .uhyper((1n << 64n) - 1n)
      .uhyper(0n);
    w.string("héllo ]]> <&>")
      .opaque(Buffer.from([1, 2, 3]))
      .fixedOpaque(Buffer.alloc(16, 0xab), 16);
    const r = new XdrReader(Buffer.from(w.toBuffer()));
    assert.equal(r.int(), -2147483648);
    assert.equal(r.int(), 2147483647);
    assert.equal(r.uint(), 4294967295);
    assert.equal(r.bool(), true);
    assert.equal(r.bool(), false);
    assert.equal(r.hyper(), -(1n << 63n));
    assert.equal(r.hyper(), (1n << 63n) - 1n);
    assert.equal(r.uhyper(), (1n << 64n) - 1n);
    assert.equal(r.uhyper(), 0n);
    assert.equal(r.string(100), "héllo ]]> <&>");
    assert.deepEqual([...r.opaque(10)], [1, 2, 3]);
    assert.deepEqual(r.fixedOpaque(16), Buffer.alloc(16, 0xab));
    r.end();
  });

  it("pads strings and opaque data to four bytes with zeros", () => {
    const bytes = Buffer.from(new XdrWriter().string("abcde").toBuffer());
    assert.deepEqual([...bytes], [0, 0, 0, 5, 97, 98, 99, 100, 101, 0, 0, 0]);
  });

  it("round-trips optional values present and absent", () => {
    const w = new XdrWriter();
    w.optional("x", (x, v) => x.string(v))
      .optional<string>(undefined, (x, v) => x.string(v))
      .optional(7n, (x, v) => x.uhyper(v));
    const r = new XdrReader(Buffer.from(w.toBuffer()));
    assert.equal(
      r.optional((x) => x.string(10)),
      "x",
    );
    assert.equal(
      r.optional((x) => x.string(10)),
      undefined,
    );
    assert.equal(
      r.optional((x) => x.uhyper()),
      7n,
    );
    r.end();
  });

  it("round-trips arrays of structures", () => {
    const items = [
      { a: 1, b: "one" },
      { a: 2, b: "two" },
    ];
    const w = new XdrWriter().array(items, (x, v) => x.int(v.a).string(v.b));
    const r = new XdrReader(Buffer.from(w.toBuffer()));
    assert.deepEqual(
      r.array(10, (x) => ({ a: x.int(), b: x.string(10) })),
      items,
    );
  });

  it("refuses values outside their type instead of wrapping", () => {
    assert.throws(() => new XdrWriter().int(2 ** 31), XdrError);
    assert.throws(() => new XdrWriter().uint(-1), XdrError);
    assert.throws(() => new XdrWriter().uint(1.5), XdrError);
    assert.throws(() => new XdrWriter().uhyper(-1n), XdrError);
    assert.throws(() => new XdrWriter().hyper(1n << 63n), XdrError);
  });

  it("refuses lengths over the caller's limit and short data", () => {
    const long = Buffer.from(new XdrWriter().string("abcdef").toBuffer());
    assert.throws(() => new XdrReader(long).string(5), /exceeds limit 5/);
    assert.throws(() => new XdrReader(long.subarray(0, 6)).string(100), XdrError);
    const arr = Buffer.from(new XdrWriter().uint(1000).toBuffer());
    assert.throws(() => new XdrReader(arr).array(10_000, (x) => x.int()), /exceeds the data left/);
    assert.throws(() => new XdrReader(Buffer.from(new XdrWriter().uint(2).toBuffer())).optional((x) => x.int()), /0 or 1/);
  });

  it("reports trailing bytes", () => {
    const r = new XdrReader(Buffer.from(new XdrWriter().int(1).int(2).toBuffer()));
    r.int();
    assert.throws(() => r.end(), /4 unexpected trailing bytes/);
  });
});
