import assert from "node:assert/strict";
import { sharedConnectionPool } from "../../../provider/libvirt";
import { handler } from "../../../provider/resources/runtime";
import { badVmCases, conn, goodVm } from "./badVmInputs";

describe("VirtualMachine check: bad input is refused by property before any host is touched", () => {
  const vm = () => handler("VirtualMachine");

  for (const c of badVmCases) {
    it(`${c.title} → ${c.property}`, async () => {
      const result = await vm().check({}, c.inputs);
      const failure = result.failures?.find((f) => f.property === c.property);
      assert.ok(failure, `no failure names ${c.property}; got ${JSON.stringify(result.failures)}`);
      assert.match(failure.reason, c.rule);
      assert.ok(failure.reason.startsWith(c.property), "the reason does not start with the property");
      assert.equal(sharedConnectionPool().size, 0, "check contacted a host");
    });
  }

  it("reports every problem of one input at once", async () => {
    const result = await vm().check(
      {},
      { name: "", vcpus: 0, memory: "lots", networkInterfaces: [{}], updatePolicy: "x", connection: conn },
    );
    assert.deepEqual(result.failures?.map((f) => f.property).sort(), ["memory", "name", "networkInterfaces[0]", "updatePolicy", "vcpus"]);
  });

  it("accepts good inputs, and the smallest ones", async () => {
    for (const inputs of [goodVm, { name: "tiny", connection: conn }]) {
      const result = await vm().check({}, inputs);
      assert.deepEqual(result.failures, [], JSON.stringify(result.failures));
    }
  });

  it("accepts stored outputs among the inputs (a diff parses the old outputs)", async () => {
    const stored = {
      ...goodVm,
      uuid: "0b7c7f4e-6bd1-4a42-9b0e-1f0b7f3c2a11",
      state: "running",
      ipAddresses: [],
      macAddresses: [],
      pendingRestart: false,
    };
    assert.deepEqual((await vm().check({}, stored)).failures, []);
  });

  it("leaves inputs that are unknown during a preview for later", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const result = await vm().check({}, { ...goodVm, disks: [{ volumeKey: unknown }], networkInterfaces: unknown });
    assert.deepEqual(result.failures, []);
  });
});
