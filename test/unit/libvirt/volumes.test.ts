import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { VolumeType } from "../../../provider/libvirt";
import { UploadStream } from "../../../provider/rpc";
import { itSends, POOL, poolBytes, runWireCase, VOL, volBytes } from "./wire";

describe("typed calls on storage volumes: bytes on the wire", () => {
  itSends([
    {
      name: "listAll",
      call: (c) => c.volumes.listAll(POOL),
      proc: 282,
      args: (w) => poolBytes(w).int(1).uint(0),
      reply: (w) => volBytes(w.uint(1)).uint(1),
      returns: [VOL],
    },
    {
      name: "lookupByName",
      call: (c) => c.volumes.lookupByName(POOL, "a.qcow2"),
      proc: 95,
      args: (w) => poolBytes(w).string("a.qcow2"),
      reply: volBytes,
      returns: VOL,
    },
    {
      name: "lookupByKey",
      call: (c) => c.volumes.lookupByKey(VOL.key),
      proc: 96,
      args: (w) => w.string(VOL.key),
      reply: volBytes,
      returns: VOL,
    },
    {
      name: "lookupByPath",
      call: (c) => c.volumes.lookupByPath(VOL.key),
      proc: 97,
      args: (w) => w.string(VOL.key),
      reply: volBytes,
      returns: VOL,
    },
    {
      name: "create",
      call: (c) => c.volumes.create(POOL, "<volume/>"),
      proc: 93,
      args: (w) => poolBytes(w).string("<volume/>").uint(0),
      reply: volBytes,
      returns: VOL,
    },
    {
      name: "createFrom",
      call: (c) => c.volumes.createFrom(POOL, "<volume/>", VOL, 1),
      proc: 125,
      args: (w) => volBytes(poolBytes(w).string("<volume/>")).uint(1),
      reply: volBytes,
      returns: VOL,
    },
    { name: "delete", call: (c) => c.volumes.delete(VOL), proc: 94, args: (w) => volBytes(w).uint(0) },
    { name: "wipe", call: (c) => c.volumes.wipe(VOL), proc: 165, args: (w) => volBytes(w).uint(0) },
    { name: "resize", call: (c) => c.volumes.resize(VOL, 1024n, 4), proc: 260, args: (w) => volBytes(w).uhyper(1024n).uint(4) },
    {
      name: "info",
      call: (c) => c.volumes.info(VOL),
      proc: 98,
      args: volBytes,
      reply: (w) => w.int(0).uhyper(1024n).uhyper(512n),
      returns: { type: VolumeType.File, capacity: 1024n, allocation: 512n },
    },
    {
      name: "xmlDesc",
      call: (c) => c.volumes.xmlDesc(VOL),
      proc: 99,
      args: (w) => volBytes(w).uint(0),
      reply: (w) => w.string("<v/>"),
      returns: "<v/>",
    },
    { name: "path", call: (c) => c.volumes.path(VOL), proc: 100, args: volBytes, reply: (w) => w.string(VOL.key), returns: VOL.key },
  ]);

  it("upload opens a stream with the volume, offset and length (procedure 208)", () =>
    runWireCase({
      name: "upload",
      call: async (c) => {
        const upload = await c.volumes.upload(VOL, 5n, 10n);
        assert.ok(upload instanceof UploadStream);
      },
      proc: 208,
      args: (w) => volBytes(w).uhyper(5n).uhyper(10n).uint(0),
    }));

  it("download opens a stream with the volume, offset and length (procedure 209)", () =>
    runWireCase({
      name: "download",
      call: async (c) => {
        const download = await c.volumes.download(VOL, 0n, 64n);
        assert.ok(download instanceof Readable);
        download.destroy();
      },
      proc: 209,
      args: (w) => volBytes(w).uhyper(0n).uhyper(64n).uint(0),
    }));
});
