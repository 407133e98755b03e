import assert from "node:assert/strict";
import { FramingError, KEEPALIVE_PROGRAM, PacketFramer, PacketStatus, PacketType } from "../../../provider/rpc";
import { PacketBuilder } from "../../support/packetBuilder";

/** Three packets of different shapes: a reply with a payload, an empty stream end, a keepalive ping. */
function sampleStream(): Buffer {
  return Buffer.concat([
    PacketBuilder.reply(23)
      .serial(5)
      .payload((w) => w.string("dom-a").fixedOpaque(Buffer.alloc(16, 1), 16).int(-1))
      .bytes(),
    PacketBuilder.stream(209).serial(6).withStatus(PacketStatus.Ok).bytes(),
    PacketBuilder.message(KEEPALIVE_PROGRAM, 1).bytes(),
  ]);
}

describe("PacketFramer", () => {
  it("yields the same packets when the stream is split at every offset", () => {
    const stream = sampleStream();
    const whole = new PacketFramer().push(stream);
    assert.equal(whole.length, 3);
    for (let cut = 0; cut <= stream.length; cut++) {
      const framer = new PacketFramer();
      const packets = [...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut))];
      assert.deepEqual(packets, whole, `split at ${cut}`);
      assert.equal(framer.pendingBytes, 0);
    }
  });

  it("yields the same packets when fed one byte at a time", () => {
    const stream = sampleStream();
    const framer = new PacketFramer();
    const packets = [];
    for (const byte of stream) packets.push(...framer.push(Buffer.from([byte])));
    assert.deepEqual(packets, new PacketFramer().push(stream));
  });

  it("decodes every header field", () => {
    const [p] = new PacketFramer().push(
      PacketBuilder.stream(208).serial(77).withStatus(PacketStatus.Continue).raw(Buffer.from("abc")).bytes(),
    );
    assert.deepEqual(p.header, {
      prog: 0x20008086,
      vers: 1,
      proc: 208,
      type: PacketType.Stream,
      serial: 77,
      status: PacketStatus.Continue,
    });
    assert.equal(p.payload.toString(), "abc");
  });

  it("refuses a length below the header size or above 32 MiB", () => {
    const tooShort = Buffer.alloc(8);
    tooShort.writeUInt32BE(12, 0);
    assert.throws(() => new PacketFramer().push(tooShort), FramingError);
    const tooLong = Buffer.alloc(4);
    tooLong.writeUInt32BE(32 * 1024 * 1024 + 1, 0);
    assert.throws(() => new PacketFramer().push(tooLong), FramingError);
  });

  it("refuses unknown types and statuses", () => {
    assert.throws(
      () =>
        new PacketFramer().push(
          PacketBuilder.reply(1)
            .withType(9 as PacketType)
            .bytes(),
        ),
      /unknown packet type 9/,
    );
    assert.throws(
      () =>
        new PacketFramer().push(
          PacketBuilder.reply(1)
            .withStatus(7 as PacketStatus)
            .bytes(),
        ),
      /unknown packet status 7/,
    );
  });
});
