/**
 * The typed-parameter codec against remote_protocol.x's definition:
 *
 *   union remote_typed_param_value switch (int type) {
 *     case VIR_TYPED_PARAM_INT (1): int i;          case VIR_TYPED_PARAM_UINT (2): unsigned int ui;
 *     case VIR_TYPED_PARAM_LLONG (3): hyper l;      case VIR_TYPED_PARAM_ULLONG (4): unsigned hyper ul;
 *     case VIR_TYPED_PARAM_DOUBLE (5): double d;    case VIR_TYPED_PARAM_BOOLEAN (6): int b;
 *     case VIR_TYPED_PARAM_STRING (7): remote_nonnull_string s; };
 *   struct remote_typed_param { remote_nonnull_string field; remote_typed_param_value value; };
 *
 * The expected bytes are written out by hand (hex, word by word), not with the writer under test.
 */
import assert from "node:assert/strict";
import { BlockIoTuneParam, DomainModificationImpact, TypedParam, typedParam, typedParams, TypedParamType } from "../../../provider/libvirt";
import { XdrError, XdrReader, XdrWriter } from "../../../provider/rpc";
import { DOM, domBytes, itSends } from "./wire";

/** Bytes from hex words, spaces ignored. */
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");

function encode(p: TypedParam): Buffer {
  const w = new XdrWriter();
  typedParam.write(w, p);
  return Buffer.from(w.toBuffer());
}

/** The field name "ab": length 2, then "ab" padded to 4 bytes. */
const FIELD_AB = "00000002 61620000";

const CASES: { title: string; param: TypedParam; bytes: string }[] = [
  { title: "int", param: { field: "ab", type: TypedParamType.Int, value: -2 }, bytes: `${FIELD_AB} 00000001 fffffffe` },
  { title: "unsigned int", param: { field: "ab", type: TypedParamType.Uint, value: 0xfffffffe }, bytes: `${FIELD_AB} 00000002 fffffffe` },
  {
    title: "hyper",
    param: { field: "ab", type: TypedParamType.Llong, value: -(1n << 40n) },
    bytes: `${FIELD_AB} 00000003 ffffff00 00000000`,
  },
  {
    title: "unsigned hyper",
    param: { field: "ab", type: TypedParamType.Ullong, value: 1_000_000_000_000_000n },
    bytes: `${FIELD_AB} 00000004 00038d7e a4c68000`,
  },
  { title: "double", param: { field: "ab", type: TypedParamType.Double, value: 1.5 }, bytes: `${FIELD_AB} 00000005 3ff80000 00000000` },
  { title: "boolean", param: { field: "ab", type: TypedParamType.Boolean, value: true }, bytes: `${FIELD_AB} 00000006 00000001` },
  { title: "string", param: { field: "ab", type: TypedParamType.String, value: "grp" }, bytes: `${FIELD_AB} 00000007 00000003 67727000` },
];

describe("typed parameters (remote_typed_param)", () => {
  for (const c of CASES) {
    it(`encodes and decodes ${c.title}`, () => {
      assert.deepEqual(encode(c.param), hex(c.bytes));
      const r = new XdrReader(hex(c.bytes));
      assert.deepEqual(typedParam.read(r), c.param);
      r.end();
    });
  }

  it("a list is a count, then each parameter", () => {
    const w = new XdrWriter();
    typedParams(32).write(w, [
      { field: "ab", type: TypedParamType.Int, value: 1 },
      { field: "ab", type: TypedParamType.Boolean, value: false },
    ]);
    assert.deepEqual(Buffer.from(w.toBuffer()), hex(`00000002 ${FIELD_AB} 00000001 00000001 ${FIELD_AB} 00000006 00000000`));
  });

  it("refuses a type the union does not list, a name libvirt cannot hold, and a list over its bound", () => {
    assert.throws(() => typedParam.read(new XdrReader(hex(`${FIELD_AB} 00000008 00000000`))), XdrError);
    assert.throws(() => encode({ field: "x".repeat(80), type: TypedParamType.Int, value: 1 }), /longer than 79 bytes/);
    assert.doesNotThrow(() => encode({ field: "x".repeat(79), type: TypedParamType.Int, value: 1 }));
    const one: TypedParam = { field: "ab", type: TypedParamType.Int, value: 0 };
    const many = [one, one, one];
    assert.throws(() => typedParams(2).write(new XdrWriter(), many), /at most 2/);
    assert.throws(() => typedParams(2).read(new XdrReader(hex(`00000003`))), XdrError);
  });
});

describe("setBlockIoTune: bytes on the wire", () => {
  /** `remote_nonnull_string` of a field name, then the ULLONG tag and its value. */
  const ullong = (w: XdrWriter, field: string, value: bigint) => w.string(field).int(4).uhyper(value);
  itSends([
    {
      name: "setBlockIoTune with two limits, LIVE|CONFIG",
      call: (c) =>
        c.domains.setBlockIoTune(
          DOM,
          "vda",
          { [BlockIoTuneParam.TotalIopsSec]: 400, [BlockIoTuneParam.ReadBytesSec]: 0 },
          DomainModificationImpact.Live | DomainModificationImpact.Config,
        ),
      proc: 252,
      // Sent in the enum's order (bytes before iops), whatever the object's.
      args: (w) => {
        domBytes(w).string("vda").uint(2);
        ullong(w, "read_bytes_sec", 0n);
        ullong(w, "total_iops_sec", 400n);
        w.uint(3);
      },
    },
  ]);
});
