import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConnectionPool } from "../../../provider/libvirt";
import { isNotFoundError } from "../../../provider/rpc";
import { EngineHarness, moduleProgram, opsByName } from "../../engine";
import { sshEndpoint } from "../support/endpoints";
import { testHosts, TestHost } from "../support/hosts";

const example = join(__dirname, "../../../examples/gitops");
const prefix = `pkvm-go-${process.pid % 10000}`;

/** Runs examples/gitops as `pulumi up` would: a fresh module load per run. */
const gitops = moduleProgram(example);

/** A host entry of `gitops:hosts`, as a stack's config would hold it. */
const hostEntry = (h: TestHost, subnet: number, bridge: string) => ({
  host: h.host,
  port: h.port,
  user: h.user,
  knownHostsPath: h.knownHostsPath,
  subnet,
  bridge,
});

// What the scheduled drift job does is a preview: `--expect-no-changes` fails when any step is not `same`.
const notSame = (ops: Record<string, string>) => Object.entries(ops).filter(([, op]) => op !== "same");

describe("examples/gitops through the engine: a fleet on hosts A and B from stack config", function () {
  this.timeout(600_000);
  const { a, b } = testHosts();
  const image = join(a.guestDir, "disk.img");
  const vms = [
    { name: `${prefix}-1`, host: "a", memory: "128MiB", vcpus: 1, rootSize: "64MiB" },
    { name: `${prefix}-2`, host: "b", memory: "128MiB", vcpus: 1, rootSize: "64MiB" },
    { name: `${prefix}-3`, host: "b", memory: "128MiB", vcpus: 1, rootSize: "64MiB" },
  ];
  const stack = new EngineHarness({
    project: "pulumi-kvm-gitops",
    config: {
      "kvm:privateKey": { value: readFileSync(a.keyPath, "utf8"), secret: true },
      "gitops:prefix": prefix,
      "gitops:domainType": a.domainType,
      "gitops:waitForIpSeconds": "0",
      "gitops:hosts": JSON.stringify({ a: hostEntry(a, 196, `${prefix}a`), b: hostEntry(b, 197, `${prefix}b`) }),
      // The test guest's bootable disk stands in for a cloud image.
      "gitops:image": JSON.stringify({
        path: image,
        sha256: createHash("sha256").update(readFileSync(image)).digest("hex"),
        format: "raw",
      }),
      "gitops:vms": JSON.stringify(vms),
    },
  });
  const direct = new ConnectionPool({ idleMs: 100 });
  after(async () => {
    await stack.destroy();
    await direct.closeAll();
  });

  it("creates the fleet, previews no change, shows a hand-made change as drift, puts it back, and destroys it", async () => {
    const up = await stack.up(gitops);
    assert.deepEqual(up.errors, []);
    const created = opsByName(up);
    assert.deepEqual(
      Object.keys(created).sort(),
      ["a-base", "a-net", "b-base", "b-net", ...vms.flatMap((vm) => [vm.name, `${vm.name}-root`])].sort(),
    );
    assert.ok(
      Object.values(created).every((op) => op === "create"),
      JSON.stringify(created),
    );
    const fleet = up.exports.fleet as Record<string, { state: string }>;
    assert.deepEqual(Object.keys(fleet).sort(), vms.map((vm) => vm.name).sort());
    for (const vm of vms) assert.equal(fleet[vm.name]?.state, "running", JSON.stringify(fleet));

    const [onA, onB] = await Promise.all([direct.acquire(sshEndpoint(a)), direct.acquire(sshEndpoint(b))]);
    await onA.connection.domains.lookupByName(`${prefix}-1`);
    await onB.connection.domains.lookupByName(`${prefix}-2`);
    await onB.connection.domains.lookupByName(`${prefix}-3`);
    await assert.rejects(onA.connection.domains.lookupByName(`${prefix}-2`), (e: unknown) => isNotFoundError(e));

    const settled = await stack.preview(gitops);
    assert.deepEqual(settled.errors, []);
    assert.deepEqual(notSame(opsByName(settled)), [], "a preview right after up proposes changes: the drift check would fail");

    // By hand, as `virsh -c qemu+ssh://…b… net-destroy` would: host B's network stopped.
    await onB.connection.networks.destroy(await onB.connection.networks.lookupByName(`${prefix}-net`));
    const drift = await stack.preview(gitops);
    assert.deepEqual(drift.errors, []);
    assert.deepEqual(notSame(opsByName(drift)), [["b-net", "update"]]);

    const repaired = await stack.up(gitops);
    assert.deepEqual(repaired.errors, []);
    assert.deepEqual(notSame(opsByName(repaired)), [["b-net", "update"]]);
    assert.equal(await onB.connection.networks.isActive(await onB.connection.networks.lookupByName(`${prefix}-net`)), true);
    assert.deepEqual(notSame(opsByName(await stack.preview(gitops))), []);

    const destroyed = await stack.destroy();
    assert.deepEqual(destroyed.errors, []);
    for (const [conn, names] of [
      [onA.connection, [`${prefix}-1`]],
      [onB.connection, [`${prefix}-2`, `${prefix}-3`]],
    ] as const) {
      for (const name of names) await assert.rejects(conn.domains.lookupByName(name), (e: unknown) => isNotFoundError(e));
      await assert.rejects(conn.networks.lookupByName(`${prefix}-net`), (e: unknown) => isNotFoundError(e));
      const pool = await conn.pools.lookupByName("default");
      await conn.pools.refresh(pool);
      for (const vol of [`${prefix}-base.img`, ...names.map((n) => `${n}-root.qcow2`)]) {
        await assert.rejects(conn.volumes.lookupByName(pool, vol), (e: unknown) => isNotFoundError(e));
      }
    }
  });
});
