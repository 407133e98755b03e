import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { CloudInitDisk, Network, StoragePool, VirtualMachine, Volume } from "../../../provider";
import type { ResourceKind } from "../../../provider/resources/kinds";
import { EngineHarness } from "../../engine";
import { badInputCases } from "../../support/badInputCases";
import { badVmCases } from "../../unit/vm/badVmInputs";

type ResourceClass = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.Resource;
const classes: Record<ResourceKind, ResourceClass> = { Network, StoragePool, Volume, VirtualMachine, CloudInitDisk };
/** Every bad-input case of every resource kind. */
const cases = [...badInputCases, ...badVmCases.map((c) => ({ ...c, kind: "VirtualMachine" as const }))];

describe("check through the engine: every bad input is refused by name before any host is contacted", function () {
  this.timeout(120_000);

  it(`refuses all ${cases.length} cases in one preview, touching no host`, async () => {
    const stack = new EngineHarness({ continueOnError: true });
    const result = await stack.check(() => {
      cases.forEach((c, i) => {
        new classes[c.kind](`case${i}`, c.inputs as never);
      });
    });
    for (const [i, c] of cases.entries()) {
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
