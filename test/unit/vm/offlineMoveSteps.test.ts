import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { DomainRef, DomainUndefineFlags, LibvirtConnection, VolumeRef } from "../../../provider/libvirt";
import { vmHostMove } from "../../../provider/resources/vm/hostMove";
import { moveStopped, offlineRefusal } from "../../../provider/resources/vm/offlineMove";
import { parseDomainXml } from "../../../provider/xml";
import { FIXTURE, fixtureSpec } from "./fixtureSpec";

const domainXml = readFileSync(path.join(__dirname, "fixtures", "vm-running.xml"), "utf8");
const ref: DomainRef = { name: FIXTURE.name, uuid: "6f1e3c2a-9d4b-4e8a-b1c7-2a5d0e9f4c31", id: -1 };
const olds = fixtureSpec(FIXTURE, { disks: [{ volumeKey: "/a/root.raw", format: "raw" }] });
const news = fixtureSpec(FIXTURE, { disks: [{ volumeKey: "/b/root.raw", format: "raw" }] });
const vol = (pool: string, key: string): VolumeRef => ({ pool, name: "root.raw", key });

/** What the two fake hosts were asked to do. */
interface Calls {
  defined: string[];
  undefinedOnA: number[];
  undefinedOnB: number[];
  uploaded: Buffer[];
  /** Volume documents B was asked to create. */
  created: string[];
  /** The bytes of B's volume. */
  onB: Buffer;
}

/**
 * Host A holds a stopped VM with one raw disk on a dir pool; host B has the volume made for
 * it, and hands back `landed(what it received)` when read (to play a corrupted write).
 */
function hosts(
  landed: (received: Buffer) => Buffer,
  startedOnA = false,
  opts: { poolOnB?: string; keyOnceCreated?: string; xmlOnA?: string } = {},
): { a: LibvirtConnection; b: LibvirtConnection; calls: Calls } {
  // What B's volume held before the move: longer than A's, as a volume created there with content of its own.
  const calls: Calls = {
    defined: [],
    undefinedOnA: [],
    undefinedOnB: [],
    uploaded: [],
    created: [],
    onB: Buffer.from("B's own, longer content"),
  };
  const a = {
    rpc: { description: "A" },
    volumes: {
      lookupByKey: async (key: string) => vol("pa", key),
      info: async () => ({ type: 0, capacity: 8n, allocation: 8n }),
      xmlDesc: async () =>
        "<volume><name>root.raw</name><capacity>8</capacity><target><path>/a/root.raw</path><format type='raw'/></target></volume>",
      download: async () => Readable.from([Buffer.from("A-bytes!")]),
    },
    pools: {
      lookupByName: async (name: string) => ({ name, uuid: Buffer.alloc(16) }),
      xmlDesc: async () => "<pool type='dir'><name>pa</name><target><path>/a</path></target></pool>",
    },
    domains: {
      xmlDesc: async () => opts.xmlOnA ?? domainXml,
      isActive: async () => startedOnA,
      undefine: async (_: unknown, flags: number) => void calls.undefinedOnA.push(flags),
    },
  };
  const b = {
    rpc: { description: "B" },
    volumes: {
      lookupByKey: async (key: string) => vol("pb", key),
      path: async () => "/b/root.raw",
      xmlDesc: async () => "<volume><name>root.raw</name><target><path>/b/root.raw</path><format type='raw'/></target></volume>",
      // B's volume as a file: recreated empty, then written from its start.
      delete: async () => void (calls.onB = Buffer.alloc(0)),
      create: async (_: unknown, xml: string) => {
        calls.created.push(xml);
        return vol("pb", opts.keyOnceCreated ?? "/b/root.raw");
      },
      upload: async () => ({
        pump: async (chunks: AsyncIterable<Uint8Array>) => {
          const got: Buffer[] = [];
          for await (const c of chunks) got.push(Buffer.from(c));
          const sent = Buffer.concat(got);
          calls.uploaded.push(sent);
          calls.onB = Buffer.concat([sent, calls.onB.subarray(sent.length)]);
        },
      }),
      download: async (_: unknown, offset: bigint, length: bigint) => {
        const held = landed(calls.onB);
        return Readable.from([length === 0n ? held.subarray(Number(offset)) : held.subarray(Number(offset), Number(offset + length))]);
      },
    },
    pools: {
      lookupByName: async (name: string) => ({ name, uuid: Buffer.alloc(16) }),
      xmlDesc: async () => `<pool type='${opts.poolOnB ?? "dir"}'><name>pb</name><target><path>/b</path></target></pool>`,
    },
    domains: {
      define: async (xml: string) => {
        calls.defined.push(xml);
        return ref;
      },
      undefine: async (_: unknown, flags: number) => void calls.undefinedOnB.push(flags),
    },
  };
  return { a: a as unknown as LibvirtConnection, b: b as unknown as LibvirtConnection, calls };
}

