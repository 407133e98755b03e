import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudInitDisk, Network, StoragePool, VirtualMachine, Volume } from "../../../provider";
import { EngineHarness, opsByName, stdoutOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { testHosts } from "../support/hosts";

const { a } = testHosts();
const tag = `pkvm-sec-${process.pid % 100000}`;

describe("Secrets through the engine: secret inputs are registered as secrets and never stored in clear text", function () {
  this.timeout(300_000);
  const stateFile = join(mkdtempSync(join(tmpdir(), "pkvm-sec-")), "state.json");
  const stack = new EngineHarness({ stateFile });
  // The test host's key, given as text: the connection then carries a credential.
  const keyText = readFileSync(a.keyPath, "utf8");
  const keyLine = keyText.split("\n").find((l) => l.length > 40 && !l.startsWith("-----")) ?? "";
  const userData = `#cloud-config\n# ${tag}-user-data-marker\n`;
  const networkConfig = `version: 2\n# ${tag}-network-config-marker\n`;
  const password = "Pk9sEcr3";

  const program = () => {
    const { privateKeyPath: _path, ...viaPath } = connectionTo(a);
    const withKeyText = { ...viaPath, privateKey: keyText };
    const pool = new StoragePool("pool", { name: `${tag}-pool`, path: `/var/lib/libvirt/images/${tag}-pool`, connection: withKeyText });
    new Volume("vol", { pool: pool.name, name: "v.qcow2", capacity: "8MiB", connection: connectionTo(a) });
    new Network("net", { name: `${tag}-net`, mode: "isolated", connection: withKeyText });
    new CloudInitDisk("seed", {
      pool: pool.name,
      name: "seed.iso",
      userData,
      metaData: "instance-id: x\n",
      networkConfig,
      connection: connectionTo(a),
    });
    new VirtualMachine("vm", {
      name: `${tag}-vm`,
      domainType: a.domainType as "qemu" | "kvm",
      running: false,
      graphics: { type: "vnc", password },
      connection: connectionTo(a),
    });
  };

  after(async () => {
    await stack.destroy();
  });

  it("registers the secret-bearing inputs of each kind as secrets", async () => {
    const up = await stack.up(program);
    assert.deepEqual(up.errors, [], stdoutOf(up).join("\n"));
    const secretInputs = Object.fromEntries(stack.state.resources.map((r) => [r.name, [...r.secretInputs].sort()]));
    assert.deepEqual(secretInputs, {
      pool: ["connection"],
      vol: [],
      net: ["connection"],
      seed: ["networkConfig", "userData"],
      vm: ["graphics"],
    });
  });

  it("writes a state file that holds none of those values in clear text", () => {
    const text = readFileSync(stateFile, "utf8");
    assert.ok(keyLine.length > 40, "no key line to search for");
    for (const [what, value] of [
      ["private key text", keyLine],
      ["user-data", `${tag}-user-data-marker`],
      ["network-config", `${tag}-network-config-marker`],
      ["display password", password],
    ]) {
      assert.ok(!text.includes(value), `the state file holds the ${what} in clear text`);
    }
    // A connection without credentials stays readable (a preview shows where a resource lives).
    assert.ok(text.includes(`"host": "${a.host}"`));
  });

  it("settles: the next run is all same", async () => {
    assert.deepEqual(opsByName(await stack.up(program)), { pool: "same", vol: "same", net: "same", seed: "same", vm: "same" });
  });
});
