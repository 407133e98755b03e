/**
 * Faults in the middle of a call, at create, update and delete of a network on
 * host B: the daemon frozen or killed while it works on the call, the SSH link
 * cut or frozen while the call waits for its answer. libvirt's own network hook
 * picks the moment (`support/faultHook.ts`); the link runs through a relay that
 * can cut or freeze it (`support/linkProxy.ts`).
 *
 * Each faulted run must fail within the connection's keepalive budget, naming
 * the object, the host and the side that failed; nothing may be on the host
 * that state does not know, and nothing in state may be forgotten; the next
 * run converges and the one after plans nothing — all checked with virsh.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import type { ConnectionArgs } from "../../../provider";
import { Network } from "../../../provider";
import { EngineHarness, opsByName, RunResult } from "../../engine";
import { ArmedHook, HookAction, HookOp, reviveHostB } from "../support/faultHook";
import { testHosts } from "../support/hosts";
import { LinkProxy } from "../support/linkProxy";
import { RemoteCommandError, virsh } from "../support/virsh";

const { b } = testHosts();
const tag = `pkvm-flt-${process.pid % 100000}`;
/** Keepalive budget of the faulted connections: a silent daemon fails after 6 s, a silent link after about 4 s. */
const KEEPALIVE_S = 6;
/** What a run may take on top of the budget: the provider host's start and the engine's own steps. */
const RUN_OVERHEAD_S = 15;

/** A fault, what it does once the call is under way, and what the error must blame. */
interface Fault {
  title: string;
  /** What host B's hook does in the middle of the call. */
  hook: HookAction;
  /** Acts on the link once the call is held in the daemon (link faults only). */
  onLink?: (proxy: LinkProxy) => number;
  /** The side the error must name. */
  blames: RegExp;
  /** Puts the world back after the run failed. */
  recover: (daemonPid: number, proxy: LinkProxy) => void;
}

const faults: Fault[] = [
  {
    title: "libvirtd frozen (SIGSTOP)",
    hook: "stop",
    blames: /no answer from the daemon .* while the link is alive/,
    recover: (pid) => process.kill(pid, "SIGCONT"),
  },
  {
    title: "libvirtd killed (SIGKILL)",
    hook: "kill",
    blames: /the libvirt daemon behind .* (closed its end|is gone or unreachable)/,
    recover: () => reviveHostB(),
  },
  {
    title: "SSH link cut",
    hook: "hold",
    onLink: (proxy) => proxy.cut(),
    blames: /SSH link .* closed by the server or the network|SSH link .*reset/i,
    recover: () => undefined,
  },
  {
    title: "SSH link frozen",
    hook: "hold",
    onLink: (proxy) => proxy.freeze(),
    blames: /no answer to SSH keepalives|SSH link has been silent/,
    recover: (_pid, proxy) => void proxy.cut(),
  },
];

/** The network as each run declares it: absent, as first created, or with one more static DHCP host. */
type Shape = "absent" | "plain" | "withHost";

/** One operation: where the stack starts, what the faulted run declares, and the hook's moment. */
interface Operation {
  op: "create" | "update" | "delete";
  from: Shape;
  to: Shape;
  hookOp: HookOp;
}

const operations: Operation[] = [
  { op: "create", from: "absent", to: "plain", hookOp: "start" },
  { op: "update", from: "plain", to: "withHost", hookOp: "updated" },
  { op: "delete", from: "plain", to: "absent", hookOp: "stopped" },
];

const MAC = "52:54:00:7f:00:10";

/** Host B's key fingerprint: the relay's port has no known_hosts entry, so the key is pinned instead. */
function hostBFingerprint(): string {
  const out = execFileSync("ssh-keygen", ["-l", "-F", `[${b.host}]:${b.port}`, "-f", b.knownHostsPath], { encoding: "utf8" });
  const fp = /(SHA256:\S+)/.exec(out)?.[1];
  assert.ok(fp, `no key of host B in ${b.knownHostsPath}:\n${out}`);
  return fp;
}

