import assert from "node:assert/strict";
import { Volume } from "../../../provider";
import { ConnectionPool, LibvirtConnection } from "../../../provider/libvirt";
import { EngineHarness, opsByName, stdoutOf, textOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";

const { a } = testHosts();
const tag = `pkvm-hg-${process.pid % 100000}`;
const MIB = 1024 * 1024;

const program = () => () => {
  const grown = new Volume("grown", { pool: "default", name: `${tag}-grown.qcow2`, capacity: "8MiB", connection: connectionTo(a) });
  const other = new Volume("other", { pool: "default", name: `${tag}-other.qcow2`, capacity: "8MiB", connection: connectionTo(a) });
  return { grownKey: grown.key, otherKey: other.key };
};

describe("a volume grown by hand: the preview shows a refused shrink on it alone", function () {
  this.timeout(120_000);
  const direct = new ConnectionPool({ idleMs: 100 });
  const stack = new EngineHarness();
  let conn: LibvirtConnection;

  before(async () => {
    conn = (await direct.acquire(sshEndpoint(a))).connection;
  });
  after(async () => {
    await stack.destroy();
    await direct.closeAll();
  });

  it("reports the difference and the refusal on that volume while the other plans as same", async () => {
    const up = await stack.up(program());
    assert.deepEqual(up.errors, []);
    // As `virsh vol-resize` would: the volume is now larger than the program declares.
    await conn.volumes.resize(await conn.volumes.lookupByKey(textOf(up.exports.grownKey)), BigInt(16 * MIB));

    const preview = await stack.preview(program());
    assert.deepEqual(preview.errors, [], "the preview failed");
    assert.deepEqual(opsByName(preview), { grown: "update", other: "same" });
    const line = stdoutOf(preview).find((l) => l.includes("capacity:"));
    assert.match(line ?? "", /Volume ".*-grown\.qcow2": capacity: is 16777216 bytes on the host, 8388608 declared: shrinking is refused/);

    const refused = await stack.up(program());
    assert.match(refused.errors.map((e) => e.message).join("\n"), /capacity cannot shrink from 16777216 to 8388608 bytes/);
    assert.equal(stack.state.resources.find((r) => r.name === "other")?.id, textOf(up.exports.otherKey));
  });
});
