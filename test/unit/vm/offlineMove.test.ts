import assert from "node:assert/strict";
import type { LibvirtConnection, VolumeRef } from "../../../provider/libvirt";
import { copiesText, localDisksOf } from "../../../provider/resources/vm/movedDisks";

const volume: VolumeRef = { pool: "p", name: "v", key: "/p/v" };

describe("resources/vm/movedDisks: what the preview says a move copies", () => {
  it("counts the disks copied and their size, in MiB or GiB by the total", () => {
    assert.equal(copiesText([]), "no disk copied");
    assert.equal(copiesText([{ target: "vda", volume, bytes: 4n * 1024n * 1024n }]), "copying 1 disk, 4.0 MiB");
    assert.equal(
      copiesText([
        { target: "vda", volume, bytes: 1536n * 1024n },
        { target: "vdb", volume, bytes: 1024n * 1024n * 1024n },
      ]),
      "copying 2 disks, 1.0 GiB",
    );
    assert.equal(
      copiesText([
        { target: "vda", volume, bytes: 16n * 1024n ** 3n },
        { target: "vdb", volume, bytes: 4n * 1024n ** 3n },
      ]),
      "copying 2 disks, 20.0 GiB",
    );
  });

  it("counts a qcow2 disk by its file's length (libvirt's physical), not the allocation libvirt reports", async () => {
    const MiB = 1024n * 1024n;
    const host = {
      volumes: {
        lookupByKey: async (key: string) => ({ pool: "p", name: key.slice(3), key }),
        xmlDesc: async (v: VolumeRef) =>
          v.name === "q.qcow2"
            ? `<volume><name>q.qcow2</name><capacity>${49n * MiB}</capacity><allocation>${49n * MiB}</allocation><physical>${16n * MiB}</physical><target><format type='qcow2'/></target></volume>`
            : `<volume><name>r.raw</name><capacity>${4n * MiB}</capacity><allocation>0</allocation><target><format type='raw'/></target></volume>`,
        info: async (v: VolumeRef) =>
          v.name === "q.qcow2" ? { type: 0, capacity: 49n * MiB, allocation: 49n * MiB } : { type: 0, capacity: 4n * MiB, allocation: 0n },
      },
      pools: {
        lookupByName: async (name: string) => ({ name, uuid: Buffer.alloc(16) }),
        xmlDesc: async () => "<pool type='dir'><name>p</name><target><path>/p</path></target></pool>",
      },
    } as unknown as LibvirtConnection;
    const disks = await localDisksOf(host, [
      { device: "disk", bus: "virtio", target: "vda", volumeKey: "/p/q.qcow2", readonly: false },
      { device: "disk", bus: "virtio", target: "vdb", volumeKey: "/p/r.raw", format: "raw", readonly: false },
    ]);
    assert.deepEqual(
      disks.map((d) => [d.target, d.bytes]),
      [
        ["vda", 16n * MiB],
        ["vdb", 4n * MiB],
      ],
    );
    assert.equal(copiesText(disks), "copying 2 disks, 20.0 MiB");
  });
});
