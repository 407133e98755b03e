/**
 * Captures what libvirt makes of a VirtualMachine's definition, into
 * test/unit/vm/fixtures/ for the unit tests of the comparison:
 *
 *   eval "$(scripts/test-hosts env)"
 *   npx tsx test/integration/vm/captureFixtures.ts
 *
 * It defines, on host A, a VM built by the resource's own model (a virtio
 * disk, an empty SATA cdrom, a SCSI disk, two NICs on a NAT network, direct
 * kernel boot of the test guest), starts it, and saves its persistent and its
 * running XML; then removes everything again. Names carry `pkvm-vmfx-<pid>`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ConnectionPool, DomainXmlFlags } from "../../../provider/libvirt";
import { domainModelOf } from "../../../provider/resources/vm/model";
import { buildDomainXml, buildNetworkXml, buildVolumeXml } from "../../../provider/xml";
import { fixtureSpec, FIXTURE_UUID } from "../../unit/vm/fixtureSpec";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";

const OUT = path.resolve(__dirname, "../../unit/vm/fixtures");

async function main(): Promise<void> {
  const { a } = testHosts();
  const pool = new ConnectionPool({ idleMs: 100 });
  const { connection: conn } = await pool.acquire(sshEndpoint(a));
  const run = `pkvm-vmfx-${process.pid % 100000}`;
  const netName = `${run}-net`;
  const net = await conn.networks.define(
    buildNetworkXml({
      name: netName,
      forward: { mode: "nat" },
      bridge: { name: `pkvfx${process.pid % 10000}` },
      ips: [
        { address: "192.168.219.1", netmask: "255.255.255.0", dhcp: { ranges: [{ start: "192.168.219.100", end: "192.168.219.200" }] } },
      ],
    }),
  );
  await conn.networks.start(net);
  const images = await conn.pools.lookupByName("default");
  const vols = await Promise.all(
    ["root.qcow2", "data.qcow2"].map((n) =>
      conn.volumes.create(
        images,
        buildVolumeXml({ name: `${run}-${n}`, capacity: { value: 16, unit: "MiB" }, target: { format: "qcow2" } }),
      ),
    ),
  );
  const paths = await Promise.all(vols.map((v) => conn.volumes.path(v)));
  const spec = fixtureSpec({ guestDir: a.guestDir, domainType: a.domainType, network: netName, name: run });
  const disks = [
    { ...spec.disks[0], file: paths[0], format: "qcow2" },
    { ...spec.disks[1], format: "raw" },
    { ...spec.disks[2], file: paths[1], format: "qcow2" },
  ];
  const dom = await conn.domains.define(buildDomainXml(domainModelOf(spec, disks, FIXTURE_UUID)));
  try {
    await conn.domains.start(dom);
    mkdirSync(OUT, { recursive: true });
    // Machine-specific names are replaced by fixed ones, so the fixtures do not change with every capture.
    const fixed = (xml: string) =>
      xml
        .replaceAll(run, "pkvm-vmfx")
        .replaceAll(a.guestDir, "/srv/guest")
        .replaceAll(`pkvfx${process.pid % 10000}`, "pkvfx0");
    writeFileSync(path.join(OUT, "vm-inactive.xml"), fixed(await conn.domains.xmlDesc(dom, DomainXmlFlags.Inactive)));
    writeFileSync(path.join(OUT, "vm-running.xml"), fixed(await conn.domains.xmlDesc(dom)));
    console.log(`captured ${OUT}/vm-{inactive,running}.xml`);
  } finally {
    await conn.domains.destroy(dom).catch(() => undefined);
    await conn.domains.undefine(dom);
    for (const v of vols) await conn.volumes.delete(v);
    await conn.networks.destroy(net);
    await conn.networks.undefine(net);
    await pool.closeAll();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
