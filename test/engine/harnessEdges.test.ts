import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { EngineHarness, callsOf, opsByName, stepOf } from "./index";
import { JsonFile, PackageProbe } from "./fixtures/fileProvider";
import { events, fileContent, makeWorkdir, removeWorkdir } from "./fixtures/workdir";

describe("engine harness: failures, validation, concurrency, serialization", function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => (dir = makeWorkdir()));
  afterEach(() => removeWorkdir(dir));

  it("a failed create is reported, not thrown; what depends on it never registers", async () => {
    const stack = new EngineHarness();
    const up = await stack.up(() => {
      new JsonFile("ok", { dir, name: "ok", content: "x" });
      const bad = new JsonFile("bad", { dir, name: "bad", content: "x", failCreate: "plain" });
      new JsonFile("dependent", { dir, name: "dependent", content: bad.path });
    });
    assert.equal(stepOf(up, "bad")?.error, "create of bad refused");
    assert.deepEqual(
      up.errors.filter((e) => e.source === "step"),
      [{ key: stepOf(up, "bad")?.key, source: "step", message: "create of bad refused" }],
    );
    assert.ok(
      up.errors.some((e) => e.source === "program" && /failed to register new resource bad/.test(e.message)),
      JSON.stringify(up.errors),
    );
    assert.equal(stepOf(up, "dependent"), undefined);
    assert.deepEqual(callsOf(up.calls, "Check", "dependent"), []);
    assert.deepEqual(
      stack.state.resources.map((r) => r.name),
      ["ok"],
    );
  });

  it("the old half of a replacement left by a failed run is deleted first in the next up; a preview lists it", async () => {
    const stack = new EngineHarness();
    const program = (name: string, fail: boolean) => () => {
      const a = new JsonFile("a", { dir, name, content: "A" });
      new JsonFile("b", { dir, name: "b", content: a.path, ...(fail ? { failCreate: "plain" as const } : {}) });
    };
    await stack.up(program("a", true));
    const failed = await stack.up(program("a2", true));
    assert.equal(stepOf(failed, "a")?.op, "replace");
    assert.deepEqual(
      stack.state.resources.map((r) => [r.name, r.pendingDelete]),
      [
        ["a", undefined],
        ["a", true],
      ],
    );
    assert.equal(fileContent(dir, "a"), "A", "the old half was deleted after a failed run");

    const preview = await stack.preview(program("a2", false));
    assert.deepEqual(
      preview.steps.slice(0, 1).map((s) => [s.name, s.op, s.id, s.preview]),
      [["a", "delete", path.join(dir, "a.json"), true]],
    );
    assert.equal(fileContent(dir, "a"), "A", "a preview deleted it");

    const up = await stack.up(program("a2", false));
    assert.deepEqual(up.errors, []);
    assert.deepEqual(
      up.steps.slice(0, 1).map((s) => [s.name, s.op, s.id]),
      [["a", "delete", path.join(dir, "a.json")]],
    );
    assert.deepEqual(events(dir).slice(-2), ["delete a", "create b"]);
    assert.deepEqual(
      stack.state.resources.map((r) => [r.name, r.pendingDelete]),
      [
        ["a", undefined],
        ["b", undefined],
      ],
    );
  });

  it("a failed create whose dependent the program exports still ends the run", async () => {
    const stack = new EngineHarness();
    const started = Date.now();
    const up = await stack.up(() => {
      const bad = new JsonFile("bad", { dir, name: "bad", content: "x", failCreate: "plain" });
      const dependent = new JsonFile("dependent", { dir, name: "dependent", content: bad.path });
      return { path: dependent.path };
    });
    assert.equal(stepOf(up, "bad")?.error, "create of bad refused");
    assert.equal(stepOf(up, "dependent"), undefined);
    assert.deepEqual(up.exports, {});
    assert.ok(Date.now() - started < 20_000, `the run took ${Date.now() - started} ms`);
  });

  it("a partial create keeps the resource in the state with its id; the next up updates it", async () => {
    const stack = new EngineHarness();
    const up = await stack.up(() => {
      new JsonFile("half", { dir, name: "half", content: "x", failCreate: "partial" });
    });
    const id = path.join(dir, "half.json");
    assert.equal(stepOf(up, "half")?.error, "half was created but did not start");
    assert.equal(stepOf(up, "half")?.id, id);
    const [half] = stack.state.resources;
    assert.equal(half.id, id);
    assert.deepEqual(half.initErrors, ["did not start"]);
    assert.equal(half.outputs.path, id);
    const retry = await stack.up(() => {
      new JsonFile("half", { dir, name: "half", content: "x" });
    });
    assert.deepEqual(retry.errors, []);
    assert.deepEqual(opsByName(retry), { half: "update" });
    assert.equal(stack.state.resources[0].initErrors, undefined);
  });

  it("nothing is deleted after a failed up; the removal happens on the next good one", async () => {
    const stack = new EngineHarness();
    await stack.up(() => {
      new JsonFile("keep", { dir, name: "keep", content: "x" });
      new JsonFile("old", { dir, name: "old", content: "x" });
    });
    const failed = await stack.up(() => {
      new JsonFile("keep", { dir, name: "keep", content: "x" });
      new JsonFile("bad", { dir, name: "bad", content: "x", failCreate: "plain" });
    });
    assert.notEqual(failed.errors.length, 0);
    assert.equal(stepOf(failed, "old"), undefined);
    assert.equal(fileContent(dir, "old"), "x");
    assert.deepEqual(stack.state.resources.map((r) => r.name).sort(), ["keep", "old"]);
    const good = await stack.up(() => {
      new JsonFile("keep", { dir, name: "keep", content: "x" });
    });
    assert.deepEqual(opsByName(good), { keep: "same", old: "delete" });
  });

  it("check runs Check alone and returns what it rejected", async () => {
    const stack = new EngineHarness();
    const check = await stack.check(() => {
      new JsonFile("fine", { dir, name: "fine", content: "x" });
      new JsonFile("slashed", { dir, name: "a/b", content: "x" });
    });
    assert.deepEqual(
      check.failures.map((f) => [f.name, f.property, f.reason]),
      [["slashed", "name", "must not contain '/'"]],
    );
    assert.deepEqual([...new Set(check.calls.map((c) => c.method))].sort(), ["Check", "Configure", "GetPluginInfo"]);
    assert.deepEqual(
      callsOf(check.calls, "Check")
        .map((c) => c.name)
        .sort(),
      ["fine", "slashed"],
    );
    assert.deepEqual(stack.state.resources, []);
    assert.deepEqual(events(dir), []);
  });

  it("honours ignoreChanges, replaceOnChanges, retainOnDelete and protect", async () => {
    const stack = new EngineHarness();
    const program =
      (content: string, protect = true) =>
      () => {
        new JsonFile("ignored", { dir, name: "ignored", content }, { ignoreChanges: ["content"] });
        new JsonFile("renewed", { dir, name: "renewed", content }, { replaceOnChanges: ["content"] });
        new JsonFile("kept", { dir, name: "kept", content: "x" }, { retainOnDelete: true });
        new JsonFile("guarded", { dir, name: "guarded", content: "x" }, { protect });
      };
    await stack.up(program("1"));
    const up = await stack.up(program("2"));
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { ignored: "same", renewed: "replace", kept: "same", guarded: "same" });
    assert.deepEqual(stepOf(up, "renewed")?.replaces, ["content"]);
    assert.equal(fileContent(dir, "ignored"), "1");
    const destroy = await stack.destroy();
    assert.match(stepOf(destroy, "guarded")?.error ?? "", /protected/);
    assert.equal(fileContent(dir, "kept"), "x", "retained: forgotten, not deleted");
    assert.deepEqual(
      stack.state.resources.map((r) => r.name),
      ["guarded"],
    );
    await stack.up(program("2", false));
    assert.deepEqual((await stack.destroy()).errors, []);
  });

  it("a resource read by id is not managed: its outputs are real, destroy only forgets it", async () => {
    const stack = new EngineHarness();
    await stack.up(() => {
      new JsonFile("a", { dir, name: "a", content: "x" });
    });
    const other = new EngineHarness();
    const id = path.join(dir, "a.json");
    const up = await other.up(() => {
      const read = new JsonFile("a", { dir, name: "a", content: "" }, { id });
      return { content: read.content };
    });
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { a: "read" });
    assert.deepEqual(up.exports, { content: "x" });
    await other.destroy();
    assert.equal(fileContent(dir, "a"), "x");
  });

  it("a provider call past callTimeoutMs fails its step", async () => {
    const up = await new EngineHarness({ callTimeoutMs: 300 }).up(() => {
      new JsonFile("slow", { dir, name: "slow", content: "x", delayMs: 3000 });
    });
    assert.match(stepOf(up, "slow")?.error ?? "", /deadline/i);
    assert.equal(up.calls.find((c) => c.method === "Create")?.error, stepOf(up, "slow")?.error);
  });

  it("independent creates run concurrently", async () => {
    const stack = new EngineHarness();
    const delayMs = 500;
    const up = await stack.up(() => {
      new JsonFile("one", { dir, name: "one", content: "x", delayMs });
      new JsonFile("two", { dir, name: "two", content: "x", delayMs });
    });
    assert.deepEqual(up.errors, []);
    const [one, two] = ["one", "two"].map((n) => stack.state.resources.find((r) => r.name === n)!.outputs);
    const overlap = Math.min(Number(one.finishedAt), Number(two.finishedAt)) - Math.max(Number(one.startedAt), Number(two.startedAt));
    assert.ok(overlap > delayMs / 2, `creates overlapped by only ${overlap} ms`);
  });

  it("the serialized provider is small and names no path of this machine", async () => {
    const stack = new EngineHarness();
    await stack.up(() => {
      new JsonFile("a", { dir, name: "a", content: "x" });
    });
    const text = stack.state.resources[0].provider;
    console.log(`      serialized __provider: ${text.length} bytes`);
    assert.ok(text.length < 8192, `${text.length} bytes`);
    const machinePaths = [path.resolve(__dirname, "..", ".."), os.tmpdir(), os.homedir(), path.dirname(process.execPath), process.cwd()];
    for (const p of machinePaths) assert.ok(!text.includes(p), `__provider contains ${p}`);
    assert.doesNotMatch(text, /["'`]\/(?:[\w.-]+\/)+[\w.-]*["'`]/, "no absolute path literal");
  });

  it("provider code can require this package by name, as in a user's program", async () => {
    const stack = new EngineHarness();
    const up = await stack.up(() => {
      return { packageName: new PackageProbe("probe").packageName };
    });
    assert.deepEqual(up.errors, []);
    assert.deepEqual(up.exports, { packageName: "pulumi-kvm" });
  });

  it("a program that throws is reported as a program error", async () => {
    const up = await new EngineHarness().up(() => {
      new JsonFile("a", { dir, name: "a", content: "x" });
      throw new Error("bad program");
    });
    assert.deepEqual(
      up.errors.map((e) => [e.source, e.message]),
      [["program", "bad program"]],
    );
  });

  it("secret inputs and additionalSecretOutputs make secret outputs", async () => {
    const stack = new EngineHarness();
    const up = await stack.up(async () => {
      const a = new JsonFile("a", { dir, name: "a", content: pulumi.secret("hush") }, { additionalSecretOutputs: ["path"] });
      return {
        contentSecret: await pulumi.isSecret(a.content),
        pathSecret: await pulumi.isSecret(a.path),
        nameSecret: await pulumi.isSecret(a.name),
      };
    });
    assert.deepEqual(up.errors, []);
    assert.deepEqual(up.exports, { contentSecret: true, pathSecret: true, nameSecret: false });
    const [a] = stack.state.resources;
    assert.deepEqual(a.secretInputs, ["content"]);
    assert.deepEqual([...a.secretOutputs].sort(), ["content", "path"]);
    assert.equal(fileContent(dir, "a"), "hush", "the provider got the plain value");
  });

  it("a state file holds secret inputs and outputs encrypted, and loads them back", async () => {
    const stateFile = path.join(dir, "secret-state.json");
    const program = () => {
      new JsonFile("s", { dir, name: "s", content: pulumi.secret("hush-hush") }, { additionalSecretOutputs: ["path"] });
    };
    const first = new EngineHarness({ stateFile });
    assert.deepEqual((await first.up(program)).errors, []);
    const text = fs.readFileSync(stateFile, "utf8");
    assert.doesNotMatch(text, /hush-hush/, "a secret input is in clear text in the state file");
    const stored = JSON.parse(text) as { resources: { outputs: Record<string, unknown> }[] };
    assert.match(JSON.stringify(stored.resources[0]?.outputs.path), /ciphertext/, "a secret output is not encrypted");
    assert.match(text, /"ciphertext": "v1:/);
    const second = new EngineHarness({ stateFile });
    assert.deepEqual(second.state, first.state, "the file did not load back to the same state");
    assert.deepEqual(opsByName(await second.up(program)), { s: "same" });
  });
});
