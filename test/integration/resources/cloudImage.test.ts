import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { ConnectionPool } from "../../../provider/libvirt";
import { EngineHarness, moduleProgram, opsByName, stdoutOf, textOf } from "../../engine";
import { localEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { consoleFolder, waitForConsole } from "../vm/consoleFile";

const example = join(__dirname, "../../../examples/cloud-image");
const name = `pkvm-img-${process.pid % 10000}`;

/** Runs examples/cloud-image as `pulumi up` would: a fresh module load per run. */
const cloudImage = moduleProgram(example);

// The test guest's bootable disk stands in for a cloud image: it boots from its disk and reads the seed.
describe("examples/cloud-image through the engine, with the test guest's disk as the image", function () {
  this.timeout(300_000);
  const { a } = testHosts();
  const dir = consoleFolder("cloudimage");
  const stack = new EngineHarness({
    project: "cloud-image",
    config: {
      "cloud-image:image": join(a.guestDir, "disk.img"),
      "cloud-image:imageFormat": "raw",
      "cloud-image:name": name,
      "cloud-image:subnet": "191",
      "cloud-image:memory": "160MiB",
      "cloud-image:rootSize": "64MiB",
      "cloud-image:domainType": a.domainType,
      "cloud-image:consoleLog": join(dir, "console.log"),
    },
  });
  const direct = new ConnectionPool({ idleMs: 100 });
  after(async () => {
    await stack.destroy();
    await direct.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it("uploads the image, boots a VM from an overlay with the seed, settles, restarts for new user-data, and tears down", async () => {
    const up = await stack.up(cloudImage);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { base: "create", root: "create", net: "create", seed: "create", vm: "create" });
    assert.match(textOf(up.exports.ip), /^192\.168\.191\.\d+$/, "the VM's address did not reach the outputs");
    assert.match(textOf(up.exports.imageSha), /^[0-9a-f]{64}$/);
    const lines = await waitForConsole(join(dir, "console.log"), [new RegExp(`^guest: hostname ${name}$`), /^guest: stamped \/dev\/vda$/]);
    console.log(`      cloud-image VM ${textOf(up.exports.ip)}: ${lines.filter((l) => /^guest: (hostname|stamped)/.test(l)).join(" | ")}`);
    const again = await stack.up(cloudImage);
    assert.deepEqual(Object.values(opsByName(again)), ["same", "same", "same", "same", "same"]);

    stack.config["cloud-image:sshKey"] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example";
    const changed = await stack.up(cloudImage);
    assert.deepEqual(changed.errors, []);
    assert.deepEqual(opsByName(changed), { base: "same", root: "same", net: "same", seed: "update", vm: "update" });
    assert.ok(
      stdoutOf(changed).some((l) => /restarting to apply cloudInit/.test(l)),
      stdoutOf(changed).join("\n"),
    );

    const conn = (await direct.acquire(localEndpoint())).connection;
    assert.deepEqual((await stack.destroy()).errors, []);
    await assert.rejects(conn.domains.lookupByName(name));
  });
});
