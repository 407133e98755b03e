import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import path from "node:path";
import { VirtualMachine } from "../../../provider";
import { ConnectionPool, InterfaceAddressSource, LibvirtConnection } from "../../../provider/libvirt";
import { EngineHarness, opsByName } from "../../engine";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { consoleFolder, waitForConsole } from "./consoleFile";
import { guestBoot, natNetwork, since, tag } from "./support";

const { a } = testHosts();
const name = tag("agent");
const OCTET = 205;

/** A VM whose address comes from the QEMU guest agent the test guest runs, not from the DHCP leases. */
function program(log: string) {
  return () => {
    const net = natNetwork("net", a, OCTET, `${name}-net`);
    const vm = new VirtualMachine("vm", {
      name,
      ...guestBoot(a),
      // The guest image with qemu-ga in it.
      initrd: path.join(a.guestDir, "initrd-agent.img"),
      memory: "160MiB",
      networkInterfaces: [{ network: net.name }],
      serialConsole: { type: "file", path: log },
      waitForIp: { source: "agent", timeoutSeconds: 180 },
      shutdownTimeoutSeconds: 30,
    });
    return { ip: vm.ipAddresses, macs: vm.macAddresses };
  };
}

describe("VirtualMachine addresses from the guest agent through the engine on host A", function () {
  this.timeout(600_000);
  const stack = new EngineHarness();
  const direct = new ConnectionPool({ idleMs: 100 });
  let conn: LibvirtConnection;
  let dir = "";

  before(async () => {
    conn = (await direct.acquire(sshEndpoint(a))).connection;
    dir = consoleFolder("agent");
  });

  after(async () => {
    await stack.destroy();
    await direct.closeAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("waits for the agent's answer and reports the address the guest holds on the VM's MAC", async () => {
    const log = path.join(dir, "console.log");
    const t0 = Date.now();
    const up = await stack.up(program(log));
    console.log(`      create (network, VM to an address from the agent): ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { net: "create", vm: "create" });
    const { ip, macs } = up.exports as { ip: string[]; macs: string[] };
    assert.match(ip[0] ?? "", new RegExp(`^192\\.168\\.${OCTET}\\.\\d+$`));
    await waitForConsole(log, [/^guest: agent started$/]);

    const fromAgent = await conn.domains.interfaceAddresses(await conn.domains.lookupByName(name), InterfaceAddressSource.Agent);
    const eth0 = fromAgent.find((i) => i.hwaddr?.toLowerCase() === macs[0]);
    assert.ok(eth0, `the agent reports no interface with ${macs[0]}: ${JSON.stringify(fromAgent)}`);
    assert.ok(
      eth0.addresses.some((x) => x.address === ip[0]),
      `the agent reports ${JSON.stringify(eth0.addresses)}, the output ${ip[0]}`,
    );
    console.log(`      agent: ${eth0.name} ${eth0.hwaddr} ${eth0.addresses.map((x) => `${x.address}/${x.prefix}`).join(" ")}`);
    assert.deepEqual(opsByName(await stack.up(program(log))), { net: "same", vm: "same" });
  });
});
