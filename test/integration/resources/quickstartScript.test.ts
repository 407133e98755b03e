import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ConnectionPool } from "../../../provider/libvirt";
import { isNotFoundError } from "../../../provider/rpc";
import { localEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";

const script = join(__dirname, "../../../scripts/quickstart");
const prefix = `pkvm-qss-${process.pid % 10000}`;

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs scripts/quickstart with `env` added to (or, when undefined, removed from) this process's environment. */
function quickstart(args: string[], env: Record<string, string | undefined>): Promise<ScriptRun> {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(script, args, { env: merged, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** PATH without any folder holding a `pulumi` executable, except node_modules/.bin (the npm package's wrapper). */
function pathWithoutPulumi(): string {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => dir.endsWith("/node_modules/.bin") || !existsSync(join(dir, "pulumi")))
    .join(delimiter);
}

/** What a failed run printed, for assertion messages. */
const shown = (run: ScriptRun) => `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;

describe("scripts/quickstart (npm run quickstart)", function () {
  this.timeout(600_000);
  const { a } = testHosts();
  const work = mkdtempSync(join(tmpdir(), "pkvm-quickstart-"));
  const exampleEnv = {
    KVM_QUICKSTART_STATE: join(work, "state"),
    KVM_QUICKSTART_PREFIX: prefix,
    KVM_QUICKSTART_GUEST_DIR: a.guestDir,
    KVM_QUICKSTART_DOMAIN_TYPE: a.domainType,
  };
  const direct = new ConnectionPool({ idleMs: 100 });
  after(async () => {
    // Whatever a failed test left: the engine path's own destroy removes it.
    await quickstart(["--destroy"], { ...exampleEnv, KVM_QUICKSTART_CLI: "none" });
    await direct.closeAll();
    rmSync(work, { recursive: true, force: true });
  });

  it("takes the CLI path with a pulumi on PATH: up --yes, destroy --yes, no engine run", async () => {
    const bin = join(work, "bin");
    const record = join(work, "pulumi-args");
    // A stand-in CLI: one line per call with its arguments.
    mkdirSync(bin);
    writeFileSync(join(bin, "pulumi"), `#!/bin/sh\necho "$*" >> '${record}'\nexit 0\n`);
    chmodSync(join(bin, "pulumi"), 0o755);
    const env = { ...exampleEnv, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}`, KVM_QUICKSTART_CLI: undefined };

    const up = await quickstart([], env);
    assert.equal(up.code, 0, shown(up));
    assert.match(up.stdout, /^quickstart: running examples\/quickstart with the Pulumi CLI \(.*\/bin\/pulumi\)$/m, shown(up));
    const upCalls = readFileSync(record, "utf8").split("\n");
    assert.ok(upCalls.includes("up --yes"), upCalls.join("\n"));
    assert.ok(upCalls.includes(`config set quickstart:prefix ${prefix}`), upCalls.join("\n"));
    assert.ok(!upCalls.some((c) => c.startsWith("destroy")), upCalls.join("\n"));

    rmSync(record);
    const down = await quickstart(["--destroy"], env);
    assert.equal(down.code, 0, shown(down));
    const downCalls = readFileSync(record, "utf8").split("\n");
    assert.ok(downCalls.includes("destroy --yes"), downCalls.join("\n"));
    assert.ok(!downCalls.includes("up --yes"), downCalls.join("\n"));

    // No engine run: it would have printed its plan and written its state file.
    for (const run of [up, down]) assert.doesNotMatch(run.stdout, /through the repository's engine|^plan /m, shown(run));
    assert.equal(existsSync(join(exampleEnv.KVM_QUICKSTART_STATE, "engine-dev.json")), false);
    const conn = (await direct.acquire(localEndpoint())).connection;
    await assert.rejects(conn.networks.lookupByName(`${prefix}-net`), (e: unknown) => isNotFoundError(e));
  });

  it("takes the CLI path through the pulumi npm package when it has a CLI and PATH has none", async () => {
    // The npm package runs the CLI it finds in its cache ($PULUMI_HOME/versions/<its version>/bin) before downloading one.
    const version = (JSON.parse(readFileSync(require.resolve("pulumi/package.json"), "utf8")) as { version: string }).version;
    const home = join(work, "npm-pulumi-home");
    const bin = join(home, "versions", version, "bin");
    const record = join(work, "npm-pulumi-args");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "pulumi"), `#!/bin/sh\necho "$*" >> '${record}'\nexit 0\n`);
    chmodSync(join(bin, "pulumi"), 0o755);

    const up = await quickstart([], { ...exampleEnv, PATH: pathWithoutPulumi(), PULUMI_HOME: home, KVM_QUICKSTART_CLI: undefined });
    assert.equal(up.code, 0, shown(up));
    assert.match(
      up.stdout,
      /^quickstart: running examples\/quickstart with the Pulumi CLI \(.*\/node_modules\/\.bin\/pulumi\)$/m,
      shown(up),
    );
    const calls = readFileSync(record, "utf8").split("\n");
    assert.ok(calls.includes("version"), calls.join("\n"));
    assert.ok(calls.includes("stack select --create dev"), calls.join("\n"));
    assert.ok(calls.includes("up --yes"), calls.join("\n"));
    assert.equal(existsSync(join(exampleEnv.KVM_QUICKSTART_STATE, "engine-dev.json")), false);
  });

  it("without a CLI runs the example through the engine: the address, then all same, then --destroy leaves nothing", async () => {
    // The real detection: no pulumi on PATH, and the npm package's wrapper with an empty cache,
    // whose download of the CLI fails: offline it cannot fetch the install script, and online the
    // script finds no release of a version that does not exist, so the test means the same on both.
    const first = await quickstart([], {
      ...exampleEnv,
      PATH: pathWithoutPulumi(),
      PULUMI_HOME: join(work, "pulumi-home"),
      PULUMI_VERSION: "0.0.0-pkvm-unreleased",
      KVM_QUICKSTART_CLI: undefined,
    });
    assert.equal(first.code, 0, shown(first));
    const reasons = first.stdout.split("\n").filter((l) => l.startsWith("quickstart:"));
    assert.deepEqual(reasons, [
      "quickstart: the Pulumi CLI is not available (no pulumi on PATH, and the pulumi npm package could not download it): " +
        "running examples/quickstart through the repository's engine instead of the Pulumi CLI",
    ]);
    assert.match(first.stdout, /^ {2}create +vm +pulumi-kvm:VirtualMachine$/m, shown(first));
    assert.match(first.stdout, /^ {4}kvm: /m, "no progress line of the provider was shown");
    assert.match(first.stdout, /^ {2}ip: 192\.168\.190\.\d{1,3}$/m, shown(first));
    assert.ok(statSync(join(exampleEnv.KVM_QUICKSTART_STATE, "engine-dev.json")).isFile());

    // Forced the same way each time from here on: KVM_QUICKSTART_CLI=none.
    const forced = { ...exampleEnv, KVM_QUICKSTART_CLI: "none" };
    const second = await quickstart([], forced);
    assert.equal(second.code, 0, shown(second));
    assert.match(second.stdout, /^quickstart: KVM_QUICKSTART_CLI=none: running examples\/quickstart through the repository's engine/m);
    const applied = second.stdout.slice(second.stdout.indexOf("applying:"));
    assert.match(applied, /^resources: 4 same$/m, shown(second));
    assert.match(applied, /^ {2}ip: 192\.168\.190\.\d{1,3}$/m, shown(second));

    const down = await quickstart(["--destroy"], forced);
    assert.equal(down.code, 0, shown(down));
    assert.match(down.stdout, /^resources: 4 delete$/m, shown(down));
    const conn = (await direct.acquire(localEndpoint())).connection;
    await assert.rejects(conn.domains.lookupByName(`${prefix}-vm`), (e: unknown) => isNotFoundError(e));
    await assert.rejects(conn.networks.lookupByName(`${prefix}-net`), (e: unknown) => isNotFoundError(e));
    await assert.rejects(conn.pools.lookupByName(`${prefix}-pool`), (e: unknown) => isNotFoundError(e));
    assert.equal(existsSync(join(exampleEnv.KVM_QUICKSTART_STATE, "engine-dev.json")), false);

    const again = await quickstart(["--destroy"], forced);
    assert.equal(again.code, 0, shown(again));
    assert.match(again.stdout, /^nothing to destroy/m, shown(again));
  });
});
