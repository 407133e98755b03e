import assert from "node:assert/strict";
import { Network, VirtualMachine, Volume } from "../../../provider";
import { callsOf, EngineHarness, opsByName, RunResult, stepOf, textOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { testHosts } from "../support/hosts";
import { virsh } from "../support/virsh";
import { guestBoot, since } from "../vm/support";

const { a } = testHosts();
/** Pulumi names unique to this process (leftovers of other runs never clash), under the `pkvm` prefix `scripts/test-hosts clean` removes. */
const base = `pkvm-gen${process.pid % 100000}`;
/** A generated name: the Pulumi name, a 7-digit hex suffix, and the extension given. */
const generated = (logical: string, extension = "") => new RegExp(`^${logical}-[0-9a-f]{7}${extension.replace(".", "\\.")}$`);

/** The names of host A's domains, networks and default-pool volumes. */
async function hostNames(): Promise<{ domains: string[]; networks: string[]; volumes: string[] }> {
  const lines = (text: string) =>
    text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "");
  const [domains, networks, volumes] = await Promise.all([
    virsh(a, ["list", "--all", "--name"]),
    virsh(a, ["net-list", "--all", "--name"]),
    virsh(a, ["vol-list", "default"]),
  ]);
  return { domains: lines(domains), networks: lines(networks), volumes: lines(volumes).map((l) => l.split(/\s+/)[0] ?? "") };
}

/**
 * A network, a volume and a VM, none named: the same Pulumi names in every stack. The
 * network gets its own subnet (both test hosts share this machine's network namespace);
 * libvirt names its bridge.
 */
function unnamedTrio(octet: number) {
  return () => {
    const connection = connectionTo(a);
    const net = new Network(`${base}-net`, { mode: "isolated", ipv4: { address: `192.168.${octet}.1/24` }, connection });
    const disk = new Volume(`${base}-disk`, { pool: "default", capacity: "4MiB", connection });
    const vm = new VirtualMachine(`${base}-vm`, {
      ...guestBoot(a),
      memory: "96MiB",
      disks: [{ volumeKey: disk.key }],
      networkInterfaces: [{ network: net.name }],
      shutdownTimeoutSeconds: 5,
    });
    return { net: net.name, disk: disk.name, diskPool: disk.pool, vm: vm.name };
  };
}

