import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Network, StoragePool } from "../../../provider";
import { ConnectionPool, LibvirtConnection } from "../../../provider/libvirt";
import { isNotFoundError } from "../../../provider/rpc";
import { EngineHarness } from "../../engine";
import { connectionTo } from "../support/connections";
import { localEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";

const run = promisify(execFile);
const { a } = testHosts();

/** Kills every process of the test login: its sshd sessions, so every SSH link to the hosts drops. */
async function cutSshLinks(): Promise<void> {
  await run("pkill", ["-KILL", "-u", a.user]).catch(() => undefined); // exit 1: nothing to kill
}

async function exists(lookup: () => Promise<unknown>): Promise<boolean> {
  try {
    await lookup();
    return true;
  } catch (err) {
    if (isNotFoundError(err)) return false;
    throw err;
  }
}

describe("a link cut during a create loses nothing", function () {
  this.timeout(180_000);
  const local = new ConnectionPool({ idleMs: 100 });
  let conn: LibvirtConnection;
  const tag = `pkvm-cut-${process.pid % 100000}`;

  before(async () => {
    // Watch host A through its local socket: killing the SSH sessions leaves this link alone.
    conn = (await local.acquire(localEndpoint())).connection;
  });
  after(() => local.closeAll());

  const cases = [
    {
      what: "network",
      program: () => () => {
        new Network("cut", {
          name: `${tag}-net`,
          bridge: `pkc-${process.pid % 10000}`,
          ipv4: { address: "192.168.182.1/24", dhcp: { ranges: [{ start: "192.168.182.10", end: "192.168.182.20" }] } },
          connection: connectionTo(a),
        });
      },
      onHost: () => exists(() => conn.networks.lookupByName(`${tag}-net`)),
    },
    {
      what: "pool",
      program: () => () => {
        new StoragePool("cut", { name: `${tag}-pool`, path: `/var/lib/libvirt/images/${tag}-pool`, connection: connectionTo(a) });
      },
      onHost: () => exists(() => conn.pools.lookupByName(`${tag}-pool`)),
    },
  ];

  for (const c of cases) {
    it(`${c.what}: the object is in state, or nothing is on the host; the next run converges`, async () => {
      const stack = new EngineHarness();
      const up = stack.up(c.program());
      // Cut the moment the first write shows on the host, mid-create.
      const deadline = Date.now() + 60_000;
      while (!(await c.onHost()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      await cutSshLinks();
      const first = await up;
      const inState = stack.state.resources.some((r) => r.name === "cut" && r.id);
      const onHost = await c.onHost();
      console.log(`      after the cut: errors=${first.errors.length} inState=${inState} onHost=${onHost}`);
      assert.ok(inState || !onHost, "an object exists on the host that state does not know");

      const second = await stack.up(c.program());
      assert.deepEqual(second.errors, [], JSON.stringify(second.errors));
      assert.equal(await c.onHost(), true);
      const down = await stack.destroy();
      assert.deepEqual(down.errors, []);
      assert.equal(await c.onHost(), false);
    });
  }
});
