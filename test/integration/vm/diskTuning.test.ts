import assert from "node:assert/strict";
import { VirtualMachine, VirtualMachineDiskArgs, Volume } from "../../../provider";
import { ConnectionPool, LibvirtConnection } from "../../../provider/libvirt";
import { devicesOf, Disk, Domain } from "../../../provider/xml";
import { EngineHarness, opsByName, stdoutOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { definitions, guestBoot, since, tag } from "./support";

const { a } = testHosts();
const name = tag("tune");
const MiB = 1024 * 1024;

/** The tuning of the VM's two disks: vda a qcow2 volume, vdb a raw one. */
interface Tuning {
  vda: Partial<VirtualMachineDiskArgs>;
  vdb: Partial<VirtualMachineDiskArgs>;
}

const CREATED: Tuning = {
  vda: { cache: "none", io: "native", discard: "unmap", iops: { total: 200 } },
  vdb: { cache: "writeback", io: "threads", bytesPerSecond: { read: 10 * MiB, write: 5 * MiB } },
};

/** One running VM (no network, no waiting for the guest) with two tuned disks; a restart is only ever pending. */
function program(t: Tuning) {
  return () => {
    const data = new Volume("data", { pool: "default", name: `${name}-data.qcow2`, capacity: "16MiB", connection: connectionTo(a) });
    const extra = new Volume("extra", {
      pool: "default",
      name: `${name}-extra.img`,
      capacity: "8MiB",
      format: "raw",
      connection: connectionTo(a),
    });
    const vm = new VirtualMachine("vm", {
      name,
      ...guestBoot(a),
      memory: "96MiB",
      disks: [
        { volumeKey: data.key, ...t.vda },
        { path: extra.path, ...t.vdb },
      ],
      // A change the running VM cannot take would show as pendingRestart instead of a reboot.
      updatePolicy: "manual",
      shutdownTimeoutSeconds: 10,
    });
    return { pendingRestart: vm.pendingRestart };
  };
}

const diskOn = (dom: Domain | undefined, dev: string): Disk | undefined =>
  devicesOf(dom?.devices ?? [], "disk").find((d) => d.target.dev === dev);

/** What libvirt shows of a disk's tuning: the driver's attributes and the iotune limits. */
function tuningOf(
  dom: Domain | undefined,
  dev: string,
): { cache?: string; io?: string; discard?: string; iotune?: Record<string, unknown> } {
  const d = diskOn(dom, dev);
  const { extra: _extra, ...limits } = d?.iotune ?? {};
  return { cache: d?.driver?.cache, io: d?.driver?.io, discard: d?.driver?.discard, iotune: d?.iotune ? limits : undefined };
}

describe("VirtualMachine disk tuning on a running VM", function () {
  this.timeout(600_000);
  const stack = new EngineHarness();
  const direct = new ConnectionPool({ idleMs: 100 });
  let conn: LibvirtConnection;

  before(async () => {
    conn = (await direct.acquire(sshEndpoint(a))).connection;
  });
  after(async () => {
    await stack.destroy();
    await direct.closeAll();
  });

  it("creates a VM with cache, io, discard and limits set, which libvirt runs as declared and a second run leaves alone", async () => {
    const t0 = Date.now();
    const up = await stack.up(program(CREATED));
    assert.deepEqual(up.errors, [], stdoutOf(up).join("\n"));
    console.log(`      create (2 volumes, 1 running VM): ${since(t0)} s`);
    const { config, running } = await definitions(conn, name);
    assert.ok(running, "the VM is not running");
    for (const dom of [config, running]) {
      assert.deepEqual(tuningOf(dom, "vda"), { cache: "none", io: "native", discard: "unmap", iotune: { totalIopsSec: 200 } });
      assert.deepEqual(tuningOf(dom, "vdb"), {
        cache: "writeback",
        io: "threads",
        discard: undefined,
        iotune: { readBytesSec: 10 * MiB, writeBytesSec: 5 * MiB },
      });
    }
    const again = await stack.up(program(CREATED));
    assert.deepEqual(again.errors, []);
    assert.deepEqual(opsByName(again), { data: "same", extra: "same", vm: "same" });
  });

  it("changes and removes limits on the running VM without a restart; a second run is same", async () => {
    const before = await definitions(conn, name);
    const changed: Tuning = {
      vda: { ...CREATED.vda, iops: { read: 400, write: 100 } },
      vdb: { ...CREATED.vdb, bytesPerSecond: undefined },
    };
    const t0 = Date.now();
    const up = await stack.up(program(changed));
    console.log(`      limits changed live: ${since(t0)} s`);
    assert.deepEqual(up.errors, [], stdoutOf(up).join("\n"));
    assert.deepEqual(opsByName(up), { data: "same", extra: "same", vm: "update" });
    const lines = stdoutOf(up).join("\n");
    assert.match(lines, /disks\[0\]: applied live/);
    assert.match(lines, /disks\[1\]: applied live/);
    assert.equal(up.exports.pendingRestart, false, lines);

    const after = await definitions(conn, name);
    assert.equal(after.ref.id, before.ref.id, "the VM was restarted (its running id changed)");
    for (const [reading, dom] of [
      ["running", after.running],
      ["definition", after.config],
    ] as const) {
      assert.deepEqual(tuningOf(dom, "vda").iotune, { readIopsSec: 400, writeIopsSec: 100 }, reading);
      assert.equal(tuningOf(dom, "vdb").iotune, undefined, `${reading}: the removed limit is still there`);
      assert.equal(tuningOf(dom, "vda").io, "native", reading);
    }
    const again = await stack.up(program(changed));
    assert.deepEqual(again.errors, []);
    assert.deepEqual(opsByName(again), { data: "same", extra: "same", vm: "same" });
  });

  it("writes a cache change into the definition and leaves it to a restart (libvirt cannot change it on a running drive)", async () => {
    const before = await definitions(conn, name);
    const cached: Tuning = { vda: { ...CREATED.vda, cache: "directsync", iops: { read: 400, write: 100 } }, vdb: CREATED.vdb };
    const up = await stack.up(program(cached));
    assert.deepEqual(up.errors, [], stdoutOf(up).join("\n"));
    assert.equal(up.exports.pendingRestart, true);
    assert.match(stdoutOf(up).join("\n"), /pending restart: the running VM takes disks\[0\]/);
    const after = await definitions(conn, name);
    assert.equal(after.ref.id, before.ref.id, "the VM was restarted");
    assert.equal(tuningOf(after.config, "vda").cache, "directsync");
    assert.equal(tuningOf(after.running, "vda").cache, "none");
    // The limits added to vdb alongside reached the running VM at once.
    assert.deepEqual(tuningOf(after.running, "vdb").iotune, { readBytesSec: 10 * MiB, writeBytesSec: 5 * MiB });
  });
});