describe("generated names through the engine on host A", function () {
  this.timeout(600_000);

  it("two stacks with the same unnamed network, volume and VM do not collide, and each keeps its names", async () => {
    const one = new EngineHarness();
    const two = new EngineHarness();
    let downs: RunResult[];
    try {
      const t0 = Date.now();
      const ups = [await one.up(unnamedTrio(236)), await two.up(unnamedTrio(237))];
      console.log(`      two stacks up in ${since(t0)} s`);
      for (const up of ups) {
        assert.deepEqual(up.errors, []);
        assert.deepEqual(opsByName(up), { [`${base}-net`]: "create", [`${base}-disk`]: "create", [`${base}-vm`]: "create" });
      }
      const names = ups.map((up) => ({
        net: textOf(up.exports.net),
        disk: textOf(up.exports.disk),
        vm: textOf(up.exports.vm),
      }));
      for (const n of names) {
        assert.match(n.net, generated(`${base}-net`));
        assert.match(n.disk, generated(`${base}-disk`, ".qcow2"));
        assert.match(n.vm, generated(`${base}-vm`));
      }
      const [first, second] = names as [(typeof names)[0], (typeof names)[0]];
      assert.notEqual(first.net, second.net);
      assert.notEqual(first.disk, second.disk);
      assert.notEqual(first.vm, second.vm);
      assert.equal(ups[0]?.exports.diskPool, "default");
      console.log(`      stack one: ${first.net}, ${first.disk}, ${first.vm}; stack two: ${second.vm}`);

      // On the host, each under its generated name; each VM plugged into its own stack's network.
      const onHost = await hostNames();
      for (const n of names) {
        assert.ok(onHost.networks.includes(n.net), `network ${n.net} is not on host A`);
        assert.ok(onHost.volumes.includes(n.disk), `volume ${n.disk} is not in pool default`);
        assert.ok(onHost.domains.includes(n.vm), `domain ${n.vm} is not on host A`);
        const nics = await virsh(a, ["domiflist", n.vm]);
        assert.match(nics, new RegExp(`\\snetwork\\s+${n.net}\\s`), `${n.vm} is not on ${n.net}: ${nics}`);
        assert.match(await virsh(a, ["domstate", n.vm]), /running/);
      }

      // The next run keeps every generated name: nothing changes.
      const again = await one.up(unnamedTrio(236));
      assert.deepEqual(again.errors, []);
      assert.deepEqual(opsByName(again), { [`${base}-net`]: "same", [`${base}-disk`]: "same", [`${base}-vm`]: "same" });
      assert.deepEqual({ net: again.exports.net, disk: again.exports.disk, vm: again.exports.vm }, first);
    } finally {
      downs = [await one.destroy(), await two.destroy()];
    }
    for (const down of downs) assert.deepEqual(down.errors, []);
    const after = await hostNames();
    const left = [...after.domains, ...after.networks, ...after.volumes].filter((n) => n.startsWith(base));
    assert.deepEqual(left, [], "objects left on host A");
  });

  it("an unnamed VM whose firmware changes is replaced new-first, under a new generated name", async () => {
    const logical = `${base}-fw`;
    const program = (firmware: "bios" | "uefi") => () => {
      // Nothing to boot: SeaBIOS and OVMF's shell both keep running.
      const vm = new VirtualMachine(logical, {
        domainType: a.domainType as "qemu" | "kvm",
        firmware,
        memory: "256MiB",
        shutdownTimeoutSeconds: 3,
        connection: connectionTo(a),
      });
      return { name: vm.name, uuid: vm.uuid };
    };
    const stack = new EngineHarness();
    let down: RunResult;
    try {
      const up = await stack.up(program("bios"));
      assert.deepEqual(up.errors, []);
      const old = textOf(up.exports.name);
      assert.match(old, generated(logical));

      const t0 = Date.now();
      const replaced = await stack.up(program("uefi"));
      console.log(`      replaced (bios → uefi, new first) in ${since(t0)} s`);
      assert.deepEqual(replaced.errors, []);
      const step = stepOf(replaced, logical);
      assert.equal(step?.op, "replace");
      assert.deepEqual(step?.replaces, ["firmware"]);
      assert.equal(step?.deleteBeforeReplace, false);
      const now = textOf(replaced.exports.name);
      assert.match(now, generated(logical));
      assert.notEqual(now, old);
      assert.notEqual(replaced.exports.uuid, up.exports.uuid);
      // The new VM was created before the old one was deleted.
      const [create] = callsOf(replaced.calls, "Create", logical);
      const [remove] = callsOf(replaced.calls, "Delete", logical);
      assert.ok(create?.end !== undefined && remove !== undefined && create.end <= remove.start, "the old VM went first");

      const onHost = await hostNames();
      assert.ok(onHost.domains.includes(now), `${now} is not on host A`);
      assert.ok(!onHost.domains.includes(old), `${old} is still on host A`);
      assert.match(await virsh(a, ["domstate", now]), /running/);
      assert.match(await virsh(a, ["dumpxml", "--inactive", now]), /<os firmware=['"]efi['"]/);

      // And it keeps its new name.
      const again = await stack.up(program("uefi"));
      assert.deepEqual(opsByName(again), { [logical]: "same" });
      assert.equal(again.exports.name, now);
    } finally {
      down = await stack.destroy();
    }
    assert.deepEqual(down.errors, []);
    assert.deepEqual(
      (await hostNames()).domains.filter((n) => n.startsWith(logical)),
      [],
      "a VM is left on host A",
    );
  });
});
