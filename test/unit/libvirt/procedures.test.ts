import assert from "node:assert/strict";
import {
  Codec,
  DomainMetadataType,
  DomainModificationImpact,
  DomainState,
  IpAddressType,
  PoolState,
  PROCEDURES,
  VolumeType,
} from "../../../provider/libvirt";
import { XdrReader, XdrWriter } from "../../../provider/rpc";
import { DOM, NET, POOL, VOL } from "./wire";

/** Writes `sample`, reads it back, and checks nothing was left over. */
function roundTrip<T>(codec: Codec<T>, sample: T): void {
  const w = new XdrWriter();
  codec.write(w, sample);
  const r = new XdrReader(Buffer.from(w.toBuffer()));
  assert.deepEqual(codec.read(r), sample);
  r.end();
}

describe("the procedure table", () => {
  const rows = Object.entries(PROCEDURES);

  it("gives every procedure its own number", () => {
    const byNumber = new Map<number, string[]>();
    for (const [name, row] of rows) byNumber.set(row.proc, [...(byNumber.get(row.proc) ?? []), name]);
    const shared = [...byNumber.entries()].filter(([, names]) => names.length > 1);
    assert.deepEqual(shared, [], "procedure numbers declared twice");
  });

  it("numbers every procedure with a positive integer and names its kind", () => {
    for (const [name, row] of rows) {
      assert.ok(Number.isInteger(row.proc) && row.proc > 0, `${name}: ${row.proc}`);
      assert.ok(["call", "upload", "download"].includes(row.kind), `${name}: ${row.kind}`);
    }
  });

  it("reads back every handle it writes", () => {
    roundTrip(PROCEDURES.domainLookupByName.ret, DOM);
    roundTrip(PROCEDURES.domainLookupByName.ret, { ...DOM, id: -1 });
    roundTrip(PROCEDURES.networkLookupByName.ret, NET);
    roundTrip(PROCEDURES.storagePoolLookupByName.ret, POOL);
    roundTrip(PROCEDURES.storageVolLookupByName.ret, VOL);
  });

  it("reads back argument structs, optional fields present and absent", () => {
    const metadata = PROCEDURES.domainSetMetadata.args;
    roundTrip(metadata, {
      dom: DOM,
      type: DomainMetadataType.Element,
      metadata: "<x/>",
      key: "app",
      uri: "urn:app",
      flags: DomainModificationImpact.Config,
    });
    roundTrip(metadata, { dom: DOM, type: DomainMetadataType.Description, metadata: undefined, key: undefined, uri: undefined, flags: 0 });
    roundTrip(PROCEDURES.storageVolCreateXmlFrom.args, { pool: POOL, xml: "<volume/>", cloneVol: VOL, flags: 1 });
    roundTrip(PROCEDURES.storageVolUpload.args, { vol: VOL, offset: 1n << 40n, length: 0n, flags: 0 });
    roundTrip(PROCEDURES.connectGetDomainCapabilities.args, {
      emulatorBin: undefined,
      arch: "x86_64",
      machine: undefined,
      virtType: "kvm",
      flags: 0,
    });
  });

  it("reads back reply structs and lists", () => {
    roundTrip(PROCEDURES.domainGetInfo.ret, { state: DomainState.Paused, maxMemKiB: 1n << 33n, memoryKiB: 1n, vcpus: 64, cpuTimeNs: 0n });
    roundTrip(PROCEDURES.domainGetState.ret, { state: DomainState.Crashed, reason: 2 });
    roundTrip(PROCEDURES.storagePoolGetInfo.ret, { state: PoolState.Degraded, capacity: 3n, allocation: 2n, available: 1n });
    roundTrip(PROCEDURES.storageVolGetInfo.ret, { type: VolumeType.Block, capacity: 3n, allocation: 2n });
    roundTrip(PROCEDURES.connectListAllDomains.ret, { domains: [DOM, { ...DOM, name: "vm2" }], ret: 2 });
    roundTrip(PROCEDURES.domainInterfaceAddresses.ret, [
      { name: "eth0", hwaddr: undefined, addresses: [{ type: IpAddressType.Ipv6, address: "fd00::5", prefix: 64 }] },
    ]);
    roundTrip(PROCEDURES.networkGetDhcpLeases.ret, {
      leases: [
        {
          iface: "virbr1",
          expiryTime: -1n,
          type: IpAddressType.Ipv4,
          mac: undefined,
          iaid: "7",
          ipAddress: "10.0.0.2",
          prefix: 8,
          hostname: undefined,
          clientId: "c",
        },
      ],
      ret: 1,
    });
  });

  it("refuses a handle whose UUID is not one", () => {
    assert.throws(() => PROCEDURES.domainLookupByUuid.args.write(new XdrWriter(), { uuid: "not-a-uuid" }), /not a UUID/);
  });
});
