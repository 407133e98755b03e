import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { DomainRef, LibvirtConnection, VolumeRef } from "../../../provider/libvirt";
import { moveStopped } from "../../../provider/resources/vm/offlineMove";
import { KEPT_VOLUMES_NAMESPACE } from "../../../provider/xml";
import { FIXTURE, fixtureSpec } from "./fixtureSpec";

/** The fixture VM keeping A's old volume (`volume/keep.ts`) in its metadata. */
const domainXml = readFileSync(path.join(__dirname, "fixtures", "vm-running.xml"), "utf8").replace(
  "<devices>",
  `<metadata><kept:volumes xmlns:kept="${KEPT_VOLUMES_NAMESPACE}"><kept:volume key="/a/old.raw"/></kept:volumes></metadata><devices>`,
);
const ref: DomainRef = { name: FIXTURE.name, uuid: "6f1e3c2a-9d4b-4e8a-b1c7-2a5d0e9f4c31", id: -1 };
const olds = fixtureSpec(FIXTURE, { disks: [{ volumeKey: "/a/root.raw", format: "raw" }] });
const news = fixtureSpec(FIXTURE, { disks: [{ volumeKey: "/b/root.raw", format: "raw" }] });
const vol = (pool: string, key: string): VolumeRef => ({ pool, name: path.basename(key), key });

/**
 * Host A holds the stopped VM (until undefined) and its kept volume; host B the volume made for
 * it, reading back `landed(what it received)`.
 */
function hosts(landed: (received: Buffer) => Buffer) {
  const calls = { defined: [] as string[], steps: [] as string[] };
  let onA = true;
  let onB = Buffer.alloc(0);
  const a = {
    rpc: { description: "A" },
    volumes: {
      lookupByKey: async (key: string) => vol("pa", key),
      path: async (v: VolumeRef) => v.key,
      info: async () => ({ type: 0, capacity: 8n, allocation: 8n }),
      xmlDesc: async () =>
        "<volume><name>root.raw</name><capacity>8</capacity><target><path>/a/root.raw</path><format type='raw'/></target></volume>",
      download: async () => Readable.from([Buffer.from("A-bytes!")]),
      delete: async (v: VolumeRef) => void calls.steps.push(`delete ${v.key} on A`),
    },
    pools: {
      lookupByName: async (name: string) => ({ name, uuid: Buffer.alloc(16) }),
      xmlDesc: async () => "<pool type='dir'><name>pa</name><target><path>/a</path></target></pool>",
    },
    domains: {
      listAll: async () => (onA ? [ref] : []),
      xmlDesc: async () => domainXml,
      isActive: async () => false,
      undefine: async () => {
        onA = false;
        calls.steps.push("undefine on A");
      },
    },
  };
  const b = {
    rpc: { description: "B" },
    volumes: {
      lookupByKey: async (key: string) => vol("pb", key),
      path: async () => "/b/root.raw",
      xmlDesc: async () => "<volume><name>root.raw</name><target><path>/b/root.raw</path><format type='raw'/></target></volume>",
      // B's volume as a file: recreated empty, then written from its start.
      delete: async () => void (onB = Buffer.alloc(0)),
      create: async () => vol("pb", "/b/root.raw"),
      upload: async () => ({
        pump: async (chunks: AsyncIterable<Uint8Array>) => {
          const got: Buffer[] = [];
          for await (const c of chunks) got.push(Buffer.from(c));
          const sent = Buffer.concat(got);
          onB = Buffer.concat([sent, onB.subarray(sent.length)]);
        },
      }),
      download: async (_: unknown, offset: bigint, length: bigint) => {
        const held = landed(onB);
        return Readable.from([length === 0n ? held.subarray(Number(offset)) : held.subarray(Number(offset), Number(offset + length))]);
      },
    },
    pools: {
      lookupByName: async (name: string) => ({ name, uuid: Buffer.alloc(16) }),
      xmlDesc: async () => "<pool type='dir'><name>pb</name><target><path>/b</path></target></pool>",
    },
    domains: {
      define: async (xml: string) => {
        calls.defined.push(xml);
        return ref;
      },
      undefine: async () => void calls.steps.push("undefine on B"),
    },
  };
  return { a: a as unknown as LibvirtConnection, b: b as unknown as LibvirtConnection, calls };
}

describe("resources/vm/offlineMove: the volumes kept for the VM on the old host", () => {
  it("are not recorded on B, and are deleted on A once the VM is undefined there", async () => {
    const { a, b, calls } = hosts((received) => received);
    await moveStopped(a, b, ref, olds, news);
    assert.equal(calls.defined.length, 1);
    assert.ok(!calls.defined[0]?.includes(KEPT_VOLUMES_NAMESPACE), calls.defined[0]);
    assert.deepEqual(calls.steps, ["undefine on A", "delete /a/old.raw on A"]);
  });

  it("stay on A when the move fails", async () => {
    const { a, b, calls } = hosts(() => Buffer.from("B-bytes?"));
    await assert.rejects(moveStopped(a, b, ref, olds, news), /B holds sha256/);
    assert.deepEqual(calls.steps, ["undefine on B"]);
  });
});
