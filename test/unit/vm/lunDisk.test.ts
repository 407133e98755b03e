/**
 * A disk naming an iscsi-direct pool's LUN by `volumeKey`: it has no host file,
 * so the domain names it by pool and volume (`<disk type='volume'>`), which
 * libvirt turns into QEMU's iSCSI login; what libvirt shows back reads as asked.
 */
import assert from "node:assert/strict";
import { LibvirtConnection } from "../../../provider/libvirt";
import { resolveDisks } from "../../../provider/resources/vm/disks";
import { diskDevice } from "../../../provider/resources/vm/model";
import { compareDomain, Disk, parseDomainXml } from "../../../provider/xml";
import { FIXTURE, fixtureSpec } from "./fixtureSpec";

const LUN_KEY = "ip-127.0.0.1:3260-iscsi-iqn.2026-12.test.pulumi-kvm:open-lun-1";

/** What libvirt 9.0 shows for such a disk in a running domain (`virsh dumpxml`). */
const RUNNING_DISK = `<disk type='volume' device='disk'>
      <driver name='qemu' type='raw'/>
      <source pool='pkvm-iscsi' volume='unit:0:0:1' index='1'/>
      <target dev='vdb' bus='virtio'/>
      <alias name='virtio-disk1'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
    </disk>`;

/** A connection whose only volume is the LUN, as an iscsi-direct pool lists it. */
function withLun(): LibvirtConnection {
  const ref = { pool: "pkvm-iscsi", name: "unit:0:0:1", key: LUN_KEY };
  const volumes = {
    lookupByKey: (key: string) => (key === LUN_KEY ? Promise.resolve(ref) : Promise.reject(new Error(`unexpected key ${key}`))),
    path: () => Promise.resolve(LUN_KEY),
    xmlDesc: () =>
      Promise.resolve(
        `<volume type='network'><name>unit:0:0:1</name><key>${LUN_KEY}</key><capacity unit='bytes'>67108352</capacity><target><path>${LUN_KEY}</path></target></volume>`,
      ),
  };
  return { volumes } as unknown as LibvirtConnection;
}

describe("vm disks: an iscsi-direct LUN by volumeKey", () => {
  it("is named by pool and volume, read as raw, never by its path", async () => {
    const spec = fixtureSpec(FIXTURE, { disks: [{ volumeKey: LUN_KEY }] });
    const [disk] = await resolveDisks(withLun(), spec.disks);
    assert.deepEqual(disk.volume, { pool: "pkvm-iscsi", name: "unit:0:0:1" });
    assert.equal(disk.file, undefined);
    assert.equal(disk.format, "raw");
    const device = diskDevice(disk);
    assert.deepEqual(device.source, { type: "volume", pool: "pkvm-iscsi", volume: "unit:0:0:1" });
    assert.deepEqual(device.driver, { name: "qemu", type: "raw" });
  });

  it("compares equal to what libvirt shows of the running disk, and a different LUN does not", async () => {
    const spec = fixtureSpec(FIXTURE, { disks: [{ volumeKey: LUN_KEY }] });
    const [disk] = await resolveDisks(withLun(), spec.disks);
    const want = { ...diskDevice({ ...disk, target: "vdb" }) };
    const domainWith = (d: string) => parseDomainXml(`<domain type='qemu'><name>x</name><devices>${d}</devices></domain>`);
    const live = domainWith(RUNNING_DISK);
    const desired = { ...live, devices: [want] };
    assert.deepEqual(compareDomain(desired, live), []);
    const other: Disk = { ...want, source: { type: "volume", pool: "pkvm-iscsi", volume: "unit:0:0:2" } };
    assert.notDeepEqual(compareDomain({ ...live, devices: [other] }, live), []);
  });
});
