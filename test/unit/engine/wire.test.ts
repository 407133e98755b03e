import { strict as assert } from "assert";
import {
  RESOURCE_SIG,
  SIG_KEY,
  UNKNOWN,
  changedKeys,
  containsSecrets,
  containsUnknowns,
  deepEqual,
  makeSecret,
  secretKeys,
  toProviderProps,
  withSecrets,
} from "../../engine/wire";

describe("engine/wire", () => {
  it("unwraps secrets at any depth and turns resource references into ids (or URNs)", () => {
    const props = {
      plain: "a",
      secret: makeSecret("s"),
      nested: { list: [makeSecret(1), 2] },
      custom: { [SIG_KEY]: RESOURCE_SIG, urn: "urn:x", id: "id-1" },
      component: { [SIG_KEY]: RESOURCE_SIG, urn: "urn:y" },
    };
    assert.deepEqual(toProviderProps(props), { plain: "a", secret: "s", nested: { list: [1, 2] }, custom: "id-1", component: "urn:y" });
  });

  it("finds secrets and unknowns anywhere", () => {
    assert.equal(containsSecrets({ a: [{ b: makeSecret(null) }] }), true);
    assert.equal(containsSecrets({ a: [1, "x"] }), false);
    assert.equal(containsUnknowns({ a: [UNKNOWN] }), true);
    assert.equal(containsUnknowns({ a: "known" }), false);
    assert.deepEqual(secretKeys({ a: 1, b: { c: makeSecret(2) } }), ["b"]);
  });

  it("wraps named keys as secrets once", () => {
    assert.deepEqual(withSecrets({ a: 1, b: makeSecret(2), c: 3 }, ["a", "b", "missing"]), { a: makeSecret(1), b: makeSecret(2), c: 3 });
  });

  it("compares structurally, ignoring key order", () => {
    assert.equal(deepEqual({ a: [1, { b: 2, c: 3 }] }, { a: [1, { c: 3, b: 2 }] }), true);
    assert.equal(deepEqual({ a: [1, 2] }, { a: [2, 1] }), false);
    assert.equal(deepEqual({ a: null }, {}), false);
  });

  it("lists changed top-level keys: added, removed and changed", () => {
    assert.deepEqual(changedKeys({ same: 1, gone: 1, changed: { x: 1 } }, { same: 1, changed: { x: 2 }, added: 0 }), [
      "added",
      "changed",
      "gone",
    ]);
  });
});
