import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LibvirtConnection } from "../../../../provider/libvirt";
import { seedReplacements } from "../../../../provider/resources/cloudInit/drift";
import { createOrAdopt } from "../../../../provider/resources/common/adopt";
import { RefusedChangeError } from "../../../../provider/resources/common/errors";
import type { FieldTable } from "../../../../provider/resources/common/fields";
import type { KindDefinition, LiveObject, ReplacingDifference, SpecBase } from "../../../../provider/resources/common/kindDefinition";
import { parseSpec } from "../../../../provider/resources/common/kindSpec";
import { KINDS, ResourceKind } from "../../../../provider/resources/kinds";
import { networkReplacements } from "../../../../provider/resources/network/drift";
import { networkKind } from "../../../../provider/resources/network/kind";
import { poolReplacements } from "../../../../provider/resources/pool/drift";
import { poolKind } from "../../../../provider/resources/pool/kind";
import { handler } from "../../../../provider/resources/runtime";
import { vmReplacements } from "../../../../provider/resources/vm/drift";
import { vmKind } from "../../../../provider/resources/vm/kind";
import { volumeReplacements } from "../../../../provider/resources/volume/drift";
import { volumeKind } from "../../../../provider/resources/volume/kind";
import { parseDomainXml, parseNetworkXml, parsePoolXml } from "../../../../provider/xml";
import { sharedConnectionPool } from "../../../../provider/libvirt";
import { goodInputs } from "../../../support/badInputCases";

const GOOD = goodInputs;
const kinds = Object.keys(KINDS) as ResourceKind[];

/** A spec of a kind from its inputs, as stored state is parsed. */
function specOf<Table extends FieldTable, Spec extends SpecBase, State, Ref>(
  def: KindDefinition<Table, Spec, State, Ref>,
  inputs: Record<string, unknown>,
): Spec {
  const { spec, problems } = parseSpec(def as never, inputs, {});
  assert.deepEqual(problems, []);
  return spec as Spec;
}

const fixture = (file: string) => readFileSync(join(__dirname, "../../../fixtures/xml/host-a", file), "utf8");

describe("resources/common/adopt: the adopt input", () => {
  for (const kind of kinds) {
    it(`${kind}: check refuses an adopt that is not a boolean, naming it, before any host is touched`, async () => {
      for (const bad of ["yes", 1, {}]) {
        const result = await handler(kind).check({}, { ...GOOD[kind], adopt: bad });
        assert.deepEqual(
          result.failures?.map((f) => f.property),
          ["adopt"],
          JSON.stringify(result.failures),
        );
        assert.match(result.failures?.[0]?.reason ?? "", /^adopt must be true or false$/);
      }
      for (const good of [true, false]) assert.deepEqual((await handler(kind).check({}, { ...GOOD[kind], adopt: good })).failures, []);
      assert.equal(sharedConnectionPool().size, 0, "check contacted a host");
    });
  }

  it("is named among the known inputs when a key is misspelt", async () => {
    const result = await handler("Volume").check({}, { ...GOOD.Volume, adpot: true });
    assert.match(result.failures?.[0]?.reason ?? "", /^adpot is not a Volume input \(known: .*\badopt, connection\)$/);
  });
});

/** The spec of the stand-in kind below. */
type TestSpec = SpecBase & { name: string };

