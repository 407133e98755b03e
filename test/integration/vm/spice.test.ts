import assert from "node:assert/strict";
import { VirtualMachine } from "../../../provider";
import { ConnectionPool, LibvirtConnection } from "../../../provider/libvirt";
import { Graphics } from "../../../provider/xml";
import { EngineHarness, opsByName } from "../../engine";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { definitions, guestBoot, tag } from "./support";

const { a } = testHosts();
const name = tag("spice");

// SPICE makes libvirt add devices of its own (a QXL video card, a SPICE audio backend): the diff must still settle.
describe("VirtualMachine with a SPICE display through the engine on host A", function () {
  this.timeout(300_000);
  const stack = new EngineHarness();
  const direct = new ConnectionPool({ idleMs: 100 });
  let conn: LibvirtConnection;

  const program = (password: string) => () => {
    const vm = new VirtualMachine("spice", {
      name,
      ...guestBoot(a),
      memory: "128MiB",
      graphics: { type: "spice", password },
      shutdownTimeoutSeconds: 20,
    });
    return { state: vm.state };
  };

  before(async () => {
    conn = (await direct.acquire(sshEndpoint(a))).connection;
  });

  after(async () => {
    await stack.destroy();
    await direct.closeAll();
  });

  it("starts with a SPICE display on 127.0.0.1, settles, and takes a new password live", async () => {
    const up = await stack.up(program("first-secret"));
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { spice: "create" });
    const { running } = await definitions(conn, name);
    const spice = running?.devices.find((d): d is Graphics => d.kind === "graphics");
    assert.equal(spice?.type, "spice");
    assert.equal(spice?.listen, "127.0.0.1");
    assert.ok((spice?.port ?? 0) >= 5900, `no SPICE port: ${spice?.port}`);
    assert.deepEqual(opsByName(await stack.up(program("first-secret"))), { spice: "same" });

    const id = running?.id;
    const changed = await stack.up(program("second-secret"));
    assert.deepEqual(changed.errors, []);
    assert.deepEqual(opsByName(changed), { spice: "update" });
    assert.equal((await definitions(conn, name)).running?.id, id, "the VM was restarted for a new password");
    assert.deepEqual(opsByName(await stack.up(program("second-secret"))), { spice: "same" });
  });
});
