import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DomainState, LibvirtConnection } from "../../../provider/libvirt";
import { ErrorCode, LibvirtError } from "../../../provider/rpc";
import { requireVolumes, resolveDisks } from "../../../provider/resources/vm/disks";
import { replacementsOf } from "../../../provider/resources/common/kindSpec";
import { vmKind } from "../../../provider/resources/vm/kind";
import { AUTOSELECTED, keptUefiOs } from "../../../provider/resources/vm/firmware";
import { domainModelOf } from "../../../provider/resources/vm/model";
import { planVm } from "../../../provider/resources/vm/plan";
import { fitsLive } from "../../../provider/resources/vm/remedies";
import type { VmLive } from "../../../provider/resources/vm/read";
import { driftOf } from "../../../provider/resources/vm/drift";
import { Domain, parseDomainXml } from "../../../provider/xml";
import { FIXTURE, FIXTURE_UUID, fixtureDisks, fixtureInputs, fixtureSpec } from "./fixtureSpec";

const read = (name: string): Domain => parseDomainXml(readFileSync(path.join(__dirname, "fixtures", name), "utf8"));
const config = read("vm-inactive.xml");
const running = read("vm-running.xml");
const inputs = fixtureInputs(FIXTURE);
const MiB = 1024n * 1024n;

/** The plan for the fixture spec changed by `change`, against what libvirt captured. */
function planFor(change: Record<string, unknown>, on: { config?: Domain; running?: Domain } = {}) {
  const spec = fixtureSpec(FIXTURE, change);
  return planVm(domainModelOf(spec, fixtureDisks(spec), FIXTURE_UUID), on.config ?? config, "running" in on ? on.running : running);
}

const props = (list: { property: string }[]) => list.map((d) => d.property);

function liveOf(
  change: Record<string, unknown>,
  on: { config?: Domain; running?: Domain } = {},
): { spec: ReturnType<typeof fixtureSpec>; live: VmLive } {
  const spec = fixtureSpec(FIXTURE, change);
  const live: VmLive = {
    ref: { name: FIXTURE.name, uuid: FIXTURE_UUID, id: 74 },
    config: on.config ?? config,
    running: "running" in on ? on.running : running,
    state: DomainState.Running,
    autostart: false,
    disks: fixtureDisks(spec),
    addresses: [],
  };
  return { spec, live };
}