/** A stand-in kind whose every call is recorded; `existing` is what `findExisting` finds. */
function fakeKind(
  existing: string | undefined,
  replacing: ReplacingDifference[] = [],
  drift = [{ property: "mtu", detail: "is 1400 on the host" }],
) {
  const calls: string[] = [];
  const live = (id: string): LiveObject<string> => ({ id, state: `state of ${id}` });
  const def: KindDefinition<FieldTable, TestSpec, string, string> = {
    kind: "Network",
    fields: {},
    toSpec: () => ({ name: "lab" }),
    lookup: (_c, id) => Promise.resolve(id),
    findExisting: () => (calls.push("findExisting"), Promise.resolve(existing)),
    describeExisting: (spec) => `a network named ${JSON.stringify(spec.name)}`,
    read: (_c, ref) => (calls.push(`read ${ref}`), Promise.resolve(live(ref))),
    replacingDifferences: () => (calls.push("replacingDifferences"), Promise.resolve(replacing)),
    drift: () => drift,
    create: () => (calls.push("create"), Promise.resolve(live("new-uuid"))),
    update: (_c, id, olds, news, state) => {
      calls.push(`update ${id} ${olds === news ? "spec as both" : "two specs"} ${state}`);
      return Promise.resolve(live(id));
    },
    remove: () => (calls.push("remove"), Promise.resolve()),
    outputs: () => ({}),
    existing: {
      by: "UUID",
      find: (_c, id) => Promise.resolve(id),
      read: () => Promise.reject(new Error("not used by adoption")),
    },
  };
  return { def, calls };
}

/** Runs `fn` with the progress lines it prints captured. */
async function printed<T>(fn: () => Promise<T>): Promise<{ lines: string[]; result?: T; error?: unknown }> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string) => (lines.push(...chunk.split("\n").filter(Boolean)), true);
  try {
    return { lines, result: await fn() };
  } catch (error) {
    return { lines, error };
  } finally {
    process.stdout.write = write;
  }
}

describe("resources/common/adopt: a create whose name is taken", () => {
  const spec = { name: "lab", connection: { host: "hv1.example", user: "ops" } };
  const noConn = {} as LibvirtConnection;

  it("creates when nothing of that name exists", async () => {
    const { def, calls } = fakeKind(undefined);
    const live = await createOrAdopt(def, noConn, spec, "lab", false);
    assert.equal(live.id, "new-uuid");
    assert.deepEqual(calls, ["findExisting", "create"]);
  });

  it("without adopt, fails naming adopt, the object and the host, and touches nothing", async () => {
    const { def, calls } = fakeKind("existing-uuid");
    const { error, lines } = await printed(() => createOrAdopt(def, noConn, spec, "lab", false));
    assert.equal(
      (error as Error).message,
      'a network named "lab" already exists on ops@hv1.example:22 qemu:///system; ' +
        "set adopt: true to take it over (nothing of it is deleted), or choose another name",
    );
    assert.deepEqual(calls, ["findExisting"]);
    assert.deepEqual(lines, []);
  });

  it("with adopt, reads it, prints each difference and converges it through update, the program's spec as both", async () => {
    const { def, calls } = fakeKind("existing-uuid");
    const { result, lines, error } = await printed(() => createOrAdopt(def, noConn, spec, "lab", true));
    assert.equal(error, undefined);
    assert.equal(result?.id, "existing-uuid");
    assert.deepEqual(calls, [
      "findExisting",
      "read existing-uuid",
      "replacingDifferences",
      "update existing-uuid spec as both state of existing-uuid",
    ]);
    assert.deepEqual(lines, [
      'kvm: Network "lab": adopting a network named "lab" (id existing-uuid)',
      'kvm: Network "lab": mtu: is 1400 on the host',
    ]);
  });

  it("with adopt and nothing to change, says so", async () => {
    const { def } = fakeKind("existing-uuid", [], []);
    const { lines } = await printed(() => createOrAdopt(def, noConn, spec, "lab", true));
    assert.deepEqual(lines, ['kvm: Network "lab": adopting a network named "lab" (id existing-uuid): already as declared']);
  });

  it("refuses a difference only a replacement could remove, naming the property and both values, before any write", async () => {
    const { def, calls } = fakeKind("existing-uuid", [{ property: "mode", declared: "nat", host: "isolated" }]);
    const { error } = await printed(() => createOrAdopt(def, noConn, spec, "lab", true));
    assert.ok(error instanceof RefusedChangeError);
    assert.match(
      error.message,
      /^cannot adopt a network named "lab" on ops@hv1\.example:22 qemu:\/\/\/system: mode is "isolated" on the host, "nat" in the program; only replacing the object could change that, and adopting never replaces or deletes anything/,
    );
    assert.deepEqual(calls, ["findExisting", "read existing-uuid", "replacingDifferences"]);
  });
});

