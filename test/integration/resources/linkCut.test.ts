import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
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

/**
 * The sshd processes serving this test's provider hosts (and only those):
 * the provider host processes this test process started, their TCP
 * connections to host A's sshd, and the sshd session at the other end of
 * each. Killing them ends the connection as a network cut would, while
 * every other SSH session on the machine lives on.
 */
async function providerSshSessions(): Promise<number[]> {
  const hosts = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const ppid = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1];
        return Number(ppid) === process.pid && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("dynamic-provider");
      } catch {
        return false; // the process ended meanwhile
      }
    });
  const { stdout } = await run("ss", ["-tnpH", "state", "established"]);
  const lines = stdout.split("\n");
  const sshd = `127.0.0.1:${a.port}`;
  const clientPorts = lines
    .filter((l) => hosts.some((pid) => l.includes(`pid=${pid},`)) && l.includes(` ${sshd} `))
    .map((l) => /127\.0\.0\.1:(\d+)\s+127\.0\.0\.1:\d+/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);
  const sessions: number[] = [];
  for (const port of clientPorts) {
    for (const l of lines.filter((x) => x.includes(`${sshd} `) && x.includes(` 127.0.0.1:${port} `))) {
      for (const m of l.matchAll(/"sshd[^"]*",pid=(\d+)/g)) sessions.push(Number(m[1]));
    }
  }
  return sessions;
}

/** Kills processes and all their descendants (sshd's session child holds the socket too). */
function killTrees(roots: number[]): number {
  const children = new Map<number, number[]>();
  for (const d of readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
    try {
      const ppid = Number(readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1].split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // ended meanwhile
    }
  }
  const all: number[] = [];
  const walk = (pid: number): void => {
    all.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  roots.forEach(walk);
  for (const pid of new Set(all)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // ended meanwhile
    }
  }
  return new Set(all).size;
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
      // Find the provider's SSH session as soon as it connects, then cut it
      // the moment the first write shows on the host: mid-create.
      let sessions: number[] = [];
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (sessions.length === 0) sessions = await providerSshSessions();
        else if (await c.onHost()) break;
        await new Promise((r) => setTimeout(r, 1));
      }
      const killed = killTrees(sessions);
      const first = await up;
      const inState = stack.state.resources.some((r) => r.name === "cut" && r.id);
      const onHost = await c.onHost();
      console.log(
        `      killed ${killed} SSH session process(es); after the cut: errors=${first.errors.length} inState=${inState} onHost=${onHost}`,
      );
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
