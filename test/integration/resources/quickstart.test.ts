import assert from "node:assert/strict";
import { join } from "node:path";
import { ConnectionPool } from "../../../provider/libvirt";
import { isNotFoundError } from "../../../provider/rpc";
import { EngineHarness, moduleProgram, opsByName, textOf } from "../../engine";
import { localEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";

const example = join(__dirname, "../../../examples/quickstart");

/** Runs examples/quickstart as `pulumi up` would: a fresh module load per run. */
const quickstart = moduleProgram(example);

describe("examples/quickstart through the engine (what `npm run quickstart` runs with the Pulumi CLI)", function () {
  this.timeout(300_000);
  const stack = new EngineHarness({
    config: {
      "quickstart:prefix": `pkvm-qs-${process.pid % 10000}`,
      "quickstart:guestDir": testHosts().a.guestDir,
      "quickstart:domainType": testHosts().a.domainType,
    },
  });
  const direct = new ConnectionPool({ idleMs: 100 });
  after(async () => {
    await stack.destroy();
    await direct.closeAll();
  });

  it("brings the example up on the local host, settles, and tears it down", async () => {
    const up = await stack.up(quickstart);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { net: "create", pool: "create", disk: "create", vm: "create" });
    assert.match(textOf(up.exports.ip), /^192\.168\.190\.\d+$/, "the VM's address did not reach the outputs");
    console.log(`      quickstart VM address: ${textOf(up.exports.ip)}`);
    assert.match(textOf(up.exports.diskPath), /-disk\.qcow2$/);
    assert.match(textOf(up.exports.bridge), /-br$/);
    const conn = (await direct.acquire(localEndpoint())).connection;
    const vol = await conn.volumes.lookupByPath(textOf(up.exports.diskPath));
    assert.equal((await conn.volumes.info(vol)).capacity, 1024n * 1024n * 1024n);

    assert.deepEqual(Object.values(opsByName(await stack.up(quickstart))), ["same", "same", "same", "same"]);
    assert.deepEqual((await stack.destroy()).errors, []);
    await assert.rejects(conn.volumes.lookupByPath(textOf(up.exports.diskPath)), (e: unknown) => isNotFoundError(e));
  });
});
