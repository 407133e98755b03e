import assert from "node:assert/strict";
import { sharedConnectionPool } from "../../../../provider/libvirt";
import { generatedRow } from "../../../../provider/resources/common/fieldTable";
import { generateName, LOGICAL_NAME_INPUT, NAME_GENERATED_INPUT } from "../../../../provider/resources/common/generatedName";
import { checkName, NAME_MAX_BYTES, Problems } from "../../../../provider/resources/common/problems";
import { UNKNOWN } from "../../../../provider/resources/common/unknowns";
import { KINDS, ResourceKind } from "../../../../provider/resources/kinds";
import { handler } from "../../../../provider/resources/runtime";
import { conn, goodNet } from "../../../support/badInputCases";

type Inputs = Record<string, unknown>;

/** Good inputs of each kind, without a name: what the resource class sends when the program sets none. */
const UNNAMED: Record<ResourceKind, Inputs> = {
  StoragePool: { path: "/srv/p", connection: conn, [LOGICAL_NAME_INPUT]: "images" },
  Volume: { pool: "default", capacity: "1GiB", connection: conn, [LOGICAL_NAME_INPUT]: "db-disk" },
  Network: { ...goodNet, name: undefined, [LOGICAL_NAME_INPUT]: "lab" },
  VirtualMachine: { connection: conn, [LOGICAL_NAME_INPUT]: "web" },
  CloudInitDisk: {
    pool: "default",
    userData: "#cloud-config\n",
    metaData: "instance-id: i\n",
    connection: conn,
    [LOGICAL_NAME_INPUT]: "seed",
  },
};

/** What each kind's generated name looks like for the logical names above. */
const SHAPE: Record<ResourceKind, RegExp> = {
  StoragePool: /^images-[0-9a-f]{7}$/,
  Volume: /^db-disk-[0-9a-f]{7}\.qcow2$/,
  Network: /^lab-[0-9a-f]{7}$/,
  VirtualMachine: /^web-[0-9a-f]{7}$/,
  CloudInitDisk: /^seed-[0-9a-f]{7}\.iso$/,
};

const kinds = Object.keys(KINDS) as ResourceKind[];

/** The inputs check returns, failing the test on any failure. */
async function checked(kind: ResourceKind, olds: Inputs, news: Inputs): Promise<Inputs> {
  const result = await handler(kind).check(olds, news);
  assert.deepEqual(result.failures, [], `${kind}: ${JSON.stringify(result.failures)}`);
  return result.inputs as Inputs;
}

/** The rule a kind's name row generates by. */
function ruleOf(kind: ResourceKind) {
  const row = generatedRow(KINDS[kind].fields);
  assert.ok(row, `${kind} has no generated row`);
  assert.equal(row.property, "name");
  return row.rule;
}

