/**
 * Arms host B's network hook (`scripts/fault-hook`, installed by
 * `scripts/test-hosts up`): libvirtd runs it in the middle of a network call
 * — `start` while a network is created, `updated` during a live update,
 * `stopped` while it is destroyed — and, when armed, it freezes or kills the
 * daemon there, or holds the call until released.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The hook's moments: the network operations libvirt names. */
export type HookOp = "start" | "updated" | "stopped";
/** What the hook does: freeze the daemon, kill it, or hold the call. */
export type HookAction = "stop" | "kill" | "hold";

function faultsDir(): string {
  const dir = process.env.KVM_TEST_FAULTS_DIR;
  if (!dir) throw new Error('KVM_TEST_FAULTS_DIR is not set: run through `npm test`, or eval "$(scripts/test-hosts env)" first');
  return dir;
}

/** One armed moment of one network on host B. */
export class ArmedHook {
  private readonly file: string;

  /** Arms the hook: the next `op` call on network `name` meets `action`. */
  constructor(
    readonly name: string,
    readonly op: HookOp,
    readonly action: HookAction,
  ) {
    this.file = join(faultsDir(), `${name}.${op}`);
    rmSync(`${this.file}.hit`, { force: true });
    writeFileSync(this.file, action);
  }

  /** Resolves with the daemon's pid once the call reached the hook; rejects after `timeoutMs`. */
  async hit(timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(`${this.file}.hit`)) {
      if (Date.now() > deadline) throw new Error(`host B's ${this.op} hook for ${this.name} was not reached within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return Number(readFileSync(`${this.file}.hit`, "utf8").trim());
  }

  /** Whether the call reached the hook. */
  get wasHit(): boolean {
    return existsSync(`${this.file}.hit`);
  }

  /** Lets a held call go on (and disarms a hook that was never reached). */
  release(): void {
    rmSync(this.file, { force: true });
  }

  /** Disarms the hook and forgets that it was reached. */
  clear(): void {
    this.release();
    rmSync(`${this.file}.hit`, { force: true });
  }
}

/** Starts host B's libvirtd again after a test killed it (what `scripts/test-hosts up` repairs). */
export function reviveHostB(): void {
  execFileSync(join(__dirname, "../../../scripts/test-hosts"), ["up"], { stdio: ["ignore", "ignore", "pipe"], timeout: 120_000 });
}
