import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { EngineHarness, UNKNOWN, callsOf, cloneState, opsByName, stepOf, stdoutOf } from "./index";
import type { StackState } from "./index";
import { JsonFile, noDiffFileProvider } from "./fixtures/fileProvider";
import { events, fileContent, makeWorkdir, removeWorkdir } from "./fixtures/workdir";

const urnOf = (name: string): string => `urn:pulumi:dev::test::pulumi-nodejs:dynamic/files:File::${name}`;

describe("engine harness: stack lifecycle", function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => (dir = makeWorkdir()));
  afterEach(() => removeWorkdir(dir));

  /** a, and b whose content is a's path (an output), so b depends on a. */
  const pair =
    (aContent = "A", aName = "a") =>
    () => {
      const a = new JsonFile("a", { dir, name: aName, content: aContent });
      const b = new JsonFile("b", { dir, name: "b", content: a.path });
      return { aPath: a.path, bContent: b.content };
    };

  it("up creates the resources; dependents get real outputs", async () => {
    const stack = new EngineHarness();
    const up = await stack.up(pair());
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { a: "create", b: "create" });
    const aPath = path.join(dir, "a.json");
    assert.equal(fileContent(dir, "a"), "A");
    assert.equal(fileContent(dir, "b"), aPath);
    assert.deepEqual(up.exports, { aPath, bContent: aPath });
    assert.equal(callsOf(up.calls, "Create").length, 2);
    const [a, b] = stack.state.resources;
    assert.equal(a.urn, urnOf("a"));
    assert.equal(a.id, aPath);
    assert.equal(a.outputs.path, aPath);
    assert.ok(a.provider.startsWith("exports.handler"));
    assert.deepEqual(b.dependencies, [urnOf("a")]);
    // The host's memory and its CPU for the run's calls are read while it runs.
    assert.ok((up.hostPeakRssKiB ?? 0) > 10_000, `peak RSS ${up.hostPeakRssKiB} KiB`);
    assert.ok(up.hostCpuMs !== undefined && up.hostCpuMs >= 0 && up.hostCpuMs < 60_000, `host CPU ${up.hostCpuMs} ms`);
  });

  it("a second up with the same program changes nothing and calls only Check and Diff", async () => {
    const stack = new EngineHarness();
    await stack.up(pair());
    const again = await stack.up(pair());
    assert.deepEqual(again.errors, []);
    assert.deepEqual(opsByName(again), { a: "same", b: "same" });
    assert.deepEqual([...new Set(again.calls.map((c) => c.method))].sort(), ["Check", "Configure", "Diff", "GetPluginInfo"]);
    assert.deepEqual(events(dir), ["create a", "create b"]);
  });

  it("a changed input updates in place", async () => {
    const stack = new EngineHarness();
    await stack.up(pair("A"));
    const id = stack.state.resources[0].id;
    const up = await stack.up(pair("A2"));
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { a: "update", b: "same" });
    assert.deepEqual(stepOf(up, "a")?.changes, ["content"]);
    assert.equal(fileContent(dir, "a"), "A2");
    assert.equal(stack.state.resources[0].id, id);
    assert.equal(stack.state.resources[0].outputs.content, "A2");
    assert.equal(callsOf(up.calls, "Update", "a").length, 1);
  });

  it("a replace-forcing input replaces: the replacement first, the old one deleted at the end", async () => {
    const stack = new EngineHarness();
    await stack.up(pair("A", "a"));
    const up = await stack.up(pair("A", "a2"));
    assert.deepEqual(up.errors, []);
    const a = stepOf(up, "a");
    assert.equal(a?.op, "replace");
    assert.deepEqual(a?.replaces, ["name"]);
    assert.equal(a?.deleteBeforeReplace, false);
    assert.equal(stepOf(up, "b")?.op, "update", "b follows the new path");
    assert.deepEqual(events(dir).slice(2), ["create a2", "update b", "delete a"]);
    // As the engine does, the replacement's inputs are checked a second time, without the old ones.
    assert.equal(callsOf(up.calls, "Check", "a").length, 2);
    assert.equal(fileContent(dir, "a"), undefined);
    assert.equal(fileContent(dir, "b"), path.join(dir, "a2.json"));
    assert.deepEqual(
      stack.state.resources.map((r) => [r.name, r.id, r.pendingDelete]),
      [
        ["a", path.join(dir, "a2.json"), undefined],
        ["b", path.join(dir, "b.json"), undefined],
      ],
    );
  });

  it("deleteBeforeReplace deletes the old resource before creating its replacement", async () => {
    const stack = new EngineHarness();
    const program = (name: string) => () => {
      new JsonFile("a", { dir, name, content: "A" }, { deleteBeforeReplace: true });
    };
    await stack.up(program("a"));
    const up = await stack.up(program("a2"));
    assert.deepEqual(up.errors, []);
    assert.equal(stepOf(up, "a")?.deleteBeforeReplace, true);
    assert.deepEqual(events(dir), ["create a", "delete a", "create a2"]);
  });

  it("without a provider diff, the engine compares the inputs itself", async () => {
    const stack = new EngineHarness();
    const program = (content: string) => () => {
      new JsonFile("a", { dir, name: "a", content }, {}, noDiffFileProvider);
    };
    await stack.up(program("A"));
    assert.deepEqual(opsByName(await stack.up(program("A"))), { a: "same" });
    const up = await stack.up(program("B"));
    assert.deepEqual(opsByName(up), { a: "update" });
    assert.deepEqual(stepOf(up, "a")?.changes, ["content"]);
  });

  it("preview changes nothing; outputs of new or changed resources are unknown to dependents", async () => {
    const stack = new EngineHarness();
    await stack.up(() => {
      new JsonFile("a", { dir, name: "a", content: "A" });
      new JsonFile("old", { dir, name: "old", content: "O" });
    });
    const before = cloneState(stack.state);
    const preview = await stack.preview(() => {
      const a = new JsonFile("a", { dir, name: "a", content: "A2" });
      const c = new JsonFile("c", { dir, name: "c", content: "C" });
      const d = new JsonFile("d", { dir, name: "d", content: c.path });
      return { aContent: a.content, aPath: a.path, cPath: c.path, dContent: d.content, dryRun: pulumi.runtime.isDryRun() };
    });
    assert.deepEqual(preview.errors, []);
    assert.deepEqual(opsByName(preview), { a: "update", c: "create", d: "create", old: "delete" });
    assert.ok(preview.steps.every((s) => s.preview));
    assert.deepEqual(preview.exports, { aContent: "A2", aPath: UNKNOWN, cPath: UNKNOWN, dContent: UNKNOWN, dryRun: true });
    assert.deepEqual(
      preview.calls.filter((c) => ["Create", "Update", "Delete"].includes(c.method)),
      [],
    );
    assert.deepEqual(stack.state, before);
    assert.deepEqual(events(dir).sort(), ["create a", "create old"]);
    assert.equal(fileContent(dir, "c"), undefined);
  });

  it("refresh notices a file deleted by hand and one edited by hand", async () => {
    const stack = new EngineHarness();
    await stack.up(pair());
    fs.rmSync(path.join(dir, "a.json"));
    fs.writeFileSync(path.join(dir, "b.json"), JSON.stringify({ content: "edited" }));
    const refresh = await stack.refresh();
    assert.deepEqual(refresh.errors, []);
    assert.deepEqual(opsByName(refresh), { a: "refresh-gone", b: "read" });
    assert.deepEqual(stepOf(refresh, "b")?.changes, ["content"]);
    assert.deepEqual(callsOf(refresh.calls, "Read").length, 2);
    assert.deepEqual(
      stack.state.resources.map((r) => [r.name, r.outputs.content]),
      [["b", "edited"]],
    );
    const up = await stack.up(pair());
    assert.deepEqual(opsByName(up), { a: "create", b: "update" });
    assert.equal(fileContent(dir, "b"), path.join(dir, "a.json"));
  });

  it("a read runs in a preview unless its id is unknown, keeps secret inputs secret, fails a missing id as the engine does", async () => {
    await new EngineHarness().up(() => {
      new JsonFile("a", { dir, name: "a", content: "x" });
    });
    const id = path.join(dir, "a.json");
    const reader = new EngineHarness();
    const read = () => new JsonFile("read", { dir, name: "a", content: pulumi.secret("") }, { id });

    const preview = await reader.preview(() => {
      read();
      const later = new JsonFile("later", { dir, name: "later", content: "y" });
      // The id is an output of a resource the preview does not create: unknown, so not read.
      new JsonFile("pending", { dir, name: "later", content: "" }, { id: later.path });
    });
    assert.deepEqual(preview.errors, []);
    assert.deepEqual(opsByName(preview), { read: "read", later: "create", pending: "read" });
    assert.deepEqual(
      callsOf(preview.calls, "Read").map((c) => c.name),
      ["read"],
    );

    const up = await reader.up(async () => ({ secret: await pulumi.isSecret(read().content) }));
    assert.deepEqual(up.errors, []);
    assert.deepEqual(up.exports, { secret: true });
    const [r] = reader.state.resources;
    assert.deepEqual([r.external, r.secretInputs, r.secretOutputs.includes("content")], [true, ["content"], true]);

    const gone = path.join(dir, "gone.json");
    const missing = await new EngineHarness().up(() => {
      new JsonFile("gone", { dir, name: "gone", content: "" }, { id: gone });
    });
    assert.equal(stepOf(missing, "gone")?.error, `resource '${gone}' does not exist`);
  });

  it("destroy deletes everything, dependents first", async () => {
    const stack = new EngineHarness();
    await stack.up(() => {
      const a = new JsonFile("a", { dir, name: "a", content: "A" });
      const b = new JsonFile("b", { dir, name: "b", content: a.path });
      new JsonFile("c", { dir, name: "c", content: b.path });
    });
    const destroy = await stack.destroy();
    assert.deepEqual(destroy.errors, []);
    assert.deepEqual(
      destroy.steps.map((s) => `${s.op} ${s.name}`),
      ["delete c", "delete b", "delete a"],
    );
    assert.deepEqual(events(dir).slice(3), ["delete c", "delete b", "delete a"]);
    assert.deepEqual(stack.state.resources, []);
    assert.deepEqual(fs.readdirSync(dir), ["events.log"]);
  });

  it("a resource the program no longer declares is deleted by the next up", async () => {
    const stack = new EngineHarness();
    await stack.up(pair());
    const up = await stack.up(() => {
      new JsonFile("a", { dir, name: "a", content: "A" });
    });
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { a: "same", b: "delete" });
    assert.equal(fileContent(dir, "b"), undefined);
    assert.deepEqual(
      stack.state.resources.map((r) => r.name),
      ["a"],
    );
  });

  it("the stack config reaches the provider (configure) and the program, secrets in plain text", async () => {
    const stack = new EngineHarness({ config: { "kvm:host": "h1", "kvm:token": { value: "s3", secret: true } } });
    const up = await stack.up(() => {
      const a = new JsonFile("a", { dir, name: "a", content: "A" });
      return { host: new pulumi.Config("kvm").require("host"), configured: a.configuredHost };
    });
    assert.deepEqual(up.errors, []);
    assert.deepEqual(up.exports, { host: "h1", configured: "h1" });
    assert.ok(stdoutOf(up).includes("configured host=h1 token=s3"), stdoutOf(up).join("\n"));
    assert.deepEqual(
      up.calls.slice(0, 2).map((c) => c.method),
      ["GetPluginInfo", "Configure"],
    );
    stack.config["kvm:host"] = "h2";
    assert.ok(stdoutOf(await stack.refresh()).includes("configured host=h2 token=s3"));
  });

  it("keeps the state in a file that a new harness picks up", async () => {
    const stateFile = path.join(dir, "state.json");
    const first = new EngineHarness({ stateFile });
    await first.up(pair());
    assert.deepEqual(JSON.parse(fs.readFileSync(stateFile, "utf8")), first.state);
    const second = new EngineHarness({ stateFile });
    assert.deepEqual(opsByName(await second.up(pair())), { a: "same", b: "same" });
    assert.deepEqual(opsByName(await second.destroy()), { a: "delete", b: "delete" });
    assert.deepEqual((JSON.parse(fs.readFileSync(stateFile, "utf8")) as StackState).resources, []);
  });
});