describe("resources/common/generatedName: names check chooses when the program sets none", () => {
  afterEach(() => assert.equal(sharedConnectionPool().size, 0, "a host was contacted"));

  describe("check", () => {
    for (const kind of kinds) {
      it(`${kind}: generates a name from the Pulumi name, marks it, and keeps it in the checked inputs`, async () => {
        const inputs = await checked(kind, {}, UNNAMED[kind]);
        assert.match(String(inputs.name), SHAPE[kind]);
        assert.equal(inputs[NAME_GENERATED_INPUT], true);
        assert.equal(inputs[LOGICAL_NAME_INPUT], UNNAMED[kind][LOGICAL_NAME_INPUT]);
        assert.ok(inputs.__host, "the host record is still written");
      });

      it(`${kind}: keeps the generated name while the program sets none, and a fresh check (a replacement) gets another`, async () => {
        const first = await checked(kind, {}, UNNAMED[kind]);
        const second = await checked(kind, first, UNNAMED[kind]);
        assert.equal(second.name, first.name);
        assert.equal(second[NAME_GENERATED_INPUT], true);
        assert.equal((await checked(kind, second, UNNAMED[kind])).name, first.name, "kept across runs");
        const fresh = await checked(kind, {}, UNNAMED[kind]);
        assert.match(String(fresh.name), SHAPE[kind]);
        assert.notEqual(fresh.name, first.name);
      });

      it(`${kind}: a name the program sets wins, unmarked, and leaving it out again generates a new one`, async () => {
        const generated = await checked(kind, {}, UNNAMED[kind]);
        const own = await checked(kind, generated, { ...UNNAMED[kind], name: "mine" });
        assert.equal(own.name, "mine");
        assert.equal(own[NAME_GENERATED_INPUT], undefined);
        const again = await checked(kind, own, UNNAMED[kind]);
        assert.match(String(again.name), SHAPE[kind]);
        assert.notEqual(again.name, generated.name);
        // The program's exact name, even the one generated before: then it is the program's.
        const same = await checked(kind, generated, { ...UNNAMED[kind], name: generated.name });
        assert.equal(same.name, generated.name);
        assert.equal(same[NAME_GENERATED_INPUT], undefined);
      });
    }

    it("never takes the mark from the program, nor a name from old inputs that were not generated", async () => {
      const own = await checked("Network", {}, { ...goodNet, [NAME_GENERATED_INPUT]: true });
      assert.equal(own.name, "lab");
      assert.equal(own[NAME_GENERATED_INPUT], undefined);
      const next = await checked("Network", own, UNNAMED.Network);
      assert.notEqual(next.name, "lab");
    });

    it("refuses a missing name when no Pulumi name came to generate one from", async () => {
      const { [LOGICAL_NAME_INPUT]: _, ...bare } = UNNAMED.VirtualMachine;
      const result = await handler("VirtualMachine").check({}, bare);
      assert.deepEqual(
        result.failures?.map((f) => f.reason),
        ["name is required"],
      );
    });

    it("leaves a name not known yet (a preview) alone", async () => {
      const result = await handler("Network").check({}, { ...UNNAMED.Network, name: UNKNOWN });
      assert.deepEqual(result.failures, []);
      assert.equal((result.inputs as Inputs).name, UNKNOWN);
      assert.equal((result.inputs as Inputs)[NAME_GENERATED_INPUT], undefined);
    });

    it("ends a raw volume's generated name in .img", async () => {
      const raw = await checked("Volume", {}, { ...UNNAMED.Volume, format: "raw" });
      assert.match(String(raw.name), /^db-disk-[0-9a-f]{7}\.img$/);
    });
  });

  describe("generateName: valid under each kind's own name rules", () => {
    const long = "é".repeat(300);
    for (const kind of kinds) {
      it(`${kind}: a long, odd Pulumi name is cut to the kind's limit and cleaned`, () => {
        const rule = ruleOf(kind);
        for (const logical of [long, "a/b c\u0001d\tz", " -lead", "x".repeat(400), "\uD800", "/"]) {
          const name = generateName(logical, rule, {}, "3f9a1c2");
          const problems = new Problems();
          assert.ok(checkName(problems, "name", name, rule.object), `${JSON.stringify(name)}: ${JSON.stringify(problems.all)}`);
          assert.ok(Buffer.byteLength(name, "utf8") <= NAME_MAX_BYTES[rule.object]);
          assert.match(name, /3f9a1c2(\.\w+)?$/);
          assert.doesNotMatch(name, /^-/);
        }
        const cut = generateName(long, rule, {}, "3f9a1c2");
        assert.ok(Buffer.byteLength(cut, "utf8") >= NAME_MAX_BYTES[rule.object] - 1, "cut shorter than needed");
      });
    }

    it("keeps characters names may hold and replaces the others", () => {
      const rule = ruleOf("VirtualMachine");
      assert.equal(generateName("web", rule, {}, "3f9a1c2"), "web-3f9a1c2");
      assert.equal(generateName("my web/01", rule, {}, "3f9a1c2"), "my-web-01-3f9a1c2");
      assert.equal(generateName("wéb.1_x", rule, {}, "3f9a1c2"), "wéb.1_x-3f9a1c2");
      assert.equal(generateName("/", rule, {}, "3f9a1c2"), "3f9a1c2");
    });

    it("ends a volume's name with its format's extension, once", () => {
      const rule = ruleOf("Volume");
      assert.equal(generateName("db-disk", rule, {}, "3f9a1c2"), "db-disk-3f9a1c2.qcow2");
      assert.equal(generateName("db-disk.qcow2", rule, { format: "qcow2" }, "3f9a1c2"), "db-disk-3f9a1c2.qcow2");
      assert.equal(generateName("db-disk.QCOW2", rule, {}, "3f9a1c2"), "db-disk-3f9a1c2.qcow2");
      assert.equal(generateName("scratch", rule, { format: "raw" }, "3f9a1c2"), "scratch-3f9a1c2.img");
      assert.equal(generateName("scratch.img", rule, { format: "qcow2" }, "3f9a1c2"), "scratch-3f9a1c2.qcow2");
      assert.equal(generateName(".qcow2", rule, {}, "3f9a1c2"), ".qcow2-3f9a1c2.qcow2");
      const seed = ruleOf("CloudInitDisk");
      assert.equal(generateName("web-seed", seed, {}, "3f9a1c2"), "web-seed-3f9a1c2.iso");
      assert.equal(generateName("web-seed.iso", seed, {}, "3f9a1c2"), "web-seed-3f9a1c2.iso");
    });
  });

  describe("diff: which object a replacement makes first", () => {
    /** What state holds after a create: the checked inputs without `__` keys, the outputs, and the host. */
    const stored = (inputs: Inputs): Inputs => ({
      ...Object.fromEntries(Object.entries(inputs).filter(([k]) => !k.startsWith("__"))),
      uuid: "u",
      hostIdentity: inputs.__host,
    });
    const vm = UNNAMED.VirtualMachine;

    it("an unnamed VM is replaced new-first: its replacement gets another generated name", async () => {
      const first = await checked("VirtualMachine", {}, vm);
      const news = await checked("VirtualMachine", first, { ...vm, firmware: "uefi" });
      assert.equal(news.name, first.name);
      assert.deepEqual(await handler("VirtualMachine").diff("u", stored(first), news), {
        changes: true,
        replaces: ["firmware"],
        deleteBeforeReplace: false,
      });
    });

    it("a named VM is replaced old-first, and so is one that loses or gains its name", async () => {
      const named = await checked("VirtualMachine", {}, { ...vm, name: "web" });
      const news = await checked("VirtualMachine", named, { ...vm, name: "web", firmware: "uefi" });
      assert.deepEqual(await handler("VirtualMachine").diff("u", stored(named), news), {
        changes: true,
        replaces: ["firmware"],
        deleteBeforeReplace: true,
      });
      // Named before, unnamed now: a new name, but the old object's was the program's.
      const unnamed = await checked("VirtualMachine", named, vm);
      assert.deepEqual(await handler("VirtualMachine").diff("u", stored(named), unnamed), {
        changes: true,
        replaces: ["name"],
        deleteBeforeReplace: true,
      });
      // Unnamed before, named now.
      const generated = await checked("VirtualMachine", {}, vm);
      const renamed = await checked("VirtualMachine", generated, { ...vm, name: "web" });
      assert.deepEqual(await handler("VirtualMachine").diff("u", stored(generated), renamed), {
        changes: true,
        replaces: ["name"],
        deleteBeforeReplace: true,
      });
    });

    it("in a preview with values not known yet, answers as before", async () => {
      const first = await checked("VirtualMachine", {}, vm);
      const news = await checked("VirtualMachine", first, { ...vm, firmware: UNKNOWN });
      assert.deepEqual(await handler("VirtualMachine").diff("u", stored(first), news), { changes: true, replaces: [] });
    });
  });
});
