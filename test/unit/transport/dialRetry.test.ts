import { strict as assert } from "node:assert";

import { backoffMs, dialWithRetries, isTransientDialError, MAX_BACKOFF_MS } from "../../../provider/transport/dialRetry";
import { Deadline } from "../../../provider/transport/timeout";

/** A socket-like failure with a code, as `net` reports them. */
function failure(code: string): Error & { code: string } {
  return Object.assign(new Error(`connect ${code}`), { code });
}

describe("transport/dialRetry: which failures are retried", () => {
  it("retries failures that may pass", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "EAI_AGAIN"]) {
      assert.equal(isTransientDialError(code), true, code);
    }
  });

  it("does not retry a name that does not exist, other errors, or failures without a socket code", () => {
    for (const code of ["ENOTFOUND", "EACCES", "EINVAL", undefined]) assert.equal(isTransientDialError(code), false, String(code));
  });
});

describe("transport/dialRetry: the backoff schedule", () => {
  it("waits 0.5 s, then doubles up to its cap", () => {
    assert.deepEqual(
      [2, 3, 4, 5, 6, 7, 10].map((attempt) => backoffMs(attempt)),
      [500, 1000, 2000, 4000, 4000, 4000, 4000],
    );
    assert.equal(backoffMs(1), 0);
    assert.equal(MAX_BACKOFF_MS, 4000);
  });
});

describe("transport/dialRetry: dialWithRetries", () => {
  /** Runs a dial whose attempts fail with `codes` in turn, then succeed; records the waits. */
  async function run(codes: string[], attempts: number, budgetMs = 60_000) {
    const waits: number[] = [];
    const seen: number[] = [];
    let calls = 0;
    const outcome = await dialWithRetries(
      async () => {
        const code = codes[calls++];
        if (code !== undefined) throw failure(code);
        return "connected";
      },
      {
        attempts,
        deadline: new Deadline(budgetMs),
        codeOf: (error) => (error as { code?: string }).code,
        giveUp: (last, made) => new Error(`gave up after ${made} attempts: ${(last as Error).message}`),
        onAttempt: (n) => seen.push(n),
        sleep: async (ms) => void waits.push(ms),
      },
    ).then(
      (value) => value,
      (error: Error) => error,
    );
    return { outcome, waits, seen, calls };
  }

  it("succeeds on a later attempt after the backoff", async () => {
    const { outcome, waits, seen } = await run(["ECONNREFUSED", "ECONNRESET"], 3);
    assert.equal(outcome, "connected");
    assert.deepEqual(waits, [500, 1000]);
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it("gives up after the configured attempts, saying how many", async () => {
    const { outcome, calls, waits } = await run(["ECONNREFUSED", "ECONNREFUSED", "ECONNREFUSED", "ECONNREFUSED"], 3);
    assert.ok(outcome instanceof Error);
    assert.equal(outcome.message, "gave up after 3 attempts: connect ECONNREFUSED");
    assert.equal(calls, 3);
    assert.deepEqual(waits, [500, 1000]);
  });

  it("with one attempt, rethrows the first failure as it is", async () => {
    const { outcome, calls } = await run(["ECONNREFUSED"], 1);
    assert.ok(outcome instanceof Error);
    assert.equal(outcome.message, "connect ECONNREFUSED");
    assert.equal(calls, 1);
  });

  it("does not retry a failure that cannot pass", async () => {
    const { outcome, calls } = await run(["ENOTFOUND", "ECONNREFUSED"], 5);
    assert.ok(outcome instanceof Error);
    assert.equal(outcome.message, "connect ENOTFOUND");
    assert.equal(calls, 1);
  });

  it("stops when the next wait would leave the next attempt too little of the deadline", async () => {
    const { outcome, calls, waits } = await run(["ECONNREFUSED", "ECONNREFUSED", "ECONNREFUSED"], 10, 1200);
    assert.ok(outcome instanceof Error);
    // 1.2 s fits the 0.5 s wait plus a try, not the 1 s one after it.
    assert.equal(calls, 2);
    assert.deepEqual(waits, [500]);
    assert.match(outcome.message, /after 2 attempts/);
  });
});
