/**
 * Host B's libvirtd frozen with SIGSTOP before a connection is opened: sshd and the
 * remote proxy still accept, the daemon never answers. The open must fail within the
 * connect timeout naming the host and the step, and succeed once the daemon resumes.
 *
 * The daemon is stopped for a few seconds only, and resumed in every case: in a
 * `finally`, and on process exit should the run be cut short in between.
 */
import { strict as assert } from "node:assert";

import { ConnectionPool } from "../../../provider/libvirt";
import type { LibvirtEndpoint } from "../../../provider/transport";
import { withHostBFrozen } from "../support/daemons";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";

const CONNECT_TIMEOUT_MS = 3000;
/** Opening the SSH link and closing after the failure, on top of the budget. */
const SLACK_MS = 3000;

describe("transport: a libvirtd frozen before the connection opens (host B)", function () {
  this.timeout(60_000);

  it("fails within the connect timeout naming host and step, and opens once the daemon resumes", async () => {
    const { b } = testHosts();
    const endpoint: LibvirtEndpoint = { ...sshEndpoint(b), connectTimeoutMs: CONNECT_TIMEOUT_MS };
    const pool = new ConnectionPool({ idleMs: 10 });
    let elapsed = 0;
    const failure = await withHostBFrozen(async () => {
      const started = Date.now();
      const outcome = await pool.acquire(endpoint).then(
        (lease) => lease.release(),
        (error: unknown) => error,
      );
      elapsed = Date.now() - started;
      return outcome;
    });
    try {
      assert.ok(failure instanceof Error, "the open succeeded against a stopped daemon");
      assert.match(failure.message, new RegExp(`^${b.user}@${b.host.replace(/\./g, "\\.")}:${b.port} ${b.uri}: libvirt handshake \\(`));
      assert.match(failure.message, /no answer within \d/);
      assert.ok(elapsed >= CONNECT_TIMEOUT_MS - 500 && elapsed < CONNECT_TIMEOUT_MS + SLACK_MS, `failed after ${elapsed} ms`);
      const version = await pool.use(endpoint, (connection) => connection.libVersion());
      assert.ok(version > 0n);
    } finally {
      await pool.closeAll();
    }
  });
});
