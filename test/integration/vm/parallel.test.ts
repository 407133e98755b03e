import assert from "node:assert/strict";
import { VirtualMachine } from "../../../provider";
import { ConnectionPool, LibvirtConnection } from "../../../provider/libvirt";
import { EngineHarness, opsByName, stdoutOf } from "../../engine";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { findDomain, guestBoot, natNetwork, since, tag } from "./support";

const { a } = testHosts();
const COUNT = 10;
const vmName = (i: number) => `${tag("-par")}-${i}`;

/** Ten small guests on one network of host A, all registered at once (the SDK registers them concurrently). */
function program() {
  const net = natNetwork("net", a, 202, `${tag("-par")}-net`);
  const vms = Array.from(
    { length: COUNT },
    (_, i) =>
      new VirtualMachine(`vm${i}`, {
        name: vmName(i),
        ...guestBoot(a),
        memory: "80MiB",
        networkInterfaces: [{ network: net.name }],
        waitForIp: { source: "lease", timeoutSeconds: 150 },
        shutdownTimeoutSeconds: 10,
      }),
  );
  return { ips: vms.map((vm) => vm.ipAddresses) };
}

describe(`${COUNT} VirtualMachines created in one run`, function () {
  this.timeout(600_000);
  const stack = new EngineHarness();
  const direct = new ConnectionPool({ idleMs: 100 });
  let connA: LibvirtConnection;

  before(async () => {
    connA = (await direct.acquire(sshEndpoint(a))).connection;
  });
  after(async () => {
    await stack.destroy();
    await direct.closeAll();
  });

  it(`creates ${COUNT} VMs on host A in parallel, each to its own DHCP lease`, async () => {
    const t0 = Date.now();
    const up = await stack.up(program);
    const took = since(t0);
    assert.deepEqual(up.errors, []);
    const ops = opsByName(up);
    assert.equal(Object.values(ops).filter((op) => op === "create").length, COUNT + 1);
    const ips = (up.exports.ips as string[][]).map((list) => list[0]);
    assert.equal(new Set(ips).size, COUNT, `addresses not distinct: ${ips.join(", ")}`);
    for (const ip of ips) assert.match(ip ?? "", /^192\.168\.202\.\d+$/);
    // They really ran at the same time: every start came before the first address.
    const lines = stdoutOf(up);
    const lastStart = lines.map((l, i) => (/: starting$/.test(l) ? i : -1)).reduce((x, y) => Math.max(x, y));
    const firstIp = lines.findIndex((l) => /got IP address/.test(l));
    assert.ok(lastStart < firstIp, "the VMs were started one after another");
    const waits = lines
      .map((l) => /got IP address \S+ after (\d+) s/.exec(l)?.[1])
      .filter((s) => s !== undefined)
      .map(Number);
    console.log(
      `      ${COUNT} VMs (80 MiB, qemu) defined, started and leased in ${took} s; lease waits ${Math.min(...waits)}-${Math.max(...waits)} s`,
    );
    for (let i = 0; i < COUNT; i++) assert.ok(await findDomain(connA, vmName(i)), `${vmName(i)} is not defined`);

    const t1 = Date.now();
    const down = await stack.destroy();
    console.log(`      destroyed them in ${since(t1)} s`);
    assert.deepEqual(down.errors, []);
    for (let i = 0; i < COUNT; i++) assert.equal(await findDomain(connA, vmName(i)), undefined);
  });
});
