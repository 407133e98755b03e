import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { Network, StoragePool, VirtualMachine, Volume } from "../../../provider";
import { ConnectionPool, LibvirtConnection } from "../../../provider/libvirt";
import { EngineHarness, opsByName, RunResult, stdoutOf, textOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import { xmlEscape } from "../support/guestXml";
import { testHosts } from "../support/hosts";
import { tryVirsh, virsh } from "../support/virsh";
import { guestBoot } from "../vm/support";

const { a } = testHosts();
const pid = process.pid % 100000;
/** What host A is called in messages, as the provider describes it. */
const hostA = `${a.user}@${a.host}:${a.port} ${a.uri}`;
const VOLUME = "data.raw";
const MIB = 1024 * 1024;

/** One set of objects made by hand: a pool holding a volume, a network, and a VM using both. */
interface HandMade {
  pool: string;
  poolPath: string;
  net: string;
  bridge: string;
  vm: string;
  /** The third octet of the network's 192.168.x.0/24 (both test hosts share this machine's network namespace). */
  octet: number;
  /** The MAC of the VM's NIC and of the network's static host, then of the ones the program adds. */
  macs: [string, string];
}

function handMade(which: string, octet: number): HandMade {
  const tag = `pkvm-adopt-${pid}-${which}`;
  const hex = octet.toString(16).padStart(2, "0");
  return {
    pool: `${tag}-pool`,
    poolPath: `/var/lib/libvirt/images/${tag}-pool`,
    net: `${tag}-net`,
    bridge: `pka${pid}${which}`,
    vm: `${tag}-vm`,
    octet,
    macs: [`52:54:00:${hex}:00:01`, `52:54:00:${hex}:00:02`],
  };
}

const volumePath = (s: HandMade) => `${s.poolPath}/${VOLUME}`;

/** Makes the set with virsh, as an administrator would have: the VM is left running. */
async function makeByHand(s: HandMade): Promise<void> {
  const poolXml = `<pool type='dir'><name>${xmlEscape(s.pool)}</name><target><path>${xmlEscape(s.poolPath)}</path></target></pool>`;
  await virsh(a, ["pool-define", "/dev/stdin"], { input: poolXml });
  await virsh(a, ["pool-build", s.pool]);
  await virsh(a, ["pool-start", s.pool]);
  await virsh(a, ["pool-autostart", s.pool]);
  await virsh(a, ["vol-create-as", s.pool, VOLUME, "4M", "--format", "raw"]);
  // Known content: host A is this machine, so virsh there reads a file written here.
  const file = `/tmp/${s.pool}.bin`;
  writeFileSync(file, randomBytes(MIB), { mode: 0o644 });
  try {
    await virsh(a, ["vol-upload", "--pool", s.pool, VOLUME, file]);
  } finally {
    rmSync(file, { force: true });
  }
  const netXml = `<network>
  <name>${xmlEscape(s.net)}</name>
  <forward mode='nat'/>
  <bridge name='${s.bridge}' stp='on' delay='0'/>
  <ip address='192.168.${s.octet}.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.${s.octet}.100' end='192.168.${s.octet}.200'/>
      <host mac='${s.macs[0]}' name='one' ip='192.168.${s.octet}.10'/>
    </dhcp>
  </ip>
</network>`;
  await virsh(a, ["net-define", "/dev/stdin"], { input: netXml });
  await virsh(a, ["net-start", s.net]);
  await virsh(a, ["net-autostart", s.net]);
  const domXml = `<domain type='${xmlEscape(a.domainType)}'>
  <name>${xmlEscape(s.vm)}</name>
  <memory unit='MiB'>96</memory>
  <currentMemory unit='MiB'>96</currentMemory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
    <kernel>${xmlEscape(a.guestDir)}/vmlinuz</kernel>
    <initrd>${xmlEscape(a.guestDir)}/initrd.img</initrd>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='${xmlEscape(volumePath(s))}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='network'>
      <mac address='${s.macs[0]}'/>
      <source network='${xmlEscape(s.net)}'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'/>
    <console type='pty'/>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
  </devices>
</domain>`;
  await virsh(a, ["define", "/dev/stdin"], { input: domXml });
  await virsh(a, ["start", s.vm]);
}

/** Removes whatever of the set is left (after a failure, or after a destroy that kept it). */
async function removeByHand(s: HandMade): Promise<void> {
  await tryVirsh(a, ["destroy", s.vm]);
  await tryVirsh(a, ["undefine", s.vm]);
  await tryVirsh(a, ["net-destroy", s.net]);
  await tryVirsh(a, ["net-undefine", s.net]);
  await tryVirsh(a, ["vol-delete", "--pool", s.pool, VOLUME]);
  await tryVirsh(a, ["pool-destroy", s.pool]);
  await tryVirsh(a, ["pool-delete", s.pool]);
  await tryVirsh(a, ["pool-undefine", s.pool]);
}

/**
 * The program declaring the set, `adopt` on each resource: as made by hand, plus
 * one static DHCP host and one NIC (`changed`), both applied live. `wired` takes
 * the pool, volume and network from the resources' outputs, as a program would;
 * else by name, so every resource is registered even when another fails.
 */
function program(s: HandMade, opts: { adopt?: boolean; changed?: boolean; retain?: boolean; wired?: boolean }) {
  return () => {
    const connection = connectionTo(a);
    const options = opts.retain ? { retainOnDelete: true } : {};
    const adopt = opts.adopt;
    const pool = new StoragePool("pool", { name: s.pool, path: s.poolPath, adopt, connection }, options);
    const vol = new Volume(
      "vol",
      { pool: opts.wired ? pool.name : s.pool, name: VOLUME, format: "raw", capacity: "4MiB", adopt, connection },
      options,
    );
    const hosts = [{ mac: s.macs[0], ip: `192.168.${s.octet}.10`, name: "one" }];
    if (opts.changed) hosts.push({ mac: s.macs[1], ip: `192.168.${s.octet}.11`, name: "two" });
    const net = new Network(
      "net",
      {
        name: s.net,
        mode: "nat",
        bridge: s.bridge,
        ipv4: {
          address: `192.168.${s.octet}.1/24`,
          dhcp: { ranges: [{ start: `192.168.${s.octet}.100`, end: `192.168.${s.octet}.200` }], hosts },
        },
        adopt,
        connection,
      },
      options,
    );
    const network = opts.wired ? net.name : s.net;
    const vm = new VirtualMachine(
      "vm",
      {
        name: s.vm,
        ...guestBoot(a),
        memory: "96MiB",
        disks: [{ volumeKey: opts.wired ? vol.key : volumePath(s) }],
        networkInterfaces: [{ network, mac: s.macs[0] }, ...(opts.changed ? [{ network, mac: s.macs[1] }] : [])],
        shutdownTimeoutSeconds: 20,
        adopt,
      },
      options,
    );
    return { poolUuid: pool.uuid, volKey: vol.key, netUuid: net.uuid, vmUuid: vm.uuid };
  };
}

/** SHA-256 of the volume's whole content, read through libvirt. */
async function volumeSha256(conn: LibvirtConnection, s: HandMade): Promise<string> {
  const ref = await conn.volumes.lookupByKey(volumePath(s));
  const { capacity } = await conn.volumes.info(ref);
  const hash = createHash("sha256");
  for await (const chunk of await conn.volumes.download(ref, 0n, capacity)) hash.update(chunk as Uint8Array);
  return hash.digest("hex");
}

/** What the host has of the set: definitions (the pool's without its measurements), the VM's runtime id and state, the volume's content. */
async function snapshot(conn: LibvirtConnection, s: HandMade): Promise<Record<string, string>> {
  const measurements = /<(capacity|allocation|available)\b[^>]*>[^<]*<\/\1>/g;
  return {
    pool: (await virsh(a, ["pool-dumpxml", "--inactive", s.pool])).replace(measurements, ""),
    poolActive: await virsh(a, ["pool-info", s.pool]).then((t) => /^State:.*$/m.exec(t)?.[0] ?? t),
    net: await virsh(a, ["net-dumpxml", "--inactive", s.net]),
    netLive: await virsh(a, ["net-dumpxml", s.net]),
    vm: await virsh(a, ["dumpxml", "--inactive", s.vm]),
    vmLive: await virsh(a, ["dumpxml", s.vm]),
    domid: (await virsh(a, ["domid", s.vm])).trim(),
    domstate: (await virsh(a, ["domstate", s.vm])).trim(),
    volume: await volumeSha256(conn, s),
  };
}

/** The libvirt ids of the set, as virsh reports them. */
async function idsOf(s: HandMade): Promise<Record<string, string>> {
  return {
    pool: (await virsh(a, ["pool-uuid", s.pool])).trim(),
    vol: (await virsh(a, ["vol-key", "--pool", s.pool, VOLUME])).trim(),
    net: (await virsh(a, ["net-uuid", s.net])).trim(),
    vm: (await virsh(a, ["domuuid", s.vm])).trim(),
  };
}

/** The ids the stack's state holds, by resource name. */
function stateIds(stack: EngineHarness): Record<string, string | undefined> {
  return Object.fromEntries(stack.state.resources.map((r) => [r.name, r.id]));
}

const count = (text: string, what: string) => text.split(what).length - 1;
const errorsOf = (run: RunResult) => run.errors.map((e) => e.message);

describe("adopt: objects made by hand come under management on host A", function () {
  this.timeout(600_000);
  const direct = new ConnectionPool({ idleMs: 100 });
  let conn: LibvirtConnection;

  before(async () => {
    conn = (await direct.acquire(sshEndpoint(a))).connection;
  });
  after(async () => {
    await direct.closeAll();
  });

  describe("taken over and converged live; destroy removes them", () => {
    const s = handMade("a", 186);
    // Every resource is tried even when another fails, as `pulumi up --continue-on-error` does.
    const stack = new EngineHarness({ continueOnError: true });
    let made: Record<string, string>;
    let ids: Record<string, string>;

    before(async () => {
      await removeByHand(s);
      await makeByHand(s);
      made = await snapshot(conn, s);
      ids = await idsOf(s);
    });
    after(async () => {
      await stack.destroy();
      await removeByHand(s);
    });

    it("without adopt, each create fails naming adopt, the object and the host, and nothing on the host changes", async () => {
      const up = await stack.up(program(s, { changed: true }));
      // Each failed step, once (the program also reports each registration that failed).
      const messages = up.errors.filter((e) => e.source === "step").map((e) => e.message);
      const expected = [
        `StoragePool ${s.pool}: a storage pool named "${s.pool}"`,
        `Volume ${VOLUME}: a volume named "${VOLUME}" in pool "${s.pool}"`,
        `Network ${s.net}: a network named "${s.net}"`,
        `VirtualMachine ${s.vm}: a virtual machine (domain) named "${s.vm}"`,
      ];
      for (const start of expected) {
        const message = messages.find((m) => m.startsWith(start));
        assert.ok(message, `no error starts with ${start}: ${messages.join("\n")}`);
        assert.ok(
          message.endsWith(
            ` already exists on ${hostA}; set adopt: true to take it over (nothing of it is deleted), or choose another name`,
          ),
          message,
        );
      }
      assert.equal(messages.length, 4, messages.join("\n"));
      assert.deepEqual(stateIds(stack), {}, "a failed create was kept in state");
      assert.deepEqual(await snapshot(conn, s), made, "the host changed");
    });

    it("with adopt, a difference only a replacement could remove fails the create naming it, and leaves the object as it is", async () => {
      const probe = new EngineHarness();
      const up = await probe.up(() => {
        new Volume("vol", { pool: s.pool, name: VOLUME, format: "qcow2", capacity: "4MiB", adopt: true, connection: connectionTo(a) });
      });
      const messages = up.errors.filter((e) => e.source === "step").map((e) => e.message);
      assert.deepEqual(messages, [
        `Volume ${VOLUME}: cannot adopt a volume named "${VOLUME}" in pool "${s.pool}" on ${hostA}: ` +
          `format is "raw" on the host, "qcow2" in the program; only replacing the object could change that, ` +
          `and adopting never replaces or deletes anything: declare what the host has, or choose another name`,
      ]);
      assert.deepEqual(probe.state.resources, []);
      assert.deepEqual(await snapshot(conn, s), made, "the host changed");
    });

    it("with adopt, up takes each over as it is and applies the differences live: no restart, the volume's data kept", async () => {
      const up = await stack.up(program(s, { adopt: true, changed: true, wired: true }));
      const lines = stdoutOf(up);
      assert.deepEqual(errorsOf(up), [], lines.join("\n"));
      assert.deepEqual(opsByName(up), { pool: "create", vol: "create", net: "create", vm: "create" });
      // The objects' own ids: the resources are those objects.
      assert.deepEqual(stateIds(stack), { pool: ids.pool, vol: ids.vol, net: ids.net, vm: ids.vm });
      assert.equal(textOf(up.exports.vmUuid), ids.vm);
      assert.equal(textOf(up.exports.volKey), ids.vol);

      const after = await snapshot(conn, s);
      assert.equal(after.domid, made.domid, "the VM was restarted");
      assert.equal(after.domstate, "running");
      assert.equal(after.volume, made.volume, "the volume's content changed");
      assert.equal(after.pool, made.pool, "the pool's definition changed");
      // The change, applied to the running network and VM and to their definitions.
      for (const xml of [after.net, after.netLive]) {
        assert.match(xml, new RegExp(`<host mac='${s.macs[1]}' name='two' ip='192\\.168\\.${s.octet}\\.11'/>`));
        assert.equal(count(xml, "<host mac="), 2, xml);
      }
      for (const xml of [after.vm, after.vmLive]) {
        assert.equal(count(xml, "<interface type='network'>"), 2, xml);
        assert.match(xml, new RegExp(`<mac address='${s.macs[1]}'/>`));
      }

      for (const [kind, name] of [
        ["StoragePool", s.pool],
        ["Volume", VOLUME],
        ["Network", s.net],
        ["VirtualMachine", s.vm],
      ]) {
        assert.ok(
          lines.some((l) => l.startsWith(`kvm: ${kind} "${name}": adopting `)),
          `no adoption line for ${kind}:\n${lines.join("\n")}`,
        );
      }
      // Each difference is printed, as a preview prints drift.
      assert.ok(
        lines.some((l) => l.startsWith(`kvm: Network "${s.net}": ipv4.dhcp.hosts`)),
        lines.join("\n"),
      );
      assert.ok(
        lines.some((l) => l.startsWith(`kvm: VirtualMachine "${s.vm}": networkInterfaces`)),
        lines.join("\n"),
      );
      assert.ok(!lines.some((l) => /restart/.test(l)), lines.join("\n"));
      assert.ok(!lines.some((l) => /Volume .*(creating|uploaded|writing)/.test(l)), lines.join("\n"));
    });

    it("a second up plans nothing, adopt removed or not", async () => {
      for (const adopt of [true, undefined]) {
        const up = await stack.up(program(s, { adopt, changed: true, wired: true }));
        assert.deepEqual(errorsOf(up), []);
        assert.deepEqual(opsByName(up), { pool: "same", vol: "same", net: "same", vm: "same" }, `adopt ${adopt}`);
      }
      assert.equal((await snapshot(conn, s)).domid, made.domid);
    });

    it("destroy removes them", async () => {
      const destroy = await stack.destroy();
      assert.deepEqual(errorsOf(destroy), []);
      assert.equal(await tryVirsh(a, ["dominfo", s.vm]), undefined, "the VM is still there");
      assert.equal(await tryVirsh(a, ["net-info", s.net]), undefined, "the network is still there");
      assert.equal(await tryVirsh(a, ["pool-info", s.pool]), undefined, "the pool is still there");
    });
  });

  describe("with retainOnDelete, destroy leaves them as they are", () => {
    const s = handMade("k", 187);
    const stack = new EngineHarness();

    before(async () => {
      await removeByHand(s);
      await makeByHand(s);
    });
    after(async () => {
      await stack.destroy();
      await removeByHand(s);
    });

    it("adopts them, and destroy only forgets them", async () => {
      const made = await snapshot(conn, s);
      const up = await stack.up(program(s, { adopt: true, retain: true, wired: true }));
      assert.deepEqual(errorsOf(up), [], stdoutOf(up).join("\n"));
      assert.deepEqual(opsByName(up), { pool: "create", vol: "create", net: "create", vm: "create" });
      assert.deepEqual(stateIds(stack), await idsOf(s));

      const destroy = await stack.destroy();
      assert.deepEqual(errorsOf(destroy), []);
      assert.deepEqual(stateIds(stack), {});
      assert.equal(stack.calls("Delete").length, 0);
      // Nothing differed, so nothing was written: the host has the objects exactly as they were made.
      assert.deepEqual(await snapshot(conn, s), made);
    });
  });
});
