import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildDomainXml, Disk, Domain, parseDomainXml } from "../../../provider/xml";
import { progressLine, vmHostMove, withDisksOf } from "../../../provider/resources/vm/hostMove";
import type { ResolvedDisk } from "../../../provider/resources/vm/disks";
import { UNKNOWN } from "../../../provider/resources/common/unknowns";

const running = parseDomainXml(readFileSync(path.join(__dirname, "fixtures", "vm-running.xml"), "utf8"));
const diskOf = (dom: Domain, target: string): Disk | undefined =>
  dom.devices.find((d): d is Disk => d.kind === "disk" && d.target.dev === target);

/** A disk as `resolveDisks` gives it on the destination. */
const resolved = (target: string, file: string, format: string): ResolvedDisk => ({
  target,
  file,
  format,
  device: "disk",
  bus: "virtio",
  readonly: false,
});

describe("resources/vm/hostMove: what a running VM's migration asks of the new host", () => {
  it("points each disk the spec declares at the destination's image, keeping its address and dropping the old backing chain", () => {
    const moved = withDisksOf(running, [resolved("vda", "/srv/b/root.qcow2", "qcow2")]);
    const xml = buildDomainXml(moved);
    const vda = diskOf(moved, "vda");
    assert.deepEqual(vda?.source, { type: "file", file: "/srv/b/root.qcow2" });
    assert.equal(vda?.driver?.type, "qcow2");
    assert.deepEqual(vda?.address, diskOf(running, "vda")?.address);
    assert.ok(!xml.includes("pkvm-vmfx-root.qcow2"), xml);
    const backing = (d: Disk | undefined) => (d?.extra?.children ?? []).filter((c) => c.name === "backingStore").length;
    assert.equal(backing(diskOf(running, "vda")), 1, "the fixture changed");
    assert.equal(backing(vda), 0, "the old host's backing chain is kept");
    // A disk the spec does not name (here sdb) is left as it runs.
    assert.ok(xml.includes("/var/lib/libvirt/images/pkvm-vmfx-data.qcow2"), xml);
    // Everything but the disks is the running guest's.
    assert.deepEqual(
      moved.devices.filter((d) => d.kind !== "disk"),
      running.devices.filter((d) => d.kind !== "disk"),
    );
    assert.equal(moved.uuid, running.uuid);
  });

  it("is replaced without asking the host when onHostChange is replace or not known yet; asks it otherwise", () => {
    assert.equal(vmHostMove.replacedBy({ onHostChange: "replace" }), 'onHostChange is "replace"');
    assert.equal(vmHostMove.replacedBy({ onHostChange: UNKNOWN }), "onHostChange is not known yet");
    assert.equal(vmHostMove.replacedBy({ onHostChange: "migrate" }), undefined);
    assert.equal(vmHostMove.replacedBy({}), undefined);
  });

  it("says the percent, what is left and the rate", () => {
    const mib = 1024n * 1024n;
    assert.equal(
      progressLine({
        percent: 42.5,
        totalBytes: 200n * mib,
        processedBytes: 85n * mib,
        remainingBytes: 115n * mib,
        bytesPerSecond: 30n * mib,
        elapsedMs: 3000,
      }),
      "migrating: 43%, 115.0 MiB left of 200.0 MiB at 30.0 MiB/s",
    );
    assert.equal(
      progressLine({ totalBytes: 0n, processedBytes: 0n, remainingBytes: 0n, bytesPerSecond: 0n, elapsedMs: 0 }),
      "migrating: 0.0 MiB left of 0.0 MiB at 0.0 MiB/s",
    );
  });
});
