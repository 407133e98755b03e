import assert from "node:assert/strict";
import { sizeText } from "../../../../provider/resources/common/sizeText";

const MiB = 1024n * 1024n;

describe("resources/common/sizeText: a size on the console, its unit chosen by the size", () => {
  it("speaks MiB below a GiB, GiB below a TiB, TiB above, with one decimal", () => {
    assert.equal(sizeText(0n), "0.0 MiB");
    assert.equal(sizeText(512n * 1024n), "0.5 MiB");
    assert.equal(sizeText(16n * MiB), "16.0 MiB");
    assert.equal(sizeText(1023n * MiB), "1023.0 MiB");
    assert.equal(sizeText(1024n * MiB), "1.0 GiB");
    assert.equal(sizeText(20n * 1024n * MiB + 512n * MiB), "20.5 GiB");
    assert.equal(sizeText(1024n * 1024n * MiB), "1.0 TiB");
    assert.equal(sizeText(3n * 1024n * 1024n * MiB), "3.0 TiB");
  });
});
