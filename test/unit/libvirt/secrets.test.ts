import assert from "node:assert/strict";
import { SecretDefineFlags, SecretUsageType } from "../../../provider/libvirt";
import { HANDLE_UUID_BYTES, fakeConnection, itSends, SECRET, secretBytes } from "./wire";

describe("typed calls on secrets: bytes on the wire", () => {
  itSends([
    {
      name: "listAll",
      call: (c) => c.secrets.listAll(),
      proc: 287,
      args: (w) => w.int(1).uint(0),
      reply: (w) => secretBytes(w.uint(1)).uint(1),
      returns: [SECRET],
    },
    {
      name: "lookupByUuid",
      call: (c) => c.secrets.lookupByUuid(SECRET.uuid),
      proc: 141,
      args: (w) => w.fixedOpaque(HANDLE_UUID_BYTES, 16),
      reply: secretBytes,
      returns: SECRET,
    },
    {
      name: "lookupByUsage",
      call: (c) => c.secrets.lookupByUsage(SecretUsageType.Iscsi, "pkvm-chap"),
      proc: 147,
      args: (w) => w.int(3).string("pkvm-chap"),
      reply: secretBytes,
      returns: SECRET,
    },
    {
      name: "define",
      call: (c) => c.secrets.define("<secret/>", SecretDefineFlags.Validate),
      proc: 142,
      args: (w) => w.string("<secret/>").uint(1),
      reply: secretBytes,
      returns: SECRET,
    },
    {
      name: "xmlDesc",
      call: (c) => c.secrets.xmlDesc(SECRET),
      proc: 143,
      args: (w) => secretBytes(w).uint(0),
      reply: (w) => w.string("<secret/>"),
      returns: "<secret/>",
    },
    {
      name: "setValue",
      call: (c) => c.secrets.setValue(SECRET, Buffer.from("hunter2")),
      proc: 144,
      // A length word, the 7 bytes, one byte of padding, then the flags.
      args: (w) => secretBytes(w).opaque(Buffer.from("hunter2")).uint(0),
    },
    { name: "undefine", call: (c) => c.secrets.undefine(SECRET), proc: 146, args: secretBytes },
  ]);

  it("refuses a value longer than libvirt takes, before anything is sent", async () => {
    const { conn, daemon } = await fakeConnection();
    try {
      const before = daemon.received.length;
      await assert.rejects(conn.secrets.setValue(SECRET, Buffer.alloc(65537)), /opaque length 65537 exceeds limit 65536/);
      assert.equal(daemon.received.length, before);
    } finally {
      await conn.close();
    }
  });
});
