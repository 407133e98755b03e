import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildDomainXml, Disk, Domain, parseDomainXml } from "../../../provider/xml";
import { openOnlyDisksOf, progressLine, streamOf, vmHostMove, withDisksOf, withWhereTo } from "../../../provider/resources/vm/hostMove";
import { LibvirtConnection, MigrationError } from "../../../provider/libvirt";
import { LibvirtError } from "../../../provider/rpc";
import type { DiskSpec } from "../../../provider/resources/vm/spec";
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

  it("sends the stream to migrationAddress, else the new host's SSH host; ports only when given", () => {
    const b = { host: "b.example", sshConfigPath: "none" };
    assert.deepEqual(streamOf({ connection: b }, true), { address: "b.example" });
    assert.deepEqual(streamOf({ connection: b, migrationAddress: "10.0.0.2", migrationPort: 49200 }, false), {
      address: "10.0.0.2",
      port: 49200,
    });
    // The disk copy's port is asked for only when a disk is copied (libvirt refuses it otherwise).
    assert.deepEqual(streamOf({ connection: b, migrationDisksPort: 49201 }, true), { address: "b.example", disksPort: 49201 });
    assert.deepEqual(streamOf({ connection: b, migrationDisksPort: 49201 }, false), { address: "b.example" });
    // Behind a jump host or locally, libvirt picks the address, unless the program names one.
    const behindJump = { host: "b.internal", sshConfigPath: "none", jump: { host: "bastion.example" } };
    assert.deepEqual(streamOf({ connection: behindJump }, false), {});
    assert.deepEqual(streamOf({ connection: {} }, false), {});
    assert.deepEqual(streamOf({ connection: {}, migrationAddress: "b.lan", migrationPort: 50000 }, false), {
      address: "b.lan",
      port: 50000,
    });
    assert.throws(
      () => streamOf({ connection: behindJump, migrationPort: 49200 }, false),
      /^Error: migrationPort needs migrationAddress: /,
    );
  });

  it("finds the disks whose volume is gone from the old host while the guest still has them open", async () => {
    const from = {
      volumes: {
        lookupByKey: (key: string) =>
          key.endsWith("kept")
            ? Promise.resolve({ pool: "p", name: "kept", key })
            : Promise.reject(new LibvirtError(50, 18, `Storage volume not found: no storage vol with matching key ${key}`)),
      },
    } as unknown as LibvirtConnection;
    const disk = (target: string, volumeKey: string | undefined, more: Partial<DiskSpec> = {}): DiskSpec => ({
      target,
      volumeKey,
      device: "disk",
      bus: "virtio",
      readonly: false,
      ...more,
    });
    const found = await openOnlyDisksOf(
      from,
      [
        disk("vda", "/a/deleted"), // gone, the guest has vda: only its open image is left
        disk("sdb", "/a/kept"), // still there: localDisksOf's to judge
        disk("vdz", "/a/deleted-too"), // gone, and the guest has no vdz: nothing to copy
        disk("sda", "/a/iso-deleted", { device: "cdrom", readonly: true }),
        disk("vdc", undefined, { path: "/srv/shared.img" }),
      ],
      running,
    );
    assert.deepEqual(found, ["vda"]);
    const broken = { volumes: { lookupByKey: () => Promise.reject(new Error("link lost")) } } as unknown as LibvirtConnection;
    await assert.rejects(openOnlyDisksOf(broken, [disk("vda", "/a/x")], running), /link lost/);
  });

  it("says where the stream went when it failed, keeping the migration's error", () => {
    const cause = new Error("unable to connect to server at '10.0.0.2:49200': Connection timed out");
    const failed = new MigrationError(
      "live migration … failed at perform: …; the domain still runs on A",
      "perform",
      "A",
      "B",
      "source",
      [],
      cause,
    );
    const told = withWhereTo(failed, { address: "10.0.0.2", port: 49200 });
    assert.ok(told instanceof MigrationError);
    assert.equal(
      told.message,
      "live migration … failed at perform: …; the domain still runs on A (if the stream did not get through: the old " +
        "host's hypervisor sends it to 10.0.0.2, port 49200, where the new host must accept connections from the old one " +
        "(migrationAddress, migrationPort))",
    );
    assert.deepEqual([told.step, told.source, told.destination, told.runsOn, told.cause], ["perform", "A", "B", "source", cause]);
    assert.match(
      (withWhereTo(failed, {}) as Error).message,
      /sends it to the new host's name \(as it resolves it\), a port of its migration range .*49152–49215/,
    );
    // Before the stream (a definition B refuses, say), where it would go is beside the point.
    const atPrepare = new MigrationError("… failed at prepare: network 'x' not found", "prepare", "A", "B", "source", []);
    assert.equal(withWhereTo(atPrepare, { address: "10.0.0.2" }), atPrepare);
    const other = new Error("link lost");
    assert.equal(withWhereTo(other, {}), other);
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
