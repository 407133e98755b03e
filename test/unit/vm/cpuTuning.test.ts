/**
 * CPU topology (`cpu`) and vCPU pinning (`vcpuPinning`): CPU lists, the
 * `<cputune>` model, the definition the inputs make, and comparisons
 * against what libvirt made of five configurations (fixtures/cpu-*.xml).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DomainModificationImpact, LibvirtConnection } from "../../../provider/libvirt";
import { compareVm } from "../../../provider/resources/vm/compare";
import { domainModelOf } from "../../../provider/resources/vm/model";
import { planVm } from "../../../provider/resources/vm/plan";
import { applyLive, fitsLive, liveFlags } from "../../../provider/resources/vm/remedies";
import { withdrawnParts } from "../../../provider/resources/vm/withdrawn";
import {
  buildDomainXml,
  canonicalCpuset,
  compareDomain,
  Domain,
  formatCpuset,
  normalizeDomain,
  parseCpuset,
  parseDomainXml,
} from "../../../provider/xml";
import { CPU_CONFIGS, CPU_FIXTURE_UUID, cpuConfigSpec } from "./cpuConfigs";

const read = (name: string): Domain => parseDomainXml(readFileSync(path.join(__dirname, "fixtures", name), "utf8"));
const NAME = "pkvm-vmcpu";
const modelOf = (config: string, change: Record<string, unknown> = {}) =>
  domainModelOf(cpuConfigSpec(config, NAME, "qemu", change), [], CPU_FIXTURE_UUID);
const { Live, Config } = DomainModificationImpact;

describe("CPU lists (cpuset)", () => {
  it("reads numbers, ranges and exclusions left to right", () => {
    assert.deepEqual(parseCpuset("0"), { cpus: [0] });
    assert.deepEqual(parseCpuset("1-3,^2"), { cpus: [1, 3] });
    assert.deepEqual(parseCpuset("0-3,^2,6,2"), { cpus: [0, 1, 2, 3, 6] });
    assert.deepEqual(parseCpuset("5,0,5"), { cpus: [0, 5] });
  });

  it("refuses what libvirt refuses, saying why", () => {
    for (const [text, why] of [
      ["", /not empty/],
      ["0,", /"" is not a CPU number/],
      ["a", /"a" is not a CPU number/],
      [" 1", /" 1" is not/],
      ["3-1", /runs backwards/],
      ["^1-2", /exclusion takes one CPU/],
      ["0,^0", /selects no CPU/],
      ["16384", /below 16384/],
    ] as const) {
      const parsed = parseCpuset(text);
      assert.ok("problem" in parsed && why.test(parsed.problem), `${JSON.stringify(text)}: ${JSON.stringify(parsed)}`);
    }
  });

  it("spells a set as libvirt does: ascending, runs as ranges", () => {
    assert.equal(formatCpuset([3, 0, 1]), "0-1,3");
    assert.equal(formatCpuset([0, 2, 4, 5, 6]), "0,2,4-6");
    assert.equal(canonicalCpuset("0,1"), "0-1");
    assert.equal(canonicalCpuset("1-3,^2"), "1,3");
    assert.equal(canonicalCpuset("not a list"), "not a list");
  });
});

describe("the <cputune> model", () => {
  it("reads vCPU pins and keeps the rest of <cputune> and of each pin", () => {
    const xml =
      "<domain type='qemu'><name>x</name><cputune><vcpupin vcpu='1' cpuset='0-1'/><emulatorpin cpuset='1'/>" +
      "<vcpupin vcpu='0' cpuset='0' extra='kept'/><shares>2048</shares></cputune><devices/></domain>";
    const dom = parseDomainXml(xml);
    assert.deepEqual(
      dom.cputune?.vcpupins?.map((p) => [p.vcpu, p.cpuset]),
      [
        [1, "0-1"],
        [0, "0"],
      ],
    );
    assert.deepEqual(
      dom.cputune?.extra?.children.map((c) => c.name),
      ["emulatorpin", "shares"],
    );
    const again = parseDomainXml(buildDomainXml(dom));
    assert.deepEqual(again.cputune, dom.cputune);
    assert.equal(again.cputune?.vcpupins?.[1]?.extra?.attrs.extra, "kept");
  });

  it("writes the topology into <cpu> beside the mode, and the pins into <cputune>, in the program's spelling", () => {
    const dom = modelOf("modeAndPins");
    assert.deepEqual(dom.cpu, { mode: "maximum", topology: { sockets: 1, cores: 1, threads: 2 } });
    const respelled = modelOf("respelled");
    assert.deepEqual(respelled.cputune, {
      vcpupins: [
        { vcpu: 0, cpuset: "0,1" },
        { vcpu: 1, cpuset: "1-3,^2,^3" },
      ],
    });
    const xml = buildDomainXml(respelled);
    assert.match(xml, /<cputune>\s*<vcpupin vcpu="0" cpuset="0,1"\/>\s*<vcpupin vcpu="1" cpuset="1-3,\^2,\^3"\/>\s*<\/cputune>/);
    assert.match(xml, /<cpu>\s*<topology sockets="2" cores="1" threads="1"\/>\s*<\/cpu>/);
    assert.equal(modelOf("topology").cputune, undefined);
    assert.equal(modelOf("pins").cpu, undefined);
  });

  it("compares CPU lists as sets: libvirt's respelling is no difference, another set is", () => {
    const live = read("cpu-respelled-inactive.xml");
    assert.equal(live.cputune?.vcpupins?.[1]?.cpuset, "1");
    assert.deepEqual(compareDomain(modelOf("respelled"), live), []);
    assert.equal(normalizeDomain(live, modelOf("respelled")).cputune?.vcpupins?.[0]?.cpuset, "0-1");
    const other = compareDomain(modelOf("respelled", { vcpuPinning: { 0: "0,1", 1: "0" } }), live);
    assert.deepEqual(
      other.map((d) => [d.path, d.desired, d.live]),
      [["cputune.vcpupins[1].cpuset", '"0"', '"1"']],
    );
  });
});

describe("CPU configurations against libvirt's readings", () => {
  for (const config of Object.keys(CPU_CONFIGS)) {
    it(`${config}: no difference from the definition or the running domain libvirt made of it`, () => {
      const desired = modelOf(config);
      const inactive = read(`cpu-${config}-inactive.xml`);
      const running = read(`cpu-${config}-running.xml`);
      assert.deepEqual(compareVm(desired, inactive, { running: false }), []);
      assert.deepEqual(compareVm(desired, running, { running: true }), []);
      const plan = planVm(desired, inactive, running);
      assert.deepEqual([plan.config, plan.live, plan.restart], [[], [], []]);
      // The captured definition, rebuilt and read again, is the same document.
      assert.deepEqual(parseDomainXml(buildDomainXml(inactive)), inactive);
    });
  }
});

describe("CPU changes: which apply live", () => {
  const inactive = read("cpu-offlinePin-inactive.xml");
  const running = read("cpu-offlinePin-running.xml");

  it("a new pin of an online vCPU is one pin change in both readings, applied live with LIVE|CONFIG", () => {
    const plan = planVm(modelOf("offlinePin", { vcpuPinning: { 0: "0-1", 3: "0" } }), inactive, running);
    assert.deepEqual(
      plan.config.map((d) => [d.property, d.change]),
      [["vcpuPinning[0]", { kind: "pin", vcpu: 0, cpuset: "0-1" }]],
    );
    assert.deepEqual(
      plan.live.map((d) => d.property),
      ["vcpuPinning[0]"],
    );
    assert.deepEqual(plan.restart, []);
    const [d] = plan.live;
    assert.ok(d);
    assert.equal(
      liveFlags(
        d.change,
        plan.config.map((c) => c.change),
        inactive,
      ),
      Live | Config,
    );
  });

  it("a pin the host lacks is a pin change too", () => {
    const plan = planVm(modelOf("offlinePin", { vcpuPinning: { 0: "1", 1: "0", 3: "0" } }), inactive, running);
    assert.deepEqual(
      plan.live.map((d) => [d.property, d.change]),
      [["vcpuPinning[1]", { kind: "pin", vcpu: 1, cpuset: "0" }]],
    );
  });

  it("a new pin of an offline vCPU waits for a restart", () => {
    const plan = planVm(modelOf("offlinePin", { vcpuPinning: { 0: "1", 3: "1" } }), inactive, running);
    assert.deepEqual(
      plan.restart.map((d) => d.property),
      ["vcpuPinning[3]"],
    );
    assert.equal(fitsLive({ kind: "pin", vcpu: 3, cpuset: "1" }, running), false);
  });

  it("a new topology is a change of the definition that waits for a restart, named cpu", () => {
    const plan = planVm(
      modelOf("offlinePin", { cpu: { sockets: 2, cores: 2, threads: 1 } }),
      read("cpu-offlinePin-inactive.xml"),
      read("cpu-offlinePin-running.xml"),
    );
    assert.deepEqual(
      plan.config.map((d) => [d.property, d.change.kind]),
      [
        ["cpu", "definition"],
        ["cpu", "definition"],
      ],
    );
    assert.deepEqual(
      plan.restart.map((d) => d.property),
      ["cpu", "cpu"],
    );
  });

  it("a host-model CPU shown expanded still shows a new topology", () => {
    const desired = modelOf("topology", { cpuMode: "host-model", cpu: { sockets: 2, cores: 1, threads: 1 } });
    const live = read("cpu-topology-running.xml");
    const shown = { ...live, cpu: { ...live.cpu, mode: "custom" as const, model: "Skylake-Client-IBRS" } };
    assert.deepEqual(
      compareVm(desired, shown, { running: true }).map((d) => d.property),
      ["cpu", "cpu"],
    );
  });

  it("a pin no longer declared is undone as a pin change (every host CPU), not a new definition", () => {
    const gone = withdrawnParts(modelOf("offlinePin"), modelOf("offlinePin", { vcpuPinning: { 0: "1" } }), false);
    assert.deepEqual(
      gone.map((d) => [d.property, d.change]),
      [["vcpuPinning[3]", { kind: "pin", vcpu: 3 }]],
    );
    const all = withdrawnParts(modelOf("offlinePin"), modelOf("offlinePin", { vcpuPinning: undefined }), false);
    assert.deepEqual(
      all.map((d) => d.change),
      [
        { kind: "pin", vcpu: 0 },
        { kind: "pin", vcpu: 3 },
      ],
    );
    // Undone on the definition too when it pins the vCPU.
    assert.equal(liveFlags({ kind: "pin", vcpu: 0 }, [], inactive), Live | Config);
    assert.equal(liveFlags({ kind: "pin", vcpu: 1 }, [], inactive), Live);
  });

  it("pins by the pin call: the list's CPUs, or every online CPU to undo a pin", async () => {
    const calls: string[] = [];
    const conn = {
      onlineCpus: async () => [0, 1],
      domains: {
        pinVcpu: async (_ref: unknown, vcpu: number, cpus: number[], flags: number) => void calls.push(`${vcpu} [${cpus.join()}] ${flags}`),
      },
    } as unknown as LibvirtConnection;
    const target = { conn, ref: { name: "vm", uuid: "u", id: 1 }, desired: inactive, flags: Live | Config };
    await applyLive(target, { kind: "pin", vcpu: 1, cpuset: "1-3,^2" }, "vcpuPinning[1]");
    await applyLive({ ...target, flags: Live }, { kind: "pin", vcpu: 0 }, "vcpuPinning[0]");
    assert.deepEqual(calls, ["1 [1,3] 3", "0 [0,1] 1"]);
  });
});
