import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { utils } from "ssh2";
import { CloudInitDisk, Network, StoragePool, VirtualMachine, Volume } from "../../../provider";
import type { ResourceKind } from "../../../provider/resources/kinds";
import { EngineHarness } from "../../engine";
import { badInputCases, conn, localFiles } from "../../support/badInputCases";
import { badVmCases } from "../../unit/vm/badVmInputs";

type ResourceClass = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.Resource;
const classes: Record<ResourceKind, ResourceClass> = { Network, StoragePool, Volume, VirtualMachine, CloudInitDisk };
/** Every bad-input case of every resource kind. */
const cases = [...badInputCases, ...badVmCases.map((c) => ({ ...c, kind: "VirtualMachine" as const }))];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Where a case's connection goes instead of the placeholder host, and a key the transport can read instead of the placeholder file. */
interface Listener {
  port: number;
  keyPath: string;
}

/**
 * A connection, and the jump hosts inside it, with the cases' placeholder host moved to
 * `127.0.0.1` at the listener's port (a port the case sets stays). The placeholder key file
 * (not a key: the transport would refuse it before dialling) becomes a real one, so a case
 * that got past check would reach the listener; another file a case names stays.
 */
function toListener(connection: unknown, to: Listener): unknown {
  if (!isObject(connection)) return connection;
  const moved = { ...connection };
  if (moved.host === conn.host) Object.assign(moved, { host: "127.0.0.1", port: moved.port ?? to.port });
  if (moved.privateKeyPath === localFiles.key) moved.privateKeyPath = to.keyPath;
  if (moved.jump !== undefined) moved.jump = toListener(moved.jump, to);
  return moved;
}

/** A case's inputs with every `connection` in them, at any depth, moved by {@link toListener}; nothing else changes. */
function withConnectionsAt(value: unknown, to: Listener): unknown {
  if (Array.isArray(value)) return value.map((item) => withConnectionsAt(item, to));
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, key === "connection" ? toListener(v, to) : withConnectionsAt(v, to)]),
  );
}

describe("check through the engine: every bad input is refused by name before any host is contacted", function () {
  this.timeout(120_000);

  /** Stands in for the host every case names: counts each connection it accepts, and drops it at once. */
  let listener: Server;
  let accepted = 0;
  let keyDir: string;
  before(async () => {
    keyDir = mkdtempSync(join(tmpdir(), "pkvm-check-"));
    writeFileSync(join(keyDir, "id"), utils.generateKeyPairSync("ed25519").private, { mode: 0o600 });
    listener = createServer((socket) => {
      accepted += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => listener.once("error", reject).listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    await new Promise((resolve) => listener.close(resolve));
    rmSync(keyDir, { recursive: true, force: true });
  });

  it(`refuses all ${cases.length} cases in one preview, touching no host`, async () => {
    const { port } = listener.address() as AddressInfo;
    const to: Listener = { port, keyPath: join(keyDir, "id") };
    // A case without a connection of its own would go where the stack's configuration says: there too.
    const config = { "kvm:host": "127.0.0.1", "kvm:port": String(port), "kvm:privateKeyPath": to.keyPath };
    const stack = new EngineHarness({ continueOnError: true, config });
    const result = await stack.check(() => {
      cases.forEach((c, i) => {
        new classes[c.kind](`case${i}`, withConnectionsAt(c.inputs, to) as never);
      });
    });
    for (const [i, c] of cases.entries()) {
      const failures = result.failures.filter((f) => f.name === `case${i}`);
      assert.ok(
        failures.some((f) => f.property === c.property && c.rule.test(f.reason)),
        `${c.title}: expected a failure on ${c.property}, got ${JSON.stringify(failures)}`,
      );
    }
    const methods = new Set(stack.callLog.map((call) => call.method));
    assert.deepEqual(
      [...methods].filter((m) => !["Check", "GetPluginInfo", "Configure"].includes(m)),
      [],
      "a call other than Check was made",
    );
    assert.equal(result.output.filter((l) => l.text.startsWith("kvm:")).length, 0, "the provider reported work on a host");
    // A connection made before the host stopped is accepted on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(accepted, 0, `the listener standing in for the host (127.0.0.1:${port}) accepted ${accepted} connection(s)`);
  });
});
