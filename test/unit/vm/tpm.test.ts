import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DomainUndefineFlags } from "../../../provider/libvirt";
import { Problems } from "../../../provider/resources/common/problems";
import { domainModelOf } from "../../../provider/resources/vm/model";
import { planVm } from "../../../provider/resources/vm/plan";
import { fitsLive, VM_REMEDIES } from "../../../provider/resources/vm/remedies";
import { checkTpm, tpmDevice, tpmModelOf, tpmUndefineFlags } from "../../../provider/resources/vm/tpm";
import { buildDevice, buildXml, Domain, parseDomainXml, parseXml, Tpm } from "../../../provider/xml";
import { parseDevices } from "../../../provider/xml/domain/devices";
import { FIXTURE, FIXTURE_UUID, fixtureDisks, fixtureSpec } from "./fixtureSpec";

/** A captured reading with `tpm` (libvirt's own spelling of it) added to its devices. */
function readingWith(name: string, tpm?: string): Domain {
  const xml = readFileSync(path.join(__dirname, "fixtures", name), "utf8");
  return parseDomainXml(tpm === undefined ? xml : xml.replace("</devices>", `${tpm}\n  </devices>`));
}

/**
 * libvirt 9.0's readings of the `<tpm>` each config defines, as host A showed them:
 * the inactive definition as written, the running domain with the device's alias.
 */
const LIBVIRT_TPM: Record<string, { inactive: string; running: string }> = {
  tis: {
    inactive: "<tpm model='tpm-tis'>\n<backend type='emulator' version='2.0'/>\n</tpm>",
    running: "<tpm model='tpm-tis'>\n<backend type='emulator' version='2.0'/>\n<alias name='tpm0'/>\n</tpm>",
  },
  crb: {
    inactive: "<tpm model='tpm-crb'>\n<backend type='emulator' version='2.0'/>\n</tpm>",
    running: "<tpm model='tpm-crb'>\n<backend type='emulator' version='2.0'/>\n<alias name='tpm0'/>\n</tpm>",
  },
  persistent: {
    inactive: "<tpm model='tpm-tis'>\n<backend type='emulator' version='2.0' persistent_state='yes'/>\n</tpm>",
    running: "<tpm model='tpm-tis'>\n<backend type='emulator' version='2.0' persistent_state='yes'/>\n<alias name='tpm0'/>\n</tpm>",
  },
};

/** The plan of the fixture VM with `change`, against the captured readings carrying `host`'s TPM (none: no TPM). */
function planFor(change: Record<string, unknown>, host?: keyof typeof LIBVIRT_TPM) {
  const spec = fixtureSpec(FIXTURE, change);
  const t = host === undefined ? undefined : LIBVIRT_TPM[host];
  const config = readingWith("vm-inactive.xml", t?.inactive);
  const running = readingWith("vm-running.xml", t?.running);
  return { plan: planVm(domainModelOf(spec, fixtureDisks(spec), FIXTURE_UUID), config, running), running };
}

const props = (list: { property: string }[]) => list.map((d) => d.property);

