import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { Network, StoragePool, Volume } from "../../../provider";
import { ConnectionPool, LibvirtConnection } from "../../../provider/libvirt";
import { isNotFoundError } from "../../../provider/rpc";
import { EngineHarness, opsByName } from "../../engine";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";

const run = promisify(execFile);
const { a, b } = testHosts();
const tag = `pkvm-life-${process.pid % 100000}`;

async function gone(lookup: () => Promise<unknown>): Promise<boolean> {
  return lookup().then(
    () => false,
    (err: unknown) => {
      if (isNotFoundError(err)) return true;
      throw err;
    },
  );
}

describe("resource lifecycle details", function () {
  this.timeout(300_000);
  const direct = new ConnectionPool({ idleMs: 100 });
  let connA: LibvirtConnection;
  let connB: LibvirtConnection;

  before(async () => {
    connA = (await direct.acquire(sshEndpoint(a))).connection;
    connB = (await direct.acquire(sshEndpoint(b))).connection;
  });
  after(() => direct.closeAll());

  it("takes the connection from the stack's kvm: config, keeps key text secret, and stores a tiny provider", async () => {
    const keyText = readFileSync(a.keyPath, "utf8");
    const stack = new EngineHarness({
      config: {
        "kvm:host": b.host,
        "kvm:port": String(b.port),
        "kvm:user": b.user,
        "kvm:privateKey": { value: keyText, secret: true },
        "kvm:knownHostsPath": b.knownHostsPath,
      },
    });
    const program = () => {
      // No connection: everything comes from the stack configuration (host B).
      new Volume("fromConfig", { pool: "default", name: `${tag}-cfg.qcow2`, capacity: "4MiB" });
      // Key text given on the resource, as a secret (host A).
      new Volume("withKey", {
        pool: "default",
        name: `${tag}-key.qcow2`,
        capacity: "4MiB",
        connection: { ...connectionTo(a), privateKeyPath: undefined, privateKey: pulumi.secret(keyText) },
      });
    };
    const up = await stack.up(program);
    assert.deepEqual(up.errors, []);
    const defB = await connB.pools.lookupByName("default");
    await connB.volumes.lookupByName(defB, `${tag}-cfg.qcow2`);
    assert.ok(
      await gone(() => connA.pools.lookupByName("default").then((p) => connA.volumes.lookupByName(p, `${tag}-cfg.qcow2`))),
      "config pointed at B, not A",
    );
    const withKey = stack.state.resources.find((r) => r.name === "withKey")!;
    assert.ok(withKey.secretOutputs.includes("connection"), "the connection holding key text is not secret in state");
    const keyLine = keyText.split("\n")[1];
    assert.ok(!up.output.some((l) => l.text.includes(keyLine)), "key material reached the output");
    for (const r of stack.state.resources) {
      assert.ok(r.provider.length < 4096, `serialized provider is ${r.provider.length} bytes`);
      assert.doesNotMatch(r.provider, /\/work\/|\/root\/|\/home\//, "the serialized provider holds a path of this machine");
    }
    console.log(`      serialized provider: ${stack.state.resources[0].provider.length} bytes`);
    assert.deepEqual(opsByName(await stack.up(program)), { fromConfig: "same", withKey: "same" });
    assert.deepEqual((await stack.destroy()).errors, []);
  });

  it("refuses to delete a pool that still holds volumes unless forceDestroy, and deletes what is gone without error", async () => {
    const stack = new EngineHarness();
    const program = (forceDestroy: boolean) => () => {
      new StoragePool("pool", {
        name: `${tag}-pool`,
        path: `/var/lib/libvirt/images/${tag}-pool`,
        forceDestroy,
        connection: connectionTo(a),
      });
      new Network("net", { name: `${tag}-gone`, mode: "isolated", bridge: `pkg-${process.pid % 10000}`, connection: connectionTo(a) });
    };
    assert.deepEqual((await stack.up(program(false))).errors, []);
    const pool = await connA.pools.lookupByName(`${tag}-pool`);
    await connA.volumes.create(pool, "<volume><name>by-hand.raw</name><capacity>1048576</capacity></volume>");
    // The network is removed by hand: deleting it later must still succeed.
    const net = await connA.networks.lookupByName(`${tag}-gone`);
    await connA.networks.destroy(net);
    await connA.networks.undefine(net);

    const refused = await stack.destroy();
    assert.ok(
      refused.errors.some((e) => /still holds 1 volume\(s\) \(by-hand\.raw\).*forceDestroy/.test(e.message)),
      JSON.stringify(refused.errors),
    );
    assert.equal(await gone(() => connA.pools.lookupByName(`${tag}-pool`)), false, "the pool was deleted anyway");

    assert.deepEqual((await stack.up(program(true))).errors, []);
    const down = await stack.destroy();
    assert.deepEqual(down.errors, []);
    assert.equal(await gone(() => connA.pools.lookupByName(`${tag}-pool`)), true);
  });

  it("refresh reads live state, drops only what libvirt says is gone, and keeps resources on a transport error", async () => {
    const stack = new EngineHarness();
    const program = () => {
      new Network("stopped", { name: `${tag}-r1`, mode: "isolated", bridge: `pkr1-${process.pid % 10000}`, connection: connectionTo(a) });
      new Network("deleted", { name: `${tag}-r2`, mode: "isolated", bridge: `pkr2-${process.pid % 10000}`, connection: connectionTo(a) });
    };
    assert.deepEqual((await stack.up(program)).errors, []);
    await connA.networks.destroy(await connA.networks.lookupByName(`${tag}-r1`));
    const r2 = await connA.networks.lookupByName(`${tag}-r2`);
    await connA.networks.destroy(r2);
    await connA.networks.undefine(r2);

    const refresh = await stack.refresh();
    assert.deepEqual(refresh.errors, []);
    assert.equal(opsByName(refresh).deleted, "refresh-gone");
    assert.equal(stack.state.resources.find((r) => r.name === "stopped")?.outputs.active, false);
    assert.equal(
      stack.state.resources.some((r) => r.name === "deleted"),
      false,
    );

    // An unreachable host is an error, never "gone". (Refresh reads where state says the object lives.)
    const stopped = stack.state.resources.find((r) => r.name === "stopped")!;
    const realConnection = stopped.outputs.connection;
    const realHost = stopped.outputs.hostIdentity;
    stopped.outputs.connection = { ...(realConnection as object), port: 1 };
    stopped.outputs.hostIdentity = { ...(realHost as object), port: 1 };
    const failed = await stack.refresh();
    assert.ok(failed.errors.length > 0, "refresh against a closed port reported no error");
    assert.ok(
      stack.state.resources.some((r) => r.name === "stopped"),
      "a transport error made the resource disappear from state",
    );
    stopped.outputs.connection = realConnection;
    stopped.outputs.hostIdentity = realHost;
    assert.deepEqual((await stack.destroy()).errors, []);
  });

  it("creates networks of every mode, with IPv6, MTU, DNS domain and autostart off, and settles", async () => {
    const hostBridge = `pkhb${process.pid % 10000}`;
    await run("ip", ["link", "add", "name", hostBridge, "type", "bridge"]);
    try {
      const stack = new EngineHarness();
      const n = process.pid % 10000;
      const program = () => {
        new Network("route", {
          name: `${tag}-route`,
          mode: "route",
          bridge: `pkm1-${n}`,
          ipv4: { address: "192.168.183.1/24" },
          mtu: 9000,
          connection: connectionTo(a),
        });
        new Network("open", {
          name: `${tag}-open`,
          mode: "open",
          bridge: `pkm2-${n}`,
          ipv4: { address: "192.168.184.1/24" },
          connection: connectionTo(a),
        });
        new Network("isolated6", {
          name: `${tag}-iso6`,
          mode: "isolated",
          bridge: `pkm3-${n}`,
          domain: "lab.example",
          autostart: false,
          ipv4: { address: "192.168.185.1/24", dhcp: { ranges: [{ start: "192.168.185.10", end: "192.168.185.20" }] } },
          ipv6: {
            address: "fd00:185::1/64",
            dhcp: {
              ranges: [{ start: "fd00:185::100", end: "fd00:185::1ff" }],
              hosts: [{ id: "0:3:0:1:52:54:0:1:2:3", ip: "fd00:185::50", name: "six" }],
            },
          },
          dnsHosts: [{ ip: "192.168.185.5", hostnames: ["db.lab.example", "db"] }],
          connection: connectionTo(b),
        });
        new Network("bridged", { name: `${tag}-br`, mode: "bridge", bridge: hostBridge, connection: connectionTo(a) });
      };
      const up = await stack.up(program);
      assert.deepEqual(up.errors, []);
      assert.match(
        await connA.networks.xmlDesc(await connA.networks.lookupByName(`${tag}-route`)),
        /<forward mode='route'\/>[\s\S]*<mtu size='9000'\/>/,
      );
      const iso = await connB.networks.lookupByName(`${tag}-iso6`);
      assert.equal(await connB.networks.getAutostart(iso), false);
      assert.match(await connB.networks.xmlDesc(iso), /<domain name='lab.example'\/>/);
      assert.match(await connB.networks.xmlDesc(iso), /<host id='0:3:0:1:52:54:0:1:2:3' name='six' ip='fd00:185::50'\/>/);
      assert.match(
        await connA.networks.xmlDesc(await connA.networks.lookupByName(`${tag}-br`)),
        new RegExp(`<forward mode='bridge'/>\\s*<bridge name='${hostBridge}'/>`),
      );
      const again = await stack.up(program);
      assert.deepEqual(again.errors, []);
      assert.deepEqual(Object.values(opsByName(again)), ["same", "same", "same", "same"], JSON.stringify(opsByName(again)));
      assert.deepEqual((await stack.destroy()).errors, []);
    } finally {
      await run("ip", ["link", "del", hostBridge]);
    }
  });
});
