import assert from "node:assert/strict";
import { sharedConnectionPool } from "../../../provider/libvirt";
import { cloudInitDiskKind } from "../../../provider/resources/cloudInit/kind";
import { buildSeed } from "../../../provider/resources/cloudInit/model";
import { parseSpec, replacementsOf } from "../../../provider/resources/common/kindSpec";
import { handler } from "../../../provider/resources/runtime";
import { conn } from "../../support/badInputCases";

const good = { pool: "default", name: "seed.iso", userData: "#cloud-config\n", metaData: "instance-id: i1\n", connection: conn };

describe("cloudInit: CloudInitDisk inputs and drift", () => {
  it("accepts good inputs, with and without network-config", async () => {
    for (const inputs of [good, { ...good, networkConfig: "version: 2\n" }]) {
      const result = await handler("CloudInitDisk").check({}, inputs);
      assert.deepEqual(result.failures, []);
    }
  });

  it("reports every problem at once, before any host is touched", async () => {
    const result = await handler("CloudInitDisk").check({}, { pool: "a/b", name: "", metaData: 3, networkConfig: [], connection: conn });
    assert.deepEqual(result.failures?.map((f) => f.property).sort(), ["metaData", "name", "networkConfig", "pool", "userData"]);
    assert.equal(sharedConnectionPool().size, 0, "check contacted a host");
  });

  it("replaces only on pool or name", () => {
    const spec = parseSpec(cloudInitDiskKind, good, {}).spec!;
    assert.deepEqual(replacementsOf(cloudInitDiskKind, spec, { ...spec, userData: "#x\n" }), []);
    assert.deepEqual(replacementsOf(cloudInitDiskKind, spec, { ...spec, pool: "p", name: "n" }), ["pool", "name"]);
  });

  it("drifts on a different digest, naming digests only (user-data may hold secrets)", () => {
    const spec = parseSpec(cloudInitDiskKind, { ...good, userData: "password: hunter2\n" }, {}).spec!;
    const image = buildSeed(spec);
    const live = { ref: { pool: "default", name: "seed.iso", key: "/k" }, path: "/k", capacity: BigInt(image.bytes.length) };
    assert.deepEqual(cloudInitDiskKind.drift(spec, { ...live, sha256: image.sha256 }), []);
    const drift = cloudInitDiskKind.drift(spec, { ...live, sha256: "0".repeat(64) });
    assert.deepEqual(
      drift.map((d) => d.property),
      ["sha256"],
    );
    assert.doesNotMatch(JSON.stringify(drift), /hunter2/);
  });

  it("puts network-config into the image only when given", () => {
    const without = buildSeed({ userData: "u", metaData: "m" });
    const withNet = buildSeed({ userData: "u", metaData: "m", networkConfig: "version: 2\n" });
    assert.ok(!without.bytes.includes(Buffer.from("network-config".split("").join("\0"), "latin1")));
    assert.ok(withNet.bytes.includes(Buffer.from("version: 2\n")));
    assert.notEqual(without.sha256, withNet.sha256);
  });
});
