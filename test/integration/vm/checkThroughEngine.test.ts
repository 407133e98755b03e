import assert from "node:assert/strict";
import { VirtualMachine, VirtualMachineArgs } from "../../../provider";
import { EngineHarness } from "../../engine";
import { badVmCases } from "../../unit/vm/badVmInputs";

describe("VirtualMachine check through the engine: every bad input is refused by name before any host is contacted", function () {
  this.timeout(120_000);

  it(`refuses all ${badVmCases.length} cases in one preview, touching no host`, async () => {
    const stack = new EngineHarness({ continueOnError: true });
    const result = await stack.check(() => {
      badVmCases.forEach((c, i) => new VirtualMachine(`case${i}`, c.inputs as unknown as VirtualMachineArgs));
    });
    for (const [i, c] of badVmCases.entries()) {
      const failures = result.failures.filter((f) => f.name === `case${i}`);
      assert.ok(
        failures.some((f) => f.property === c.property && c.rule.test(f.reason)),
        `${c.title}: expected a failure on ${c.property}, got ${JSON.stringify(failures)}`,
      );
    }
    const methods = new Set(stack.callLog.map((call) => call.method));
    assert.deepEqual(
      [...methods].filter((m) => !["Check", "GetPluginInfo", "Configure"].includes(m)),
      [],
      "a call other than Check was made",
    );
    assert.equal(result.output.filter((l) => l.text.startsWith("kvm:")).length, 0, "the provider reported work on a host");
  });
});
