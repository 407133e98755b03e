/**
 * Faults: host B's libvirtd frozen (SIGSTOP) before a run that creates,
 * updates or deletes a network there. Each run must fail within the connect
 * timeout naming the host and the step, leave nothing on the host that state
 * does not know and forget nothing, and the next run, with the daemon
 * resumed, must converge — checked with libvirt directly.
 */
import assert from "node:assert/strict";
import { Network } from "../../../provider";
import { ConnectionPool, LibvirtConnection } from "../../../provider/libvirt";
import { isNotFoundError } from "../../../provider/rpc";
import { EngineHarness, opsByName, RunResult } from "../../engine";
import { connectionTo } from "../support/connections";
import { withHostBFrozen } from "../support/daemons";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";

const { b } = testHosts();
const tag = `pkvm-frz-${process.pid % 100000}`;
const TIMEOUT_S = 3;

/** A network on host B whose connection gives up opening after TIMEOUT_S seconds (or no network at all). */
const program = (net: { autostart: boolean } | undefined) => () => {
  if (!net) return;
  new Network("net", {
    name: `${tag}-net`,
    mode: "isolated",
    autostart: net.autostart,
    connection: { ...connectionTo(b), connectTimeoutSeconds: TIMEOUT_S },
  });
};

describe("faults: a libvirtd frozen before a run (host B) fails it in bounded time; the next run converges", function () {
  this.timeout(180_000);
  const direct = new ConnectionPool({ idleMs: 100 });
  const stack = new EngineHarness();
  let conn: LibvirtConnection;

  before(async () => {
    conn = (await direct.acquire(sshEndpoint(b))).connection;
  });
  after(async () => {
    await stack.destroy();
    await direct.closeAll();
  });

  const onHost = async (): Promise<boolean> =>
    conn.networks.lookupByName(`${tag}-net`).then(
      () => true,
      (err: unknown) => (isNotFoundError(err) ? false : Promise.reject(err)),
    );

  /** Runs `up` with the daemon frozen; asserts a bounded failure naming host and step. */
  async function frozenUp(net: { autostart: boolean } | undefined): Promise<RunResult> {
    let elapsed = 0;
    const up = await withHostBFrozen(async () => {
      const started = Date.now();
      const result = await stack.up(program(net));
      elapsed = Date.now() - started;
      return result;
    });
    const message = up.errors.map((e) => e.message).join("\n");
    console.log(`      failed after ${(elapsed / 1000).toFixed(1)} s: ${message.split("\n")[0]?.slice(0, 150)}`);
    assert.ok(up.errors.length > 0, "the run succeeded against a stopped daemon");
    assert.match(message, new RegExp(`${b.user}@${b.host.replace(/\./g, "\\.")}:${b.port}`));
    assert.match(message, /libvirt handshake \(/);
    // The provider host's start and the engine's own steps come on top of the timeout.
    assert.ok(elapsed < (TIMEOUT_S + 15) * 1000, `the run took ${elapsed} ms`);
    return up;
  }

  it("create: nothing is created and nothing is in state; the next up creates it", async () => {
    await frozenUp({ autostart: true });
    assert.equal(stack.state.resources.length, 0);
    assert.equal(await onHost(), false);
    const up = await stack.up(program({ autostart: true }));
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { net: "create" });
    assert.equal(await onHost(), true);
  });

  it("update: the network stays in state as it was; the next up applies the change", async () => {
    await frozenUp({ autostart: false });
    assert.equal(stack.state.resources.filter((r) => r.name === "net").length, 1);
    assert.equal(await conn.networks.getAutostart(await conn.networks.lookupByName(`${tag}-net`)), true);
    const up = await stack.up(program({ autostart: false }));
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { net: "update" });
    assert.equal(await conn.networks.getAutostart(await conn.networks.lookupByName(`${tag}-net`)), false);
  });

  it("delete: the network stays in state and on the host; the next up deletes it", async () => {
    await frozenUp(undefined);
    assert.equal(stack.state.resources.filter((r) => r.name === "net").length, 1, "state forgot the network");
    assert.equal(await onHost(), true);
    const up = await stack.up(program(undefined));
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { net: "delete" });
    assert.equal(await onHost(), false);
    assert.equal(stack.state.resources.length, 0);
  });
});