describe("resources/vm/offlineMove: a stopped VM's move, step by step", () => {
  it("defines it on B with B's disk, streams the disk, and only then undefines it on A", async () => {
    const { a, b, calls } = hosts((received) => received);
    await moveStopped(a, b, ref, olds, news);
    assert.equal(calls.defined.length, 1);
    assert.ok(calls.defined[0]?.includes("/b/root.raw"), calls.defined[0]);
    assert.deepEqual(calls.uploaded, [Buffer.from("A-bytes!")]);
    assert.deepEqual(calls.undefinedOnA, [DomainUndefineFlags.Nvram | DomainUndefineFlags.ManagedSave]);
    assert.deepEqual(calls.undefinedOnB, []);
  });

  it("undefines it on B and leaves A alone when B's disk does not read back as A's", async () => {
    const { a, b, calls } = hosts(() => Buffer.from("B-bytes?"));
    await assert.rejects(
      moveStopped(a, b, ref, olds, news),
      /disk vda: B holds sha256 [0-9a-f]{64} after the copy, A sent [0-9a-f]{64} \(8 bytes\)/,
    );
    assert.equal(calls.defined.length, 1);
    assert.deepEqual(calls.undefinedOnA, []);
    assert.equal(calls.undefinedOnB.length, 1);
  });

  it("undefines it on B and leaves A alone when it was started on A during the copy", async () => {
    const { a, b, calls } = hosts((received) => received, true);
    await assert.rejects(moveStopped(a, b, ref, olds, news), /was started on A during the copy: run again to migrate it live/);
    assert.deepEqual(calls.undefinedOnA, []);
    assert.equal(calls.undefinedOnB.length, 1);
  });

  it("refuses before defining anything when B's disk has no volume to copy into", async () => {
    const { a, b, calls } = hosts((received) => received);
    const onPath = fixtureSpec(FIXTURE, { disks: [{ path: "/b/root.raw", format: "raw" }] });
    await assert.rejects(moveStopped(a, b, ref, olds, onPath), /disk vda is on the old host's own storage but has no volumeKey on B/);
    assert.deepEqual(calls.defined, []);
    assert.deepEqual(calls.undefinedOnA, []);
  });

  it("leaves B's volume file exactly A's bytes when it was longer: recreated empty in A's format and capacity first", async () => {
    const { a, b, calls } = hosts((held) => held);
    await moveStopped(a, b, ref, olds, news);
    assert.deepEqual(calls.onB, Buffer.from("A-bytes!"));
    assert.equal(calls.created.length, 1);
    assert.match(calls.created[0] ?? "", /<name>root\.raw<\/name>/);
    assert.match(calls.created[0] ?? "", /<capacity unit="bytes">8<\/capacity>/);
    assert.match(calls.created[0] ?? "", /<allocation unit="bytes">0<\/allocation>/);
    assert.match(calls.created[0] ?? "", /<format type="raw"\/>/);
    assert.deepEqual(calls.undefinedOnB, []);
  });

  it("reads back only the bytes sent on a block volume (an LV is as long as its capacity), not recreating it", async () => {
    const { a, b, calls } = hosts((held) => held, false, { poolOnB: "logical" });
    await moveStopped(a, b, ref, olds, news);
    assert.deepEqual(calls.created, []);
    assert.deepEqual(calls.onB.subarray(0, 8), Buffer.from("A-bytes!"));
    assert.equal(calls.undefinedOnA.length, 1);
  });

  it("undefines it on B and leaves A alone when B's recreated volume got another key", async () => {
    const { a, b, calls } = hosts((held) => held, false, { keyOnceCreated: "/b/other" });
    await assert.rejects(
      moveStopped(a, b, ref, olds, news),
      /volume root\.raw on B has key \/b\/other once recreated for the copy, was \/b\/root\.raw/,
    );
    assert.deepEqual(calls.undefinedOnA, []);
    assert.equal(calls.undefinedOnB.length, 1);
  });

  const uefi = domainXml.replace(/<os>/, "<os firmware='efi'>");
  const tpm = domainXml.replace(/<\/devices>/, "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>");

  it("refuses a VM with UEFI variables or a TPM state, naming the ways out, before defining anything", async () => {
    assert.equal(offlineRefusal(parseDomainXml(domainXml)), undefined);
    assert.match(offlineRefusal(parseDomainXml(uefi)) ?? "", /^is stopped and keeps UEFI variables \(NVRAM\) on its host/);
    assert.match(offlineRefusal(parseDomainXml(tpm)) ?? "", /keeps TPM state on its host, which an offline move cannot carry/);
    assert.match(
      offlineRefusal(
        parseDomainXml(uefi.replace(/<\/devices>/, "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>")),
      ) ?? "",
      /keeps UEFI variables \(NVRAM\) and TPM state .*start it on its current host first \(running: true\).*onHostChange: "replace"/,
    );
    const { a, b, calls } = hosts((held) => held, false, { xmlOnA: tpm });
    await assert.rejects(moveStopped(a, b, ref, olds, news), /keeps TPM state/);
    assert.deepEqual(calls.defined, []);
    assert.deepEqual(calls.uploaded, []);
    assert.deepEqual(calls.undefinedOnA, []);
  });

  it("refuses a stopped UEFI VM in the diff's assessment", async () => {
    const { a } = hosts((held) => held, false, { xmlOnA: uefi });
    const onA = Object.assign(Object.create(a) as LibvirtConnection, {
      domains: { ...a.domains, lookupByUuid: async () => ref },
    });
    const decision = await vmHostMove.assess(onA, ref.uuid, olds);
    assert.ok("refused" in decision, JSON.stringify(decision));
    assert.match(decision.refused, /UEFI variables \(NVRAM\)/);
  });
});
