import { strict as assert } from "assert";
import type { DiffAnswer } from "../../engine/client";
import { PlanInput, planChange } from "../../engine/plan";

describe("engine/plan", () => {
  const base = (diff: Partial<DiffAnswer>, extra: Partial<PlanInput> = {}): PlanInput => ({
    diff: { changes: "unknown", replaces: [], deleteBeforeReplace: false, ...diff },
    oldInputs: { a: 1, b: "x" },
    oldProvider: "P",
    newInputs: { a: 1, b: "x" },
    newProvider: "P",
    replaceOnChanges: [],
    ...extra,
  });

  it("follows the provider: none is same, some is update, some with replaces is replace", () => {
    assert.equal(planChange(base({ changes: "none" })).op, "same");
    assert.deepEqual(planChange(base({ changes: "some" }, { newInputs: { a: 2, b: "x" } })), {
      op: "update",
      changes: ["a"],
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepEqual(planChange(base({ changes: "some", replaces: ["b"], deleteBeforeReplace: true }, { newInputs: { a: 1, b: "y" } })), {
      op: "replace",
      changes: ["b"],
      replaces: ["b"],
      deleteBeforeReplace: true,
    });
  });

  it("diffs the inputs itself when the provider does not know, the provider text included", () => {
    assert.equal(planChange(base({})).op, "same");
    assert.deepEqual(planChange(base({}, { newInputs: { a: 1 } })).changes, ["b"]);
    assert.deepEqual(planChange(base({}, { newProvider: "P2" })), {
      op: "update",
      changes: ["__provider"],
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("replaceOnChanges turns a change of a named key into a replacement", () => {
    const plan = planChange(base({ changes: "some" }, { newInputs: { a: 2, b: "x" }, replaceOnChanges: ["a"] }));
    assert.deepEqual([plan.op, plan.replaces], ["replace", ["a"]]);
    assert.equal(planChange(base({ changes: "some" }, { newInputs: { a: 2, b: "x" }, replaceOnChanges: ["b"] })).op, "update");
    assert.equal(planChange(base({}, { newInputs: { a: 2, b: "x" }, replaceOnChanges: ["*"] })).op, "replace");
  });

  it("the deleteBeforeReplace option wins over the provider", () => {
    const input = base(
      { changes: "some", replaces: ["a"], deleteBeforeReplace: true },
      { newInputs: { a: 2, b: "x" }, deleteBeforeReplaceOption: false },
    );
    assert.equal(planChange(input).deleteBeforeReplace, false);
  });

  it("updates a resource left with init errors even without changes", () => {
    assert.equal(planChange(base({ changes: "none" }, { initErrors: ["did not start"] })).op, "update");
  });
});
