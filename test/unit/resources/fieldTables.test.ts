import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exposedNames, inputNames, replacingNames, secretNames } from "../../../provider/resources/common/fieldTable";
import { parseSpec } from "../../../provider/resources/common/kindSpec";
import { KINDS, ResourceKind } from "../../../provider/resources/kinds";
import { POOL_TYPES } from "../../../provider/resources/pool/fields";
import { handler } from "../../../provider/resources/runtime";
import { conn, goodInputs, goodNet } from "../../support/badInputCases";

const GOOD = goodInputs;

const kinds = Object.keys(KINDS) as ResourceKind[];

/** One README table row: the backticked names leading each comma-separated item of a column. */
interface ReadmeRow {
  inputs: string[];
  secrets: string[];
  outputs: string[];
  replaces: string[];
}

/** Top-level items of a cell: split at commas outside parentheses, each with its parenthetical text. */
function items(cell: string): { names: string[]; note: string }[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of cell) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(current);
      current = "";
    } else current += ch;
  }
  out.push(current);
  return out.map((item) => {
    const head = /^\s*((?:`\w+`\/?)+)/.exec(item);
    return { names: head ? [...head[1].matchAll(/`(\w+)`/g)].map((m) => m[1]) : [], note: item.slice(head?.[0].length ?? 0) };
  });
}

function readmeRows(): Map<string, ReadmeRow> {
  const readme = readFileSync(join(__dirname, "../../../README.md"), "utf8");
  const table = readme.split("<!-- resource-table -->")[1]?.split("\n\n")[0] ?? "";
  const rows = new Map<string, ReadmeRow>();
  for (const line of table.split("\n").slice(3)) {
    const cells = line.split(" | ").map((c) => c.replace(/^\| |\s\|$/g, ""));
    const kind = /^`(\w+)`$/.exec(cells[0] ?? "")?.[1];
    if (!kind || cells.length !== 5) continue;
    const inputs = items(cells[1]);
    rows.set(kind, {
      inputs: inputs.flatMap((i) => i.names),
      secrets: inputs.filter((i) => /\bsecret\b/.test(i.note)).flatMap((i) => i.names),
      outputs: items(cells[2]).flatMap((i) => i.names),
      replaces: items(cells[4]).flatMap((i) => i.names),
    });
  }
  return rows;
}

const sorted = (names: readonly string[]) => [...names].sort();

describe("field tables", () => {
  it("the registry files each kind under its own name", () => {
    for (const [name, def] of Object.entries(KINDS)) assert.equal(def.kind, name);
  });

  describe("the README's resource table agrees with them", () => {
    const rows = readmeRows();
    it("has a row per kind and no other", () => assert.deepEqual(sorted([...rows.keys()]), sorted(kinds)));
    for (const kind of kinds) {
      it(`${kind}: inputs, secrets, outputs and replacing inputs`, () => {
        const row = rows.get(kind);
        assert.ok(row, `no README row for ${kind}`);
        const fields = KINDS[kind].fields;
        assert.deepEqual(sorted(row.inputs), sorted(inputNames(fields)), "inputs");
        assert.deepEqual(sorted(row.secrets), sorted(secretNames(fields)), "inputs marked secret");
        assert.deepEqual(sorted(row.outputs), sorted(exposedNames(fields)), "outputs");
        assert.deepEqual(sorted(row.replaces), sorted(replacingNames(fields)), "replaced when");
      });
    }
  });

  describe("the README's pool type table agrees with POOL_TYPES", () => {
    const readme = readFileSync(join(__dirname, "../../../README.md"), "utf8");
    const table = readme.split("<!-- pool-type-table -->")[1]?.split("\n\n")[0] ?? "";
    const rows = new Map<string, { required: string[]; optional: string[] }>();
    for (const line of table.split("\n").slice(3)) {
      const cells = line.split(" | ").map((c) => c.replace(/^\| |\s\|$/g, ""));
      const type = /^`([\w-]+)`$/.exec(cells[0] ?? "")?.[1];
      if (type) rows.set(type, { required: items(cells[1]).flatMap((i) => i.names), optional: items(cells[2]).flatMap((i) => i.names) });
    }
    it("has a row per type and no other", () => assert.deepEqual(sorted([...rows.keys()]), sorted(Object.keys(POOL_TYPES))));
    for (const [type, member] of Object.entries(POOL_TYPES)) {
      it(`${type}: required and optional inputs`, () => {
        assert.deepEqual(sorted(rows.get(type)?.required ?? []), sorted(member.required), "requires");
        assert.deepEqual(sorted(rows.get(type)?.optional ?? []), sorted(member.optional), "may take");
      });
    }
  });

  describe("a misspelt key fails check, naming it", () => {
    for (const kind of kinds) {
      it(`${kind}: autostrat`, async () => {
        const result = await handler(kind).check({}, { ...GOOD[kind], autostrat: true });
        const failure = result.failures?.find((f) => f.property === "autostrat");
        assert.ok(failure, JSON.stringify(result.failures));
        assert.match(failure.reason, new RegExp(`^autostrat is not a ${kind} input \\(known: .*\\bconnection\\)$`));
      });

      it(`${kind}: connection.hots`, async () => {
        const result = await handler(kind).check({}, { ...GOOD[kind], connection: { ...conn, hots: "hv1" } });
        const failure = result.failures?.find((f) => f.property === "connection.hots");
        assert.ok(failure, JSON.stringify(result.failures));
        assert.match(failure.reason, /is not a connection field \(known: host, port, .*jump\)/);
      });

      it(`${kind}: good inputs pass`, async () => {
        assert.deepEqual((await handler(kind).check({}, GOOD[kind])).failures, []);
      });
    }

    it("a misspelt key inside a jump host fails too", async () => {
      const result = await handler("Network").check({}, { ...goodNet, connection: { ...conn, jump: { host: "bastion", prot: 22 } } });
      assert.ok(
        result.failures?.some((f) => f.property === "connection.jump.prot"),
        JSON.stringify(result.failures),
      );
    });
  });

  it("stored state with a key no longer declared still loads (an earlier release may have written it)", () => {
    for (const kind of kinds) {
      const { spec, problems } = parseSpec(KINDS[kind] as never, { ...GOOD[kind], retiredOutput: 1 }, {});
      assert.deepEqual(problems, [], kind);
      assert.ok(spec, kind);
    }
  });

  it("stored state keeps a name an earlier release accepted, which check now refuses", async () => {
    const long = { ...GOOD.Network, name: "n".repeat(250) };
    assert.ok((await handler("Network").check({}, long)).failures?.some((f) => f.property === "name"));
    const { spec, problems } = parseSpec(KINDS.Network as never, long, {});
    assert.deepEqual(problems, []);
    assert.ok(spec);
  });
});
