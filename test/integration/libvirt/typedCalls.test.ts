import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import {
  ConnectionPool,
  DomainState,
  DomainUndefineFlags,
  DomainXmlFlags,
  InterfaceAddressSource,
  LibvirtConnection,
  NetworkUpdateCommand,
  NetworkUpdateFlags,
  NetworkUpdateSection,
  PoolState,
} from "../../../provider/libvirt";
import { ErrorCode, LibvirtError } from "../../../provider/rpc";
import { allEndpoints } from "../support/endpoints";
import { guestDomainXml, natNetworkXml } from "../support/guestXml";

/** Asserts that `promise` rejects with a libvirt not-found error of exactly `code`. */
async function assertNotFound(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const err = await promise.then(
    () => assert.fail("expected a not-found error"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof LibvirtError, `expected LibvirtError, got ${String(err)}`);
  assert.equal(err.code, code);
  assert.equal(err.isNotFound(), true);
}

async function sha256Of(stream: NodeJS.ReadableStream): Promise<{ hex: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { hex: hash.digest("hex"), bytes };
}

allEndpoints().forEach(({ label, endpoint, host }, index) => {
  describe(`typed libvirt calls: ${label}`, function () {
    this.timeout(180_000);
    const pool = new ConnectionPool({ idleMs: 100 });
    const tag = `pkvm-rpc-${index}-${process.pid}`;
    const octet = 170 + index;
    let conn: LibvirtConnection;

    before(async () => {
      conn = (await pool.acquire(endpoint)).connection;
    });

    after(async () => {
      // Remove whatever a failed test left, so reruns start clean.
      for (const d of await conn.domains.listAll()) {
        if (!d.name.startsWith(tag)) continue;
        await conn.domains.destroy(d).catch(() => undefined);
        await conn.domains.undefine(d, DomainUndefineFlags.Nvram).catch(() => undefined);
      }
      for (const n of await conn.networks.listAll()) {
        if (!n.name.startsWith(tag)) continue;
        await conn.networks.destroy(n).catch(() => undefined);
        await conn.networks.undefine(n).catch(() => undefined);
      }
      for (const p of await conn.pools.listAll()) {
        if (!p.name.startsWith(tag)) continue;
        if (await conn.pools.isActive(p)) {
          for (const v of await conn.volumes.listAll(p)) await conn.volumes.delete(v).catch(() => undefined);
          await conn.pools.destroy(p).catch(() => undefined);
        }
        await conn.pools.delete(p).catch(() => undefined);
        await conn.pools.undefine(p).catch(() => undefined);
      }
      await pool.closeAll();
    });

    it("opens the connection: auth list, lib version", async () => {
      assert.ok((await conn.authList()).length >= 1);
      const version = await conn.libVersion();
      assert.ok(version >= 6_000_000n, `lib version ${version}`);
    });

    it("reports not-found by code for a domain, a network, a pool and a volume", async () => {
      await assertNotFound(conn.domains.lookupByName(`${tag}-missing`), ErrorCode.NoDomain);
      await assertNotFound(conn.domains.lookupByUuid("00000000-0000-4000-8000-000000000001"), ErrorCode.NoDomain);
      await assertNotFound(conn.networks.lookupByName(`${tag}-missing`), ErrorCode.NoNetwork);
      await assertNotFound(conn.networks.lookupByUuid("00000000-0000-4000-8000-000000000002"), ErrorCode.NoNetwork);
      await assertNotFound(conn.pools.lookupByName(`${tag}-missing`), ErrorCode.NoStoragePool);
      await assertNotFound(conn.pools.lookupByUuid("00000000-0000-4000-8000-000000000003"), ErrorCode.NoStoragePool);
      const def = await conn.pools.lookupByName("default");
      await assertNotFound(conn.volumes.lookupByName(def, `${tag}-missing.qcow2`), ErrorCode.NoStorageVol);
      await assertNotFound(conn.volumes.lookupByKey(`/nonexistent/${tag}`), ErrorCode.NoStorageVol);
      await assertNotFound(conn.volumes.lookupByPath(`/nonexistent/${tag}`), ErrorCode.NoStorageVol);
    });

    it("runs 50 concurrent calls on one connection", async () => {
      const def = await conn.pools.lookupByName("default");
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          i % 2 === 0 ? conn.pools.xmlDesc(def) : conn.pools.lookupByName("default").then((p) => p.name),
        ),
      );
      assert.equal(results.length, 50);
      for (const [i, r] of results.entries()) {
        if (i % 2 === 0) assert.match(r, /<pool type='dir'>/);
        else assert.equal(r, "default");
      }
      console.log(`      50 concurrent calls took ${Date.now() - started} ms`);
    });

    it("storage pools: define, build, start, info, autostart, refresh, list, lookup, destroy, delete, undefine", async () => {
      const name = `${tag}-pool`;
      const xml = `<pool type='dir'><name>${name}</name><target><path>/var/lib/libvirt/images/${name}</path></target></pool>`;
      const p = await conn.pools.define(xml);
      assert.equal(p.name, name);
      assert.match(p.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      await conn.pools.build(p);
      assert.equal(await conn.pools.isActive(p), false);
      await conn.pools.start(p);
      assert.equal(await conn.pools.isActive(p), true);
      const info = await conn.pools.info(p);
      assert.equal(info.state, PoolState.Running);
      assert.ok(info.capacity > 0n && info.available > 0n);
      await conn.pools.setAutostart(p, true);
      assert.equal(await conn.pools.getAutostart(p), true);
      await conn.pools.setAutostart(p, false);
      assert.equal(await conn.pools.getAutostart(p), false);
      await conn.pools.refresh(p);
      assert.match(await conn.pools.xmlDesc(p), new RegExp(`<path>/var/lib/libvirt/images/${name}</path>`));
      assert.ok((await conn.pools.listAll()).some((x) => x.uuid === p.uuid));
      assert.deepEqual(await conn.pools.lookupByUuid(p.uuid), p);
      await conn.pools.destroy(p);
      assert.equal((await conn.pools.info(p)).state, PoolState.Inactive);
      await conn.pools.delete(p);
      await conn.pools.undefine(p);
      await assertNotFound(conn.pools.lookupByName(name), ErrorCode.NoStoragePool);
    });

    it("volumes: create, lookups, info, xml, path, resize, wipe, clone, 64 MiB upload and download, delete", async () => {
      const poolName = `${tag}-vols`;
      const p = await conn.pools.define(
        `<pool type='dir'><name>${poolName}</name><target><path>/var/lib/libvirt/images/${poolName}</path></target></pool>`,
      );
      await conn.pools.build(p);
      await conn.pools.start(p);

      const q = await conn.volumes.create(
        p,
        `<volume><name>a.qcow2</name><capacity unit='MiB'>16</capacity><target><format type='qcow2'/></target></volume>`,
      );
      assert.equal(q.pool, poolName);
      assert.equal(q.name, "a.qcow2");
      assert.deepEqual(await conn.volumes.lookupByName(p, "a.qcow2"), q);
      assert.deepEqual(await conn.volumes.lookupByKey(q.key), q);
      const path = await conn.volumes.path(q);
      assert.equal(path, `/var/lib/libvirt/images/${poolName}/a.qcow2`);
      assert.deepEqual(await conn.volumes.lookupByPath(path), q);
      assert.equal((await conn.volumes.info(q)).capacity, 16n * 1024n * 1024n);
      assert.match(await conn.volumes.xmlDesc(q), /<format type='qcow2'\/>/);
      await conn.volumes.resize(q, 32n * 1024n * 1024n);
      assert.equal((await conn.volumes.info(q)).capacity, 32n * 1024n * 1024n);
      const clone = await conn.volumes.createFrom(
        p,
        `<volume><name>a-clone.qcow2</name><capacity unit='MiB'>32</capacity><target><format type='qcow2'/></target></volume>`,
        q,
      );
      assert.equal((await conn.volumes.info(clone)).capacity, 32n * 1024n * 1024n);

      const size = 64 * 1024 * 1024;
      const raw = await conn.volumes.create(
        p,
        `<volume><name>blob.raw</name><capacity unit='bytes'>${size}</capacity><target><format type='raw'/></target></volume>`,
      );
      const data = randomBytes(size);
      const sent = createHash("sha256").update(data).digest("hex");
      const upStart = Date.now();
      const upload = await conn.volumes.upload(raw, 0n, BigInt(size));
      await upload.write(data);
      await upload.finish();
      const upMs = Date.now() - upStart;
      const downStart = Date.now();
      const got = await sha256Of(await conn.volumes.download(raw, 0n, BigInt(size)));
      const downMs = Date.now() - downStart;
      assert.equal(got.bytes, size);
      assert.equal(got.hex, sent, "the downloaded data differs from the uploaded data");
      console.log(`      64 MiB: upload ${upMs} ms, download ${downMs} ms, sha256 ${sent.slice(0, 16)}… equal`);
      // The connection still serves calls after two large streams.
      assert.equal((await conn.volumes.info(raw)).capacity, BigInt(size));

      await conn.volumes.wipe(clone);
      assert.equal((await conn.volumes.listAll(p)).length, 3);
      for (const v of [q, clone, raw]) await conn.volumes.delete(v);
      await assertNotFound(conn.volumes.lookupByName(p, "a.qcow2"), ErrorCode.NoStorageVol);
      await conn.pools.destroy(p);
      await conn.pools.delete(p);
      await conn.pools.undefine(p);
    });

    it("networks and domains: define, start, live update, autostart, a booted guest's lease, shutdown, destroy, undefine", async () => {
      const netName = `${tag}-net`;
      const net = await conn.networks.define(natNetworkXml(netName, `pkr${index}-${process.pid % 10000}`, octet));
      await conn.networks.start(net);
      assert.equal(await conn.networks.isActive(net), true);
      assert.match(await conn.networks.bridgeName(net), /^pkr/);
      await conn.networks.setAutostart(net, true);
      assert.equal(await conn.networks.getAutostart(net), true);
      assert.deepEqual(await conn.networks.lookupByUuid(net.uuid), net);
      assert.ok((await conn.networks.listAll()).some((n) => n.name === netName));
      await conn.networks.update(
        net,
        NetworkUpdateCommand.AddLast,
        NetworkUpdateSection.IpDhcpHost,
        `<host mac='52:54:00:aa:bb:0${index}' name='fixed' ip='192.168.${octet}.50'/>`,
        NetworkUpdateFlags.Live | NetworkUpdateFlags.Config,
      );
      assert.match(
        await conn.networks.xmlDesc(net),
        new RegExp(`<host mac='52:54:00:aa:bb:0${index}' name='fixed' ip='192.168.${octet}.50'/>`),
      );
      assert.match(await conn.networks.xmlDesc(net, 1), /name='fixed'/, "the update also reached the persistent config");

      const domName = `${tag}-vm`;
      const dom = await conn.domains.define(guestDomainXml(host, domName, netName), 1);
      assert.equal(dom.id, -1);
      assert.deepEqual(await conn.domains.lookupByName(domName), dom);
      assert.equal((await conn.domains.lookupByUuid(dom.uuid)).name, domName);
      assert.ok((await conn.domains.listAll()).some((d) => d.uuid === dom.uuid));
      assert.equal((await conn.domains.state(dom)).state, DomainState.Shutoff);
      await conn.domains.setAutostart(dom, true);
      assert.equal(await conn.domains.getAutostart(dom), true);
      await conn.domains.setAutostart(dom, false);

      const running = await conn.domains.start(dom);
      assert.ok(running.id > 0);
      assert.equal(await conn.domains.isActive(running), true);
      const info = await conn.domains.info(running);
      assert.equal(info.state, DomainState.Running);
      assert.equal(info.maxMemKiB, 96n * 1024n);
      assert.equal(info.vcpus, 1);
      assert.match(await conn.domains.xmlDesc(running), /<alias name='net0'\/>/);
      assert.doesNotMatch(await conn.domains.xmlDesc(running, DomainXmlFlags.Inactive), /<alias/);

      const booted = Date.now();
      let address: string | undefined;
      while (!address && Date.now() - booted < 90_000) {
        const ifaces = await conn.domains.interfaceAddresses(running, InterfaceAddressSource.Lease);
        address = ifaces.flatMap((i) => i.addresses).find((a) => a.type === 0)?.address;
        if (!address) await new Promise((r) => setTimeout(r, 500));
      }
      assert.ok(address, "the guest got no DHCP lease within 90 s");
      assert.match(address, new RegExp(`^192\\.168\\.${octet}\\.`));
      const leases = await conn.networks.dhcpLeases(net);
      assert.ok(leases.some((l) => l.ipAddress === address && l.prefix === 24 && l.mac));
      console.log(`      guest lease ${address} after ${((Date.now() - booted) / 1000).toFixed(1)} s`);

      await conn.domains.shutdown(running); // the guest may ignore ACPI; destroy follows
      await conn.domains.destroy(running).catch((e: unknown) => {
        if (!(e instanceof LibvirtError && e.isOperationInvalid())) throw e;
      });
      assert.equal((await conn.domains.state(dom)).state, DomainState.Shutoff);
      await assert.rejects(conn.domains.destroy(dom), (e: unknown) => e instanceof LibvirtError && e.isOperationInvalid());
      await conn.domains.undefine(dom, DomainUndefineFlags.Nvram);
      await assertNotFound(conn.domains.lookupByName(domName), ErrorCode.NoDomain);

      await conn.networks.setAutostart(net, false);
      await conn.networks.destroy(net);
      assert.equal(await conn.networks.isActive(net), false);
      await conn.networks.undefine(net);
      await assertNotFound(conn.networks.lookupByName(netName), ErrorCode.NoNetwork);
    });
  });
});
