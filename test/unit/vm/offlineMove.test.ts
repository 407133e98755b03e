import assert from "node:assert/strict";
import type { VolumeRef } from "../../../provider/libvirt";
import { copiesText } from "../../../provider/resources/vm/movedDisks";

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
});
