import assert from "node:assert/strict";
import { PoolRef } from "../../../provider/libvirt";
import { parseSpec } from "../../../provider/resources/common/kindSpec";
import { poolKind, PoolLive } from "../../../provider/resources/pool/kind";
import { asLibvirtStoresPath, parsePoolXml } from "../../../provider/xml";

describe("pool path: libvirt's spelling (the rule table's asLibvirtStoresPath)", () => {
  it("drops repeated and trailing slashes as libvirt does, and keeps the root", () => {
    assert.equal(asLibvirtStoresPath("/srv/images/"), "/srv/images");
    assert.equal(asLibvirtStoresPath("/srv//images///"), "/srv/images");
    assert.equal(asLibvirtStoresPath("/srv/images"), "/srv/images");
    assert.equal(asLibvirtStoresPath("/"), "/");
    assert.equal(asLibvirtStoresPath("//"), "/");
  });

  it("drifts on the path through comparePool: a trailing slash is none, another path or none at all is", () => {
    const spec = parseSpec(poolKind, { name: "p", path: "/srv/images/" }, {}).spec!;
    const live = (target: string): PoolLive => ({
      ref: {} as PoolRef,
      definition: parsePoolXml(`<pool type='dir'><name>p</name><uuid>u</uuid>${target}</pool>`),
      active: true,
      autostart: true,
      capacity: 0n,
      available: 0n,
    });
    assert.deepEqual(poolKind.drift(spec, live("<target><path>/srv/images</path></target>")), []);
    assert.deepEqual(poolKind.drift(spec, live("<target><path>/srv/other</path></target>")), [
      { property: "path", detail: "is /srv/other on the host" },
    ]);
    assert.deepEqual(poolKind.drift(spec, live("")), [{ property: "path", detail: "is unset on the host" }]);
  });
});
