import assert from "node:assert/strict";
import { DEFAULT_LINK_OPTIONS } from "../../../provider/transport";
import { DEFAULT_KEEPALIVE_TIMEOUT_MS, keepaliveSchedule } from "../../../provider/transport/keepaliveTimeout";

/** When a side gives up: after its count of unanswered keepalives, one interval later. */
const failsAfter = (intervalMs: number, count: number): number => intervalMs * (count + 1);

describe("transport/keepaliveTimeout: one silence budget, two keepalive schedules", () => {
  it("by default is libvirt's own schedule (a PING every 5 s, 5 unanswered) and the link's defaults", () => {
    assert.equal(DEFAULT_KEEPALIVE_TIMEOUT_MS, 30_000);
    assert.deepEqual(keepaliveSchedule(), { intervalMs: 5000, libvirtCount: 5, sshCountMax: 3 });
    assert.equal(DEFAULT_LINK_OPTIONS.keepaliveIntervalMs, 5000);
    assert.equal(DEFAULT_LINK_OPTIONS.keepaliveCountMax, 3);
  });

  for (const budget of [3000, 6000, 30_000, 3_600_000]) {
    it(`${budget} ms: the daemon fails at the budget, a dead link before it`, () => {
      const s = keepaliveSchedule(budget);
      assert.equal(failsAfter(s.intervalMs, s.libvirtCount), budget);
      const link = failsAfter(s.intervalMs, s.sshCountMax);
      assert.ok(link < budget, `link ${link} ms, daemon ${budget} ms`);
      assert.ok(link >= budget / 2, `a link failing at ${link} ms of ${budget} ms would be declared dead while merely busy`);
    });
  }
});
