import assert from "node:assert/strict";
import { asLibvirtKeepsIt } from "../../../provider/resources/pool/kind";

describe("pool/asLibvirtKeepsIt", () => {
  it("drops repeated and trailing slashes as libvirt does, and keeps the root", () => {
    assert.equal(asLibvirtKeepsIt("/srv/images/"), "/srv/images");
    assert.equal(asLibvirtKeepsIt("/srv//images///"), "/srv/images");
    assert.equal(asLibvirtKeepsIt("/srv/images"), "/srv/images");
    assert.equal(asLibvirtKeepsIt("/"), "/");
    assert.equal(asLibvirtKeepsIt("//"), "/");
  });
});