/** What virsh says of a network on host B: undefined when it does not exist. */
async function onHostB(name: string): Promise<{ active: boolean; hasHost: boolean } | undefined> {
  try {
    const info = await virsh(b, ["net-info", name]);
    const xml = await virsh(b, ["net-dumpxml", name]);
    return { active: /^Active:\s+yes/m.test(info), hasHost: xml.includes(MAC) };
  } catch (err) {
    if (err instanceof RemoteCommandError && /no network with matching name/.test(err.stderr)) return undefined;
    throw err;
  }
}

describe("faults in the middle of a call (host B): bounded failure, nothing lost, the next run converges", function () {
  this.timeout(240_000);
  let proxy: LinkProxy;
  let connection: ConnectionArgs;

  before(async () => {
    proxy = await LinkProxy.start({ host: b.host, port: b.port });
    connection = {
      host: "127.0.0.1",
      port: proxy.port,
      user: b.user,
      privateKeyPath: b.keyPath,
      hostKeyFingerprint: hostBFingerprint(),
      uri: b.uri,
      connectTimeoutSeconds: 10,
      keepaliveTimeoutSeconds: KEEPALIVE_S,
    };
  });
  after(() => proxy.close());

  let n = 0;
  for (const fault of faults) {
    for (const operation of operations) {
      const i = n++;
      it(`${fault.title} during ${operation.op}`, async () => {
        const name = `${tag}-${i}`;
        const program = (shape: Shape) => () => {
          if (shape === "absent") return;
          new Network("net", {
            name,
            bridge: `pkflt${i}-${process.pid % 1000}`,
            ipv4: {
              address: `192.168.${200 + i}.1/24`,
              dhcp: {
                ranges: [{ start: `192.168.${200 + i}.10`, end: `192.168.${200 + i}.20` }],
                ...(shape === "withHost" ? { hosts: [{ mac: MAC, ip: `192.168.${200 + i}.15` }] } : {}),
              },
            },
            connection,
          });
        };
        const stack = new EngineHarness();
        const hook = new ArmedHook(name, operation.hookOp, fault.hook);
        try {
          if (operation.from !== "absent") assert.deepEqual((await stack.up(program(operation.from))).errors, []);

          // The faulted run.
          const started = Date.now();
          const running = stack.up(program(operation.to));
          const daemonPid = await hook.hit();
          if (fault.onLink) {
            // The call is held inside the daemon: break the link while it waits for its answer.
            assert.ok(fault.onLink(proxy) > 0, "no connection through the relay to act on");
          }
          hook.release();
          const first: RunResult = await running;
          const elapsed = Date.now() - started;
          fault.recover(daemonPid, proxy);

          const message = first.errors.map((e) => e.message).join("\n");
          console.log(`      failed after ${(elapsed / 1000).toFixed(1)} s: ${message.split("\n")[0]?.slice(0, 220)}`);
          assert.ok(first.errors.length > 0, "the run succeeded through the fault");
          assert.match(message, new RegExp(`Network ${name}|network ${name}`), "the error does not name the object");
          assert.ok(message.includes(`${b.user}@127.0.0.1:${proxy.port}`), "the error does not name the host");
          assert.match(message, fault.blames);
          assert.ok(elapsed < (KEEPALIVE_S + RUN_OVERHEAD_S) * 1000, `the run took ${elapsed} ms`);

          // Nothing on the host that state does not know; nothing in state forgotten.
          const inState = stack.state.resources.some((r) => r.name === "net" && r.id);
          const live = await onHostB(name);
          if (live) assert.ok(inState, "a network is on host B that state does not know");
          if (operation.from !== "absent") assert.ok(inState, "state forgot the network");

          // The next run converges, and the one after has nothing to do.
          const second = await stack.up(program(operation.to));
          assert.deepEqual(second.errors, [], JSON.stringify(second.errors));
          const after = await onHostB(name);
          if (operation.to === "absent") {
            assert.equal(after, undefined, "the network is still on host B");
            assert.equal(stack.state.resources.filter((r) => r.name === "net").length, 0);
          } else {
            assert.deepEqual(after, { active: true, hasHost: operation.to === "withHost" });
          }
          const third = await stack.preview(program(operation.to));
          assert.deepEqual(third.errors, []);
          assert.ok(
            Object.values(opsByName(third)).every((op) => op === "same"),
            `a run after convergence still plans ${JSON.stringify(opsByName(third))}`,
          );
        } finally {
          hook.clear();
          await stack.destroy();
        }
      });
    }
  }
});