describe("VirtualMachine TPM", () => {
  describe("check", () => {
    const check = (value: unknown) => {
      const problems = new Problems();
      const spec = checkTpm(problems, "tpm", value);
      return { spec, problems: problems.all.map((p) => `${p.property}: ${p.reason}`) };
    };

    it("accepts an empty object: TPM 2.0, model by firmware, state removed with the VM", () => {
      assert.deepEqual(check({}), { spec: { model: undefined, version: "2.0", persistentState: false }, problems: [] });
      assert.deepEqual(check({ model: "crb", version: "2.0", persistentState: true }), {
        spec: { model: "crb", version: "2.0", persistentState: true },
        problems: [],
      });
    });

    it("refuses bad values by property and rule, unknown keys included", () => {
      assert.deepEqual(check("crb").problems, ['tpm: must be an object such as { model: "crb", version: "2.0" }']);
      assert.deepEqual(check({ model: "tpm-crb" }).problems, ['tpm.model: must be one of "tis", "crb"']);
      assert.deepEqual(check({ version: "1.2" }).problems, ['tpm.version: must be one of "2.0"']);
      assert.deepEqual(check({ persistentState: "yes" }).problems, ["tpm.persistentState: must be true or false"]);
      assert.equal(check({ backend: "passthrough" }).problems.length, 1);
      assert.match(check({ backend: "passthrough" }).problems[0] ?? "", /^tpm\.backend: /);
    });
  });

  describe("model", () => {
    const tpm = { version: "2.0", persistentState: false } as const;

    it("defaults to CRB for a UEFI VM on x86, TIS otherwise; a given model wins", () => {
      assert.equal(tpmModelOf(tpm, { firmware: "uefi", arch: "x86_64" }), "crb");
      assert.equal(tpmModelOf(tpm, { firmware: "bios", arch: "x86_64" }), "tis");
      assert.equal(tpmModelOf(tpm, { firmware: "uefi", arch: "aarch64" }), "tis");
      assert.equal(tpmModelOf({ ...tpm, model: "tis" }, { firmware: "uefi", arch: "x86_64" }), "tis");
    });

    it("builds the emulator backend with its version and persistent_state", () => {
      const vm = { firmware: "uefi", arch: "x86_64" } as const;
      const text = (device: Tpm) => buildXml(buildDevice(device)).replace(/>\s+</g, "><");
      assert.equal(text(tpmDevice(tpm, vm)), '<tpm model="tpm-crb"><backend type="emulator" version="2.0" persistent_state="no"/></tpm>');
      assert.equal(
        text(tpmDevice({ ...tpm, model: "tis", persistentState: true }, vm)),
        '<tpm model="tpm-tis"><backend type="emulator" version="2.0" persistent_state="yes"/></tpm>',
      );
    });

    it("round-trips each config through XML, and reads libvirt's running spelling", () => {
      const configs = [
        tpmDevice(tpm, { firmware: "bios", arch: "x86_64" }),
        tpmDevice(tpm, { firmware: "uefi", arch: "x86_64" }),
        tpmDevice({ ...tpm, persistentState: true }, { firmware: "bios", arch: "x86_64" }),
      ];
      for (const device of configs) assert.deepEqual(parseDevices([parseXml(buildXml(buildDevice(device)))])[0], device);
      const running = parseDevices([parseXml(LIBVIRT_TPM.persistent.running)])[0] as Tpm;
      assert.deepEqual(running, { ...configs[2], alias: "tpm0" });
    });

    it("puts the TPM into the domain only when asked", () => {
      const without = fixtureSpec(FIXTURE);
      assert.equal(domainModelOf(without, fixtureDisks(without)).devices.filter((d) => d.kind === "tpm").length, 0);
      const spec = fixtureSpec(FIXTURE, { tpm: {} });
      assert.deepEqual(
        domainModelOf(spec, fixtureDisks(spec)).devices.filter((d) => d.kind === "tpm"),
        [tpmDevice({ version: "2.0", persistentState: false }, spec)],
      );
    });
  });

  describe("plan", () => {
    it("settles against libvirt's readings of every config (no spurious differences)", () => {
      const configs: [Record<string, unknown>, keyof typeof LIBVIRT_TPM][] = [
        [{ tpm: {} }, "tis"],
        [{ tpm: { model: "tis", version: "2.0" } }, "tis"],
        [{ tpm: { model: "crb" } }, "crb"],
        [{ tpm: { persistentState: true } }, "persistent"],
        [{ tpm: { model: "tis", persistentState: false } }, "tis"],
      ];
      for (const [change, host] of configs) assert.deepEqual(planFor(change, host).plan, { config: [], live: [], restart: [] }, host);
    });

    it("adds, removes and changes a TPM by a new definition and a restart, named tpm", () => {
      const cases: [Record<string, unknown>, keyof typeof LIBVIRT_TPM | undefined][] = [
        [{ tpm: {} }, undefined],
        [{}, "tis"],
        [{ tpm: { model: "crb" } }, "tis"],
        [{ tpm: { persistentState: true } }, "tis"],
        [{ tpm: {} }, "persistent"],
      ];
      for (const [change, host] of cases) {
        const { plan, running } = planFor(change, host);
        const what = `${JSON.stringify(change)} on ${host ?? "no TPM"}`;
        assert.ok(plan.config.length > 0, what);
        assert.deepEqual([...new Set(props([...plan.config, ...plan.restart]))], ["tpm"], what);
        assert.deepEqual(plan.live, [], what);
        assert.ok(
          plan.restart.every((d) => d.change.kind === "definition" && !fitsLive(d.change, running)),
          what,
        );
      }
      assert.match(VM_REMEDIES.definition.why, /TPM/);
    });
  });

  describe("undefine flags", () => {
    it("remove the state with the VM unless persistentState keeps it; none without a TPM", () => {
      assert.equal(tpmUndefineFlags(undefined), 0);
      assert.equal(tpmUndefineFlags({ version: "2.0", persistentState: false }), DomainUndefineFlags.Tpm);
      assert.equal(tpmUndefineFlags({ version: "2.0", persistentState: true }), DomainUndefineFlags.KeepTpm);
      assert.equal(
        tpmUndefineFlags({ version: "2.0", persistentState: true }, true),
        DomainUndefineFlags.Tpm,
        "a failed create's fresh state",
      );
    });

    it("are libvirt's values (libvirt-domain.h: VIR_DOMAIN_UNDEFINE_TPM = 1 << 5, KEEP_TPM = 1 << 6)", () => {
      assert.equal(DomainUndefineFlags.Tpm, 32);
      assert.equal(DomainUndefineFlags.KeepTpm, 64);
    });
  });
});
