import { strict as assert } from "assert";
import { deleteInOrder, dependentsOf } from "../../engine/deletes";
import type { ResourceState } from "../../engine/state";

const res = (name: string, dependencies: string[] = [], parent?: string): ResourceState => ({
  urn: `urn:${name}`,
  type: "t",
  name,
  id: name,
  inputs: {},
  outputs: {},
  secretInputs: [],
  secretOutputs: [],
  provider: "",
  dependencies: dependencies.map((d) => `urn:${d}`),
  parent: parent && `urn:${parent}`,
});

describe("engine/deletes", () => {
  it("finds dependents (by dependency or as children) after a resource", () => {
    const list = [res("a"), res("b", ["a"]), res("c", [], "a"), res("d")];
    assert.deepEqual(dependentsOf(list, 0), [1, 2]);
    assert.deepEqual(dependentsOf(list, 3), []);
  });

  it("deletes dependents first and independent resources concurrently", async () => {
    const list = [res("a"), res("b", ["a"]), res("c", ["b"]), res("x")];
    const started: string[] = [];
    let running = 0;
    let peak = 0;
    const outcomes = await deleteInOrder(list, async (r) => {
      started.push(r.name);
      peak = Math.max(peak, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    });
    assert.ok(started.indexOf("c") < started.indexOf("b") && started.indexOf("b") < started.indexOf("a"), started.join());
    assert.equal(peak, 2, "x runs alongside the chain");
    assert.equal(outcomes.length, 4);
  });

  it("leaves alone what a failed dependent still needs", async () => {
    const list = [res("a"), res("b", ["a"]), res("x")];
    const outcomes = await deleteInOrder(list, async (r) => {
      if (r.name === "b") throw new Error("stuck");
    });
    const by = Object.fromEntries(outcomes.map((o) => [o.record.name, o]));
    assert.equal((by.b.error as Error).message, "stuck");
    assert.match(by.a.skipped ?? "", /urn:b still depends on it/);
    assert.equal(by.x.error, undefined);
  });
});
