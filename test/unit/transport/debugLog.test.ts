import { strict as assert } from "node:assert";

import { NO_DEBUG, openDebugLog, transportDebugEnabled } from "../../../provider/transport/debugLog";

describe("transport/debugLog: the PULUMI_KVM_DEBUG switch", () => {
  it("is on for transport, 1 and *, also within a list", () => {
    for (const value of ["transport", "1", "*", "rpc,transport", " Transport "]) {
      assert.equal(transportDebugEnabled({ PULUMI_KVM_DEBUG: value }), true, value);
    }
  });

  it("is off when unset, empty, 0 or naming something else", () => {
    for (const value of [undefined, "", "0", "rpc", "transports"]) {
      assert.equal(transportDebugEnabled(value === undefined ? {} : { PULUMI_KVM_DEBUG: value }), false, String(value));
    }
    assert.equal(openDebugLog({ env: {} }), NO_DEBUG);
  });

  it("writes one prefixed line per event, with the host and the elapsed milliseconds", () => {
    const lines: string[] = [];
    const debug = openDebugLog({ env: { PULUMI_KVM_DEBUG: "transport" }, write: (line) => lines.push(line), startedAt: Date.now() - 42 });
    debug("kvmtest@127.0.0.1:2222", "dialing (attempt 1 of 3)");
    debug("kvmtest@127.0.0.1:2222", "dial failed: two\nlines");
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? "", /^pulumi-kvm: kvmtest@127\.0\.0\.1:2222 \+\d+ms dialing \(attempt 1 of 3\)\n$/);
    assert.ok(Number(/\+(\d+)ms/.exec(lines[0] ?? "")?.[1]) >= 42);
    assert.match(lines[1] ?? "", /dial failed: two lines\n$/);
  });
});
