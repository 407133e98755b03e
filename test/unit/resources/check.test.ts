import assert from "node:assert/strict";
import { sharedConnectionPool } from "../../../provider/libvirt";
import { checkConnection } from "../../../provider/resources/common/connection";
import { Problems } from "../../../provider/resources/common/problems";
import { handler } from "../../../provider/resources/runtime";
import { badInputCases, conn, goodNet } from "../../support/badInputCases";

describe("check: bad input is refused before any host is touched", () => {
  for (const c of badInputCases) {
    it(`${c.kind}: ${c.title} → ${c.property}`, async () => {
      const result = await handler(c.kind).check({}, c.inputs);
      const failure = result.failures?.find((f) => f.property === c.property);
      assert.ok(failure, `no failure names ${c.property}; got ${JSON.stringify(result.failures)}`);
      assert.match(failure.reason, c.rule);
      assert.equal(sharedConnectionPool().size, 0, "check contacted a host");
    });
  }

  it("reports every problem of one input at once", async () => {
    const result = await handler("Network").check({}, { name: "", mode: "x", mtu: 1, connection: conn });
    assert.deepEqual(result.failures?.map((f) => f.property).sort(), ["mode", "mtu", "name"]);
  });

  it("accepts good inputs of every kind", async () => {
    for (const [kind, inputs] of [
      ["Network", goodNet],
      ["Volume", { pool: "default", name: "v", capacity: "10GiB", connection: conn }],
      ["StoragePool", { name: "p", path: "/srv/p", connection: conn }],
    ] as const) {
      const result = await handler(kind).check({}, inputs);
      assert.deepEqual(result.failures, [], `${kind}: ${JSON.stringify(result.failures)}`);
    }
  });

  it("looks for the connection's files in the program's inputs only: stored state may name a file removed since", () => {
    const gone = { ...conn, privateKeyPath: "/nonexistent/pkvm/id", jump: { ...conn, knownHostsPath: "/nonexistent/pkvm/kh" } };
    const program = new Problems();
    checkConnection(program, "connection", gone, process.env, true);
    assert.deepEqual(
      program.all.map((p) => p.property),
      ["connection.privateKeyPath", "connection.jump.knownHostsPath"],
    );
    const stored = new Problems();
    checkConnection(stored, "connection", gone, process.env, false);
    assert.deepEqual(stored.all, []);
  });

  it("leaves inputs that are unknown during a preview for later", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const result = await handler("Volume").check({}, { pool: unknown, name: "v", capacity: "1GiB", connection: conn });
    assert.deepEqual(result.failures, []);
  });
});
