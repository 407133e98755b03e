import assert from "node:assert/strict";
import type { StoragePoolArgs } from "../../../../provider/resources/pool/resource";
import { handler } from "../../../../provider/resources/runtime";
import { conn } from "../../../support/badInputCases";

// The typecheck (`npm run typecheck` covers the tests) holds the compile-time half: each
// `@ts-expect-error` fails it when the `StoragePoolArgs` union accepts what `check` refuses.
const accepted: StoragePoolArgs[] = [
  { name: "p", path: "/p" },
  { type: "fs", device: "/dev/vdb", path: "/p", format: "ext4", build: true },
  { type: "logical", volumeGroup: "vg" },
];
const refused: StoragePoolArgs[] = [
  // @ts-expect-error an fs pool needs its device
  { type: "fs", path: "/p" },
  // @ts-expect-error a dir pool takes no device
  { path: "/p", device: "/dev/x" },
  // @ts-expect-error ext4 is no netfs protocol
  { type: "netfs", path: "/p", host: "h", exportPath: "/e", format: "ext4" },
  // @ts-expect-error a logical pool's path is libvirt's
  { type: "logical", path: "/p" },
];

describe("StoragePoolArgs: the type agrees with check", () => {
  it("what the type accepts, check accepts", async () => {
    for (const args of accepted)
      assert.deepEqual(
        (await handler("StoragePool").check({}, { name: "p", ...args, connection: conn })).failures,
        [],
        JSON.stringify(args),
      );
  });
  it("what the type refuses, check refuses", async () => {
    for (const args of refused)
      assert.ok((await handler("StoragePool").check({}, { name: "p", ...args, connection: conn })).failures?.length, JSON.stringify(args));
  });
});
