import assert from "node:assert/strict";
import { sharedConnectionPool } from "../../../provider/libvirt";
import { RefusedChangeError } from "../../../provider/resources/common/errors";
import { handler } from "../../../provider/resources/runtime";
import { assertNoShrink, volumeDrift } from "../../../provider/resources/volume/drift";
import type { VolumeLive, VolumeSpec } from "../../../provider/resources/volume/kind";
import { conn } from "../../support/badInputCases";

const MiB = 1024n * 1024n;
const spec: VolumeSpec = { pool: "default", name: "v", capacityBytes: 32n * MiB, format: "qcow2", connection: {} };
const live = (capacity: bigint): VolumeLive => ({
  ref: { pool: "default", name: "v", key: "/p/v" },
  path: "/p/v",
  format: "qcow2",
  capacity,
  allocation: 0n,
});

describe("Volume drift", () => {
  it("reports a volume grown on the host beyond its capacity as a refused shrink, never throwing", () => {
    const drift = volumeDrift(spec, live(64n * MiB));
    assert.deepEqual(
      drift.map((d) => d.property),
      ["capacity"],
    );
    assert.match(drift[0].detail, /is 67108864 bytes on the host, 33554432 declared: shrinking is refused/);
    // The update still refuses it, naming the property.
    assert.throws(
      () => assertNoShrink(spec, live(64n * MiB)),
      (e: Error) => e instanceof RefusedChangeError && /capacity/.test(e.message),
    );
  });

  it("reports a volume smaller on the host as a capacity to grow", () => {
    const drift = volumeDrift(spec, live(16n * MiB));
    assert.deepEqual(drift, [{ property: "capacity", detail: "is 16777216 bytes on the host, 33554432 declared" }]);
    assert.deepEqual(volumeDrift(spec, live(32n * MiB)), []);
  });

  it("refuses in check a program that lowers the capacity it declared, before any host is touched", async () => {
    const olds = { pool: "default", name: "v", capacity: "96MiB", connection: conn };
    const result = await handler("Volume").check(olds, { ...olds, capacity: "32MiB" });
    assert.deepEqual(
      result.failures?.map((f) => f.property),
      ["capacity"],
    );
    assert.match(result.failures?.[0]?.reason ?? "", /capacity cannot shrink from 100663296 to 33554432 bytes/);
    assert.deepEqual((await handler("Volume").check(olds, { ...olds, capacity: "128MiB" })).failures, []);
    assert.equal(sharedConnectionPool().size, 0, "check contacted a host");
  });
});
