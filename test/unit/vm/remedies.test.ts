/**
 * The remedy table alone: each row's reading, live predicate, impact flags
 * and call, without a plan around it.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DomainModificationImpact, LibvirtConnection } from "../../../provider/libvirt";
import type { VmChange } from "../../../provider/resources/vm/compare";
import { applyLive, comparedIn, fitsLive, liveFlags, VM_REMEDIES } from "../../../provider/resources/vm/remedies";
import { Device, Domain, parseDomainXml } from "../../../provider/xml";

const read = (name: string): Domain => parseDomainXml(readFileSync(path.join(__dirname, "fixtures", name), "utf8"));
const config = read("vm-inactive.xml");
const running = read("vm-running.xml");
const MiB = 1024n * 1024n;
const { Live, Config } = DomainModificationImpact;
const nic = (mac: string): Device => ({ kind: "interface", source: { type: "network", network: "n" }, mac });

describe("vm/remedies: one row per kind of VM change", () => {
  it("has a row with its reason for every kind; only a definition change has no live call", () => {
    for (const [kind, row] of Object.entries(VM_REMEDIES)) {
      assert.ok(row.why.length > 20, kind);
      assert.equal(row.live === undefined, kind === "definition", kind);
    }
  });

  it("memory: compared on the definition only, and live exactly when the target fits the memory the guest booted with", () => {
    assert.deepEqual([comparedIn("memory", "persistent"), comparedIn("memory", "running")], [true, false]);
    // The running fixture booted with 128 MiB.
    assert.equal(fitsLive({ kind: "memory", to: 96n * MiB }, running), true);
    assert.equal(fitsLive({ kind: "memory", to: 128n * MiB }, running), true);
    assert.equal(fitsLive({ kind: "memory", to: 129n * MiB }, running), false);
    assert.equal(fitsLive({ kind: "memory", to: 96n * MiB }, { ...running, memory: undefined }), false);
  });

  it("vcpus: live only upwards and within the booted maximum; every other kind is compared in both readings", () => {
    assert.equal(fitsLive({ kind: "vcpus", from: 1, to: 2 }, running), true);
    assert.equal(fitsLive({ kind: "vcpus", from: 1, to: 3 }, running), false, "above the booted maximum");
    assert.equal(fitsLive({ kind: "vcpus", from: 2, to: 1 }, running), false, "fewer");
    assert.equal(fitsLive({ kind: "definition" }, running), false);
    for (const kind of ["vcpus", "description", "attach", "detach", "update", "definition"] as const)
      assert.ok(comparedIn(kind, "persistent") && comparedIn(kind, "running"), kind);
  });

  it("adds CONFIG to the live call only when the definition has the same difference", () => {
    const attach = (mac: string): VmChange => ({ kind: "attach", key: `nic:${mac}`, device: nic(mac), hotpluggable: true });
    const vcpus: VmChange = { kind: "vcpus", from: 1, to: 2 };
    assert.equal(liveFlags(attach("a"), [attach("a")], config), Live | Config);
    assert.equal(liveFlags(attach("a"), [attach("b"), { kind: "description" }], config), Live);
    assert.equal(liveFlags({ kind: "description" }, [{ kind: "description" }], config), Live | Config);
    assert.equal(liveFlags({ kind: "description" }, [], config), Live);
    assert.equal(liveFlags(vcpus, [vcpus], config), Live | Config);
    assert.equal(liveFlags(vcpus, [vcpus], { ...config, vcpu: { count: 1 } }), Live, "the definition's maximum is below the count");
    const memory: VmChange = { kind: "memory", to: 112n * MiB };
    assert.equal(liveFlags(memory, [memory], config), Live | Config);
  });

  it("applies a change by its row's call, with the flags given; a definition change has no live call", async () => {
    const calls: string[] = [];
    const record =
      (name: string) =>
      async (...args: unknown[]) => {
        calls.push(`${name} ${args.slice(1).map(String).join(" ")}`);
      };
    const conn = {
      domains: { setMemory: record("setMemory"), setVcpus: record("setVcpus"), setMetadata: record("setMetadata") },
    } as unknown as LibvirtConnection;
    const target = { conn, ref: { name: "vm", uuid: "u", id: 1 }, desired: { ...config, description: "web" }, flags: Live | Config };
    await applyLive(target, { kind: "memory", to: 112n * MiB }, "memory");
    await applyLive(target, { kind: "vcpus", from: 1, to: 2 }, "vcpus");
    await applyLive({ ...target, flags: Live }, { kind: "description" }, "description");
    assert.deepEqual(calls, ["setMemory 114688 3", "setVcpus 2 3", "setMetadata 0 web 1"]);
    await assert.rejects(applyLive(target, { kind: "definition" }, "cmdline"), /cmdline: cannot be applied by a live call/);
  });
});