describe("VirtualMachine plan: the program against libvirt's readings of it", () => {
  it("settles against the captured definition and running domain (libvirt's additions are not differences)", () => {
    const plan = planFor({});
    assert.deepEqual(plan, { config: [], live: [], restart: [] });
  });

  it("raises vCPUs live, up to the maximum the VM booted with", () => {
    const plan = planFor({ vcpus: 2 });
    assert.deepEqual(props(plan.config), ["vcpus"]);
    assert.deepEqual(props(plan.live), ["vcpus"]);
    assert.deepEqual(plan.restart, []);
  });

  it("lowers vCPUs only by a restart (a guest may refuse to give CPUs back)", () => {
    const two = structuredClone(running);
    two.vcpu = { count: 2, current: 2 };
    const plan = planFor({}, { running: two });
    assert.deepEqual(props(plan.restart), ["vcpus"]);
    assert.deepEqual(plan.live, []);
  });

  it("compares memory on the definition only: the running value is what the balloon driver achieved", () => {
    const plan = planFor({ memory: "112MiB" });
    assert.deepEqual(props(plan.config), ["memory"]);
    assert.deepEqual([...plan.live, ...plan.restart], []);
    assert.equal(fitsLive({ kind: "memory", to: 112n * MiB }, running), true);
    assert.equal(fitsLive({ kind: "memory", to: 160n * MiB }, running), false, "above the boot-time memory");
  });

  it("needs a restart for maxMemory, maxVcpus, kernel command line", () => {
    for (const [change, property] of [
      [{ maxMemory: "256MiB" }, "maxMemory"],
      [{ maxVcpus: 4 }, "maxVcpus"],
      [{ cmdline: "console=ttyS0 quiet" }, "cmdline"],
      [{ cmdline: undefined }, "cmdline"],
    ] as const) {
      const plan = planFor(change);
      assert.deepEqual(props(plan.config), [property], JSON.stringify(change));
      assert.deepEqual(props(plan.restart), [property], JSON.stringify(change));
    }
  });

  it("attaches and detaches NICs and virtio/SCSI disks live; SATA disks and changed devices need a restart", () => {
    const nics = inputs.networkInterfaces as object[];
    const disks = inputs.disks as object[];
    const cases: [Record<string, unknown>, string, "live" | "restart", string][] = [
      [{ networkInterfaces: [...nics, { network: FIXTURE.network }] }, "networkInterfaces[2]", "live", "attach"],
      [{ networkInterfaces: nics.slice(0, 1) }, "networkInterfaces", "live", "detach"],
      [{ disks: [...disks, { path: "/srv/d.img" }] }, "disks[3]", "live", "attach"],
      [{ disks: [...disks, { path: "/srv/d.img", bus: "scsi" }] }, "disks[3]", "live", "attach"],
      [{ disks: [...disks, { path: "/srv/d.img", bus: "sata" }] }, "disks[3]", "restart", "attach"],
      [{ disks: disks.slice(0, 2) }, "disks", "live", "detach"],
      [{ disks: [disks[0], { device: "cdrom", path: "/srv/seed.iso" }, disks[2]] }, "disks[1]", "restart", "definition"],
      [{ networkInterfaces: [nics[0], { ...nics[1], model: "virtio" }] }, "networkInterfaces[1]", "restart", "definition"],
    ];
    for (const [change, property, where, kind] of cases) {
      const plan = planFor(change);
      const found = plan[where].find((d) => d.property === property);
      assert.ok(
        found,
        `${JSON.stringify(change)}: ${property} not in ${where}: ${JSON.stringify({ live: props(plan.live), restart: props(plan.restart) })}`,
      );
      assert.equal(found.change.kind, kind);
      assert.deepEqual(props(plan.config), [property]);
    }
  });

  it("changes the description live, and removing it counts", () => {
    assert.deepEqual(props(planFor({ description: "web" }).live), ["description"]);
    assert.deepEqual(props(planFor({ description: undefined }).live), ["description"]);
  });

  it("does not compare a host-model CPU with the model a running domain expanded it to", () => {
    const withModel = structuredClone(config);
    withModel.cpu = { mode: "host-model" };
    const plan = planFor({ cpuMode: "host-model" }, { config: withModel });
    assert.deepEqual(plan, { config: [], live: [], restart: [] });
  });

  it("settles a UEFI VM against firmware autoselection, and keeps the NVRAM path the definition names", () => {
    const nvram = "/var/lib/libvirt/qemu/nvram/web1_VARS.fd";
    const efiConfig = structuredClone(config);
    efiConfig.os = { ...efiConfig.os, ...structuredClone(AUTOSELECTED), machine: "pc-q35-7.2" };
    // A running domain shows what autoselection chose, and drops firmware='efi'.
    const efiRunning = structuredClone(running);
    efiRunning.os = {
      ...efiRunning.os,
      machine: "pc-q35-7.2",
      extra: structuredClone(AUTOSELECTED.extra),
      loader: { path: "/usr/share/OVMF/OVMF_CODE_4M.fd", readonly: true, type: "pflash" },
      nvram: { path: nvram, template: "/usr/share/OVMF/OVMF_VARS_4M.fd" },
    };
    assert.deepEqual(planFor({ firmware: "uefi" }, { config: efiConfig, running: efiRunning }), { config: [], live: [], restart: [] });

    const spec = fixtureSpec(FIXTURE, { firmware: "uefi" });
    const fresh = domainModelOf(spec, fixtureDisks(spec), FIXTURE_UUID);
    assert.deepEqual([fresh.os?.firmware, fresh.os?.machine, fresh.os?.nvram, fresh.features?.acpi], ["efi", "q35", undefined, true]);
    const withPath = { ...efiConfig, os: { ...efiConfig.os, nvram: { path: nvram } } };
    const kept = domainModelOf(spec, fixtureDisks(spec), FIXTURE_UUID, keptUefiOs(withPath));
    assert.deepEqual([kept.os?.firmware, kept.os?.nvram], ["efi", { path: nvram }]);
    const bios = fixtureSpec(FIXTURE, {});
    assert.equal(domainModelOf(bios, fixtureDisks(bios), FIXTURE_UUID, keptUefiOs(withPath)).os?.nvram, undefined);
    assert.ok(props(planFor({ firmware: "uefi" }, { config, running: undefined }).config).includes("firmware"));
  });

  it("replaces the VM when the firmware changes", () => {
    const bios = fixtureSpec(FIXTURE, {});
    assert.deepEqual(replacementsOf(vmKind, bios, fixtureSpec(FIXTURE, { firmware: "uefi" })), ["firmware"]);
    assert.deepEqual(replacementsOf(vmKind, bios, fixtureSpec(FIXTURE, { firmware: "bios" })), []);
  });

  it("names every property in the drift a preview prints, once per difference", () => {
    const { spec, live } = liveOf({ vcpus: 2, memory: "112MiB" });
    const drift = driftOf(spec, FIXTURE_UUID, live);
    assert.deepEqual(
      drift.map((d) => d.property),
      ["memory", "vcpus"],
    );
    assert.match(drift[1].detail, /declared 2, the host has 1 \(in the definition; on the running VM: applied live\)/);
  });

  it('reports a difference only a restart fixes as drift with updatePolicy "restart", and as pendingRestart with "manual"', () => {
    // The definition already has the new maxMemory; the running VM still has the old one.
    const redefined = structuredClone(config);
    redefined.memory = { value: 262144, unit: "KiB" };
    for (const policy of ["restart", "manual"] as const) {
      const { spec, live } = liveOf({ maxMemory: "256MiB", updatePolicy: policy }, { config: redefined });
      const drift = driftOf(spec, FIXTURE_UUID, live);
      const outputs = vmKind.outputs(spec, { id: FIXTURE_UUID, state: live });
      assert.equal(outputs.pendingRestart, true);
      if (policy === "restart")
        assert.match(drift.map((d) => `${d.property}: ${d.detail}`).join("\n"), /maxMemory: .*it will be restarted/);
      else assert.deepEqual(drift, []);
    }
  });

  it("has no pending restart for a difference the next update applies live (a NIC or disk detached, the description)", () => {
    const nics = inputs.networkInterfaces as object[];
    const disks = inputs.disks as object[];
    for (const change of [{ networkInterfaces: nics.slice(0, 1) }, { disks: disks.slice(0, 2) }, { description: "web" }]) {
      const { spec, live } = liveOf(change);
      assert.notDeepEqual(driftOf(spec, FIXTURE_UUID, live), [], JSON.stringify(change));
      assert.equal(vmKind.outputs(spec, { id: FIXTURE_UUID, state: live }).pendingRestart, false, JSON.stringify(change));
      // After an update's live calls, a live difference left is one the running VM refused: it waits for a restart.
      const refused = vmKind.outputs(spec, { id: FIXTURE_UUID, state: { ...live, liveCallsMade: true } });
      assert.equal(refused.pendingRestart, true, JSON.stringify(change));
    }
  });

  it("reports a disk's volume removed by hand as drift, never thrown; a write refuses it, naming the disk", async () => {
    const { spec, live } = liveOf({});
    const gone = new LibvirtError(ErrorCode.NoStorageVol, 0, "no storage vol");
    const volumes = {
      lookupByKey: (key: string) => (key === "data" ? Promise.reject(gone) : Promise.resolve({ pool: "p", name: key, key })),
      path: (ref: { key: string }) => Promise.resolve(`${FIXTURE.images}/${FIXTURE.name}-${ref.key}.qcow2`),
      xmlDesc: () => Promise.resolve("<volume><name>v</name><target><format type='qcow2'/></target></volume>"),
      lookupByPath: () => Promise.reject(gone),
    };
    live.disks = await resolveDisks({ volumes } as unknown as LibvirtConnection, spec.disks);
    const lines = driftOf(spec, FIXTURE_UUID, live).filter((d) => d.property === "disks[2].volumeKey");
    assert.deepEqual(lines, [{ property: "disks[2].volumeKey", detail: 'the host has no volume with key "data"' }]);
    assert.throws(() => requireVolumes(live.disks), /disks\[2\]\.volumeKey: the host has no volume with key "data"/);
  });

  it("reports power state and autostart, and a stopped VM has no pending restart", () => {
    const { spec, live } = liveOf({ autostart: true }, { running: undefined });
    live.state = DomainState.Shutoff;
    assert.deepEqual(
      driftOf(spec, FIXTURE_UUID, live).map((d) => d.property),
      ["running", "autostart"],
    );
    const outputs = vmKind.outputs(spec, { id: FIXTURE_UUID, state: live });
    assert.deepEqual(outputs, {
      uuid: FIXTURE_UUID,
      state: "shutoff",
      ipAddresses: [],
      macAddresses: ["52:54:00:fa:00:01", "52:54:00:fa:00:02"],
      pendingRestart: false,
    });
  });
});
