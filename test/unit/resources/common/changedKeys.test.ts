import assert from "node:assert/strict";
import { changedKeys } from "../../../../provider/resources/common/adapter";

describe("resources/common/changedKeys", () => {
  const provider = { __provider: "serialized" };

  it("finds inputs set, changed (deep) and removed, ignoring the serialized provider", () => {
    const olds = { ...provider, name: "a", removed: "x", nested: { n: 1 }, same: [1, 2] };
    const news = { __provider: "other", name: "a", added: true, nested: { n: 2 }, same: [1, 2] };
    assert.deepEqual(changedKeys(olds, news).sort(), ["added", "nested", "removed"]);
  });

  it("does not count outputs stored beside the inputs as removed inputs", () => {
    const olds = { ...provider, name: "a", xmlOverrides: "<domain/>", uuid: "u", state: "running" };
    const news = { ...provider, name: "a" };
    assert.deepEqual(changedKeys(olds, news, new Set(["uuid", "state"])), ["xmlOverrides"]);
    assert.deepEqual(changedKeys({ ...olds, xmlOverrides: undefined }, news, new Set(["uuid", "state"])), []);
  });
});
