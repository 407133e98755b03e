import assert from "node:assert/strict";
import type { LibvirtConnection, VolumeRef } from "../../../provider/libvirt";
import { localDisksOf } from "../../../provider/resources/vm/movedDisks";
import { offlineHow } from "../../../provider/resources/vm/offlineMove";

const volume: VolumeRef = { pool: "p", name: "v", key: "/p/v" };

describe("resources/vm/offlineMove: what the preview says of a stopped VM's move", () => {
  it("counts the disks copied and their MiB", () => {
    assert.equal(offlineHow([]), "moves offline, no disk copied");
    assert.equal(offlineHow([{ target: "vda", volume, bytes: 4n * 1024n * 1024n }]), "moves offline, copying 1 disk, 4.0 MiB");
    assert.equal(
      offlineHow([
        { target: "vda", volume, bytes: 1536n * 1024n },
        { target: "vdb", volume, bytes: 1024n * 1024n * 1024n },
      ]),
      "moves offline, copying 2 disks, 1025.5 MiB",
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
        info: async () => ({ type: 0, capacity: 49n * MiB, allocation: 49n * MiB }),
      },
      pools: {
        lookupByName: async (name: string) => ({ name, uuid: Buffer.alloc(16) }),
        xmlDesc: async () => "<pool type='dir'><name>p</name><target><path>/p</path></target></pool>",
      },
    } as unknown as LibvirtConnection;
    const disks = await localDisksOf(host, [
      { device: "disk", bus: "virtio", target: "vda", volumeKey: "/p/q.qcow2", readonly: false },
      { device: "disk", bus: "virtio", target: "vdb", volumeKey: "/p/r.raw", readonly: false },
    ]);
    assert.deepEqual(
      disks.map((d) => [d.target, d.bytes]),
      [
        ["vda", 16n * MiB],
        ["vdb", 4n * MiB],
      ],
    );
    assert.equal(offlineHow(disks), "moves offline, copying 2 disks, 20.0 MiB");
  });
});
