/**
 * Host B's libvirtd frozen with SIGSTOP before a connection is opened: sshd and the
 * remote proxy still accept, the daemon never answers. The open must fail within the
 * connect timeout naming the host and the step, and succeed once the daemon resumes.
 *
 * The daemon is stopped for a few seconds only, and resumed in every case: in a
 * `finally`, and on process exit should the run be cut short in between.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { ConnectionPool } from "../../../provider/libvirt";
import type { LibvirtEndpoint } from "../../../provider/transport";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";

const CONNECT_TIMEOUT_MS = 3000;
/** Opening the SSH link and closing after the failure, on top of the budget. */
const SLACK_MS = 3000;

/** Host B's libvirtd pid, as `scripts/test-hosts status` reports it; checked to be a libvirtd. */
function hostBDaemonPid(): number {
  const status = execFileSync(join(__dirname, "../../../scripts/test-hosts"), ["status"], { encoding: "utf8" });
  const match = /^host B: up .*libvirtd pid (\d+),/m.exec(status);
  assert.ok(match?.[1] !== undefined, `host B is not up:\n${status}`);
  const pid = Number(match[1]);
  assert.equal(readFileSync(`/proc/${pid}/comm`, "utf8").trim(), "libvirtd", `pid ${pid} is not a libvirtd`);
  return pid;
}

describe("transport: a libvirtd frozen before the connection opens (host B)", function () {
  this.timeout(60_000);

  it("fails within the connect timeout naming host and step, and opens once the daemon resumes", async () => {
    const { b } = testHosts();
    const endpoint: LibvirtEndpoint = { ...sshEndpoint(b), connectTimeoutMs: CONNECT_TIMEOUT_MS };
    const pool = new ConnectionPool({ idleMs: 10 });
    const pid = hostBDaemonPid();
    const resume = (): void => void process.kill(pid, "SIGCONT");
    process.once("exit", resume);
    let failure: unknown;
    let elapsed: number;
    try {
      process.kill(pid, "SIGSTOP");
      const started = Date.now();
      failure = await pool.acquire(endpoint).then(
        (lease) => lease.release(),
        (error: unknown) => error,
      );
      elapsed = Date.now() - started;
    } finally {
      resume();
      process.removeListener("exit", resume);
    }
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
