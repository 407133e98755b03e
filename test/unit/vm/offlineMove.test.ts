import assert from "node:assert/strict";
import type { VolumeRef } from "../../../provider/libvirt";
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
});
