import assert from "node:assert/strict";
import { VirtualMachine, Volume } from "../../../provider";
import { ConnectionPool, DOMAIN_MEMORY_MAXIMUM, DomainModificationImpact, LibvirtConnection } from "../../../provider/libvirt";
import { devicesOf, sizeToBytes } from "../../../provider/xml";
import { EngineHarness, opsByName, stdoutOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { definitions, findDomain, guestBoot, natNetwork, since, tag } from "./support";

const { a, b } = testHosts();
const MiB = 1024n * 1024n;
const names = {
  vmA: tag("a"),
  vmB: tag("b"),
  netA: `${tag("a")}-net`,
  netB: `${tag("b")}-net`,
  vol: `${tag("")}-data.qcow2`,
  vol2: `${tag("")}-extra.qcow2`,
};

interface Variant {
  memA?: string;
  vcpusA?: number;
  extraNic?: boolean;
  extraDisk?: boolean;
  cmdlineA?: string;
  descriptionA?: string;
  maxMemB?: string;
  domainTypeB?: "kvm" | "qemu";
  archB?: "x86_64" | "i686";
}

/** Issue 6's program: network + volumes + VM on host A, network + VM on host B. */
function program(v: Variant = {}) {
  return () => {
    const netA = natNetwork("netA", a, 200, names.netA);
    const data = new Volume("data", { pool: "default", name: names.vol, capacity: "16MiB", connection: connectionTo(a) });
    const extra = new Volume("extra", { pool: "default", name: names.vol2, capacity: "8MiB", format: "raw", connection: connectionTo(a) });
    const vmA = new VirtualMachine("vmA", {
      name: names.vmA,
      ...guestBoot(a),
      cmdline: v.cmdlineA ?? "console=ttyS0",
      memory: v.memA ?? "96MiB",
      maxMemory: "128MiB",
      vcpus: v.vcpusA ?? 1,
      maxVcpus: 2,
      disks: [{ volumeKey: data.key }, ...(v.extraDisk ? [{ path: extra.path }] : [])],
      networkInterfaces: [{ network: netA.name }, ...(v.extraNic ? [{ network: netA.name }] : [])],
      waitForIp: { source: "lease", timeoutSeconds: 120 },
      shutdownTimeoutSeconds: 20,
      description: v.descriptionA ?? "issue 6 guest on A",
    });
    const netB = natNetwork("netB", b, 201, names.netB);
    const vmB = new VirtualMachine("vmB", {
      name: names.vmB,
      ...guestBoot(b),
      ...(v.domainTypeB ? { domainType: v.domainTypeB } : {}),
      ...(v.archB ? { arch: v.archB } : {}),
      memory: "96MiB",
      maxMemory: v.maxMemB ?? "96MiB",
      networkInterfaces: [{ network: netB.name }],
      waitForIp: { source: "lease", timeoutSeconds: 120 },
      updatePolicy: "manual",
      shutdownTimeoutSeconds: 20,
    });
    return {
      ipA: vmA.ipAddresses,
      ipB: vmB.ipAddresses,
      uuidA: vmA.uuid,
      uuidB: vmB.uuid,
      macsA: vmA.macAddresses,
      pendingB: vmB.pendingRestart,
      stateA: vmA.state,
    };
  };
}

describe("VirtualMachine through the engine on hosts A and B", function () {
  this.timeout(600_000);
  const stack = new EngineHarness();
  const direct = new ConnectionPool({ idleMs: 100 });
  let connA: LibvirtConnection;
  let connB: LibvirtConnection;
  const updated: Variant = { memA: "112MiB", vcpusA: 2, extraNic: true, extraDisk: true };

  before(async () => {
    connA = (await direct.acquire(sshEndpoint(a))).connection;
    connB = (await direct.acquire(sshEndpoint(b))).connection;
  });

  after(async () => {
    await stack.destroy();
    await direct.closeAll();
  });

  it("creates both VMs, boots them to a DHCP lease, and reports no change on a second run", async () => {
    const t0 = Date.now();
    const up = await stack.up(program());
    console.log(`      create (2 networks, 2 volumes, 2 VMs, both to a lease): ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { netA: "create", data: "create", extra: "create", vmA: "create", netB: "create", vmB: "create" });
    const { ipA, ipB, uuidA, uuidB } = up.exports as { ipA: string[]; ipB: string[]; uuidA: string; uuidB: string };
    assert.match(ipA[0] ?? "", /^192\.168\.200\.\d+$/);
    assert.match(ipB[0] ?? "", /^192\.168\.201\.\d+$/);
    assert.ok(
      stdoutOf(up).some((l) => /vmA|got IP address 192\.168\.200\./.test(l) && /after \d+ s/.test(l)),
      "no progress line with elapsed seconds",
    );
    // Checked with libvirt directly: both run where they belong, with the UUIDs the outputs name.
    const onA = await definitions(connA, names.vmA);
    assert.equal(onA.ref.uuid, uuidA);
    assert.ok(onA.running, "VM A is not running");
    assert.equal((await definitions(connB, names.vmB)).ref.uuid, uuidB);
    assert.equal(await findDomain(connA, names.vmB), undefined, "VM B landed on host A");
    const vda = devicesOf(onA.config.devices, "disk")[0]?.source;
    assert.ok(
      vda?.type === "file" && vda.file?.endsWith(`/${names.vol}`),
      `the volume key did not resolve to its path: ${JSON.stringify(vda)}`,
    );

    const t1 = Date.now();
    const again = await stack.up(program());
    console.log(`      no-change run: ${since(t1)} s`);
    assert.deepEqual(again.errors, []);
    assert.deepEqual(Object.values(opsByName(again)), Array(6).fill("same"), JSON.stringify(opsByName(again)));
    assert.deepEqual(
      again.calls.filter((c) => ["Create", "Update", "Delete"].includes(c.method)),
      [],
    );
  });

  it("applies memory, vCPUs, an added NIC and an added disk in place and live", async () => {
    const before = await definitions(connA, names.vmA);
    const t0 = Date.now();
    const up = await stack.up(program(updated));
    console.log(`      live update: ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.equal(opsByName(up).vmA, "update");
    const lines = stdoutOf(up).join("\n");
    for (const property of ["memory", "vcpus", "networkInterfaces\\[1\\]", "disks\\[1\\]"]) {
      assert.match(lines, new RegExp(`"${names.vmA}": ${property}: applied live`), `${property} was not applied live:\n${lines}`);
    }
    assert.doesNotMatch(lines, /restarting|shutting down/);
    const after = await definitions(connA, names.vmA);
    assert.equal(after.ref.uuid, before.ref.uuid, "the VM was replaced");
    assert.equal(after.ref.id, before.ref.id, "the VM was restarted (its running id changed)");
    const running = after.running!;
    assert.equal(running.vcpu?.current ?? running.vcpu?.count, 2, "vCPUs not raised on the running VM");
    assert.equal(devicesOf(running.devices, "interface").length, 2, "NIC not attached live");
    assert.ok(
      devicesOf(running.devices, "disk").some((d) => d.target.dev === "vdb"),
      "disk not attached live",
    );
    // The persistent definition took the same changes (LIVE|CONFIG), so the next boot keeps them.
    assert.equal(sizeToBytes(after.config.currentMemory!), 112n * MiB);
    assert.equal(after.config.vcpu?.current ?? after.config.vcpu?.count, 2);
    assert.equal(devicesOf(after.config.devices, "interface").length, 2);
    assert.equal(await connA.domains.info(after.ref).then((i) => i.vcpus), 2);
    assert.deepEqual(opsByName(await stack.up(program(updated))).vmA, "same");
  });

  it('with updatePolicy "manual", writes a change that needs a restart and sets pendingRestart instead of rebooting', async () => {
    const before = await definitions(connB, names.vmB);
    const v: Variant = { ...updated, maxMemB: "128MiB" };
    const up = await stack.up(program(v));
    assert.deepEqual(up.errors, []);
    assert.equal(opsByName(up).vmB, "update");
    assert.equal(up.exports.pendingB, true);
    assert.match(stdoutOf(up).join("\n"), /pending restart: the running VM takes maxMemory at its next start/);
    const after = await definitions(connB, names.vmB);
    assert.equal(after.ref.id, before.ref.id, "the VM was restarted");
    assert.equal(sizeToBytes(after.config.memory!), 128n * MiB, "the definition was not written");
    assert.equal(sizeToBytes(after.running!.memory!), 96n * MiB);
    assert.equal(opsByName(await stack.up(program(v))).vmB, "same", "a pending restart must not count as drift");
    // Restarted by hand: the running VM matches its definition again; the next run clears the flag.
    await connB.domains.destroy(after.ref);
    await connB.domains.start(after.ref);
    const cleared = await stack.up(program(v));
    assert.deepEqual(cleared.errors, []);
    assert.equal(opsByName(cleared).vmB, "update");
    assert.equal(cleared.exports.pendingB, false);
    assert.equal(stack.state.resources.find((r) => r.name === "vmB")?.outputs.pendingRestart, false);
    assert.equal(opsByName(await stack.up(program(v))).vmB, "same");
    const refresh = await stack.refresh();
    assert.deepEqual(refresh.errors, []);
    assert.equal(stack.state.resources.find((r) => r.name === "vmB")?.outputs.pendingRestart, false);
  });

  it('with updatePolicy "restart" (default), restarts for a change a running VM cannot take', async () => {
    const before = await definitions(connA, names.vmA);
    const v: Variant = { ...updated, maxMemB: "128MiB", cmdlineA: "console=ttyS0 quiet" };
    const t0 = Date.now();
    const up = await stack.up(program(v));
    console.log(`      restart for a new kernel command line: ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.equal(opsByName(up).vmA, "update");
    const lines = stdoutOf(up).join("\n");
    assert.match(lines, /restarting to apply cmdline/);
    // The lease from before the restart does not count: the guest must ask again.
    assert.match(lines, /got IP address 192\.168\.200\.\d+ after [1-9]\d* s/);
    const after = await definitions(connA, names.vmA);
    assert.equal(after.ref.uuid, before.ref.uuid);
    assert.notEqual(after.ref.id, before.ref.id, "the VM was not restarted");
    assert.equal(after.running?.os?.cmdline, "console=ttyS0 quiet");
    assert.match((up.exports.ipA as string[])[0] ?? "", /^192\.168\.200\./);
  });

  it("reports drift made by hand in the preview and corrects it on the next update", async () => {
    const v: Variant = { ...updated, maxMemB: "128MiB", cmdlineA: "console=ttyS0 quiet" };
    const { ref, running } = await definitions(connA, names.vmA);
    const Config = DomainModificationImpact.Config;
    // By hand: memory changed in the definition (setmaxmem/setmem --config), the second NIC removed, the VM stopped.
    await connA.domains.setMemory(ref, 160n * 1024n, Config | DOMAIN_MEMORY_MAXIMUM);
    await connA.domains.setMemory(ref, 100n * 1024n, Config);
    const nic = devicesOf(running!.devices, "interface")[1];
    await connA.domains.detachDevice(
      ref,
      `<interface type='network'><mac address='${nic.mac}'/><source network='${names.netA}'/></interface>`,
      DomainModificationImpact.Live | Config,
    );
    await connA.domains.destroy(ref);

    const preview = await stack.preview(program(v));
    assert.deepEqual(preview.errors, []);
    assert.equal(opsByName(preview).vmA, "update");
    const lines = stdoutOf(preview).join("\n");
    for (const property of ["maxMemory", "memory", "networkInterfaces\\[1\\]", "running"]) {
      assert.match(lines, new RegExp(`"${names.vmA}": ${property}: `), `preview does not name ${property}:\n${lines}`);
    }

    const up = await stack.up(program(v));
    assert.deepEqual(up.errors, []);
    const after = await definitions(connA, names.vmA);
    assert.ok(after.running, "not started again");
    assert.equal(sizeToBytes(after.config.memory!), 128n * MiB);
    assert.equal(sizeToBytes(after.config.currentMemory!), 112n * MiB);
    assert.equal(devicesOf(after.running.devices, "interface").length, 2);
    assert.equal(devicesOf(after.config.devices, "interface").length, 2);
    assert.deepEqual(Object.values(opsByName(await stack.up(program(v)))), Array(6).fill("same"));
  });

  it("detaches the added NIC and disk, and changes the description, live", async () => {
    const v: Variant = { memA: "112MiB", vcpusA: 2, maxMemB: "128MiB", cmdlineA: "console=ttyS0 quiet", descriptionA: "web & <db>" };
    const before = await definitions(connA, names.vmA);
    const up = await stack.up(program(v));
    assert.deepEqual(up.errors, []);
    assert.equal(opsByName(up).vmA, "update");
    const lines = stdoutOf(up).join("\n");
    assert.match(lines, new RegExp(`"${names.vmA}": networkInterfaces: applied live`));
    assert.match(lines, new RegExp(`"${names.vmA}": disks: applied live`));
    assert.match(lines, new RegExp(`"${names.vmA}": description: applied live`));
    const after = await definitions(connA, names.vmA);
    assert.equal(after.ref.id, before.ref.id, "the VM was restarted");
    for (const dom of [after.running!, after.config]) {
      assert.equal(dom.description, "web & <db>");
      assert.equal(devicesOf(dom.devices, "interface").length, 1);
      assert.deepEqual(
        devicesOf(dom.devices, "disk").map((d) => d.target.dev),
        ["vda"],
      );
    }
    assert.equal(opsByName(await stack.up(program(v))).vmA, "same");
  });

  it("replaces only for a new domain type or architecture (or name, or host), and the diff names the property", async () => {
    const v: Variant = { memA: "112MiB", vcpusA: 2, maxMemB: "128MiB", cmdlineA: "console=ttyS0 quiet", descriptionA: "web & <db>" };
    const other = b.domainType === "kvm" ? "qemu" : "kvm";
    for (const [change, property] of [
      [{ domainTypeB: other }, "domainType"],
      [{ archB: "i686" }, "arch"],
    ] as const) {
      const preview = await stack.preview(program({ ...v, ...change }));
      assert.deepEqual(preview.errors, []);
      const step = preview.steps.find((s) => s.name === "vmB");
      assert.equal(step?.op, "replace");
      assert.deepEqual(step?.replaces, [property]);
      assert.match(stdoutOf(preview).join("\n"), new RegExp(`must be replaced: ${property} cannot change in place`));
    }
  });

  it("destroys everything", async () => {
    const t0 = Date.now();
    const down = await stack.destroy();
    console.log(`      destroy: ${since(t0)} s`);
    assert.deepEqual(down.errors, []);
    assert.equal(await findDomain(connA, names.vmA), undefined);
    assert.equal(await findDomain(connB, names.vmB), undefined);
    const nets = [...(await connA.networks.listAll()), ...(await connB.networks.listAll())].map((n) => n.name);
    assert.ok(!nets.includes(names.netA) && !nets.includes(names.netB), `networks left: ${nets.join(", ")}`);
    const vols = (await connA.volumes.listAll(await connA.pools.lookupByName("default"))).map((x) => x.name);
    assert.ok(!vols.includes(names.vol) && !vols.includes(names.vol2), "volumes left");
  });
});
