import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Host B's libvirtd pid, as `scripts/test-hosts status` reports it; checked to be a libvirtd. */
export function hostBDaemonPid(): number {
  const status = execFileSync(join(__dirname, "../../../scripts/test-hosts"), ["status"], { encoding: "utf8" });
  const match = /^host B: up .*libvirtd pid (\d+),/m.exec(status);
  assert.ok(match?.[1] !== undefined, `host B is not up:\n${status}`);
  const pid = Number(match[1]);
  assert.equal(readFileSync(`/proc/${pid}/comm`, "utf8").trim(), "libvirtd", `pid ${pid} is not a libvirtd`);
  return pid;
}

/**
 * Runs `fn` with host B's libvirtd stopped (SIGSTOP), resuming it however `fn`
 * ends — and on process exit, should the run be cut short in between.
 */
export async function withHostBFrozen<T>(fn: () => Promise<T>): Promise<T> {
  const pid = hostBDaemonPid();
  const resume = (): void => void process.kill(pid, "SIGCONT");
  process.once("exit", resume);
  try {
    process.kill(pid, "SIGSTOP");
    return await fn();
  } finally {
    resume();
    process.removeListener("exit", resume);
  }
}
