import assert from "node:assert/strict";
import { domainModelOf } from "../../../provider/resources/vm/model";
import { withdrawnParts } from "../../../provider/resources/vm/withdrawn";
import { FIXTURE, FIXTURE_UUID, fixtureDisks, fixtureSpec } from "./fixtureSpec";

const modelOf = (change: Record<string, unknown>) => {
  const spec = fixtureSpec(FIXTURE, change);
  return domainModelOf(spec, fixtureDisks(spec), FIXTURE_UUID);
};
const WATCHDOG =
  "<domain><devices><watchdog model='i6300esb'/></devices><memtune><hard_limit unit='MiB'>900</hard_limit></memtune></domain>";

describe("vm/withdrawn: settings the program no longer declares", () => {
  it("finds a removed cpuMode and machine, named by their inputs", () => {
    const gone = withdrawnParts(modelOf({ cpuMode: "host-passthrough", machine: "q35" }), modelOf({}), false);
    assert.deepEqual(gone.map((d) => d.property).sort(), ["cpuMode", "machine"]);
    assert.ok(gone.every((d) => d.change.kind === "definition"));
  });

  it("finds the devices and elements of dropped xmlOverrides", () => {
    const gone = withdrawnParts(modelOf({ xmlOverrides: WATCHDOG }), modelOf({}), true);
    assert.deepEqual(
      gone.map((d) => d.property),
      ["xmlOverrides", "xmlOverrides"],
    );
    assert.ok(
      gone.some((d) => /<watchdog model="i6300esb"\/> is no longer declared/.test(d.detail)),
      JSON.stringify(gone),
    );
    assert.ok(
      gone.some((d) => /memtune/.test(d.detail)),
      JSON.stringify(gone),
    );
  });

  it("finds nothing when nothing was removed, or when only values changed", () => {
    assert.deepEqual(withdrawnParts(modelOf({ xmlOverrides: WATCHDOG }), modelOf({ xmlOverrides: WATCHDOG }), true), []);
    assert.deepEqual(withdrawnParts(modelOf({ cpuMode: "host-model" }), modelOf({ cpuMode: "host-passthrough" }), false), []);
    assert.deepEqual(withdrawnParts(modelOf({}), modelOf({ cpuMode: "host-model", xmlOverrides: WATCHDOG }), true), []);
  });
});