describe("resources/common/adopt: what only a replacement could change, per kind", () => {
  it("Network: mode, and the bridge when the program names it", () => {
    const definition = parseNetworkXml(fixture("network-nat-inactive.xml"));
    const live = { ref: { name: definition.name, uuid: "u" }, definition, active: true, autostart: true, bridge: definition.bridge?.name };
    const spec = (extra: Record<string, unknown>) => specOf(networkKind, { name: definition.name, ...extra });
    assert.deepEqual(networkReplacements(spec({}), live), []);
    assert.deepEqual(networkReplacements(spec({ bridge: "pkvmxaysf" }), live), []);
    assert.deepEqual(networkReplacements(spec({ mode: "isolated", bridge: "br9" }), live), [
      { property: "mode", declared: "isolated", host: "nat" },
      { property: "bridge", declared: "br9", host: "pkvmxaysf" },
    ]);
  });

  it("StoragePool: type and path, a path spelt with a trailing slash being the same", () => {
    const definition = parsePoolXml(fixture("pool-dir-running.xml"));
    const live = { ref: { name: definition.name, uuid: "u" }, definition, active: true, autostart: true, capacity: 0n, available: 0n };
    const path = "/var/lib/libvirt/images/pkvm-xml-a-ys-fx-pool";
    assert.deepEqual(poolReplacements(specOf(poolKind, { name: definition.name, path: `${path}/` }), live), []);
    assert.deepEqual(poolReplacements(specOf(poolKind, { name: definition.name, path: "/srv/other" }), live), [
      { property: "path", declared: "/srv/other", host: path },
    ]);
    assert.deepEqual(
      poolReplacements(specOf(poolKind, { name: definition.name, path }), { ...live, definition: { ...definition, type: "fs" } }),
      [{ property: "type", declared: "dir", host: "fs" }],
    );
  });

  it("Volume: the format; a capacity is left to the update, which refuses a shrink", () => {
    const live = { ref: { pool: "p", name: "v", key: "/k" }, path: "/k", format: "raw", capacity: 2n ** 30n, allocation: 0n };
    assert.deepEqual(volumeReplacements(specOf(volumeKind, { ...GOOD.Volume, format: "raw", capacity: "1MiB" }), live), []);
    assert.deepEqual(volumeReplacements(specOf(volumeKind, GOOD.Volume), live), [{ property: "format", declared: "qcow2", host: "raw" }]);
  });

  it("VirtualMachine: domainType, arch and firmware", () => {
    const config = parseDomainXml(fixture("domain-guest-inactive.xml"));
    const live = { ref: { name: config.name, uuid: "u", id: -1 }, config, state: 5, autostart: false, disks: [], addresses: [] };
    assert.deepEqual(vmReplacements(specOf(vmKind, { name: config.name, domainType: "qemu" }), live), []);
    assert.deepEqual(vmReplacements(specOf(vmKind, { name: config.name, arch: "aarch64", firmware: "uefi" }), live), [
      { property: "domainType", declared: "kvm", host: "qemu" },
      { property: "arch", declared: "aarch64", host: "x86_64" },
      { property: "firmware", declared: "uefi", host: "bios" },
    ]);
  });

  it("CloudInitDisk: a volume that is not raw (a seed written into it would break it)", () => {
    assert.deepEqual(seedReplacements("raw"), []);
    assert.deepEqual(seedReplacements("iso"), []);
    assert.deepEqual(seedReplacements(undefined), []);
    assert.deepEqual(seedReplacements("qcow2"), [{ property: "format", declared: "raw", host: "qcow2" }]);
  });
});
