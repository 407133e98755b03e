import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildIso } from "../../../provider/resources/cloudInit/iso9660";

const S = 2048;
const files = [
  { name: "user-data", data: Buffer.from("#cloud-config\n#marker one\n") },
  { name: "meta-data", data: Buffer.from("instance-id: i1\nlocal-hostname: h1\n") },
  { name: "network-config", data: Buffer.alloc(5000, 0x41) },
];

/** Directory records of one directory sector: [identifier bytes, extent, size, flags]. */
function records(iso: Buffer, sector: number): Array<{ id: Buffer; extent: number; size: number; flags: number }> {
  const out = [];
  for (let at = sector * S; iso[at] > 0; at += iso[at]) {
    const len = iso[at + 32];
    out.push({
      id: iso.subarray(at + 33, at + 33 + len),
      extent: iso.readUInt32LE(at + 2),
      size: iso.readUInt32LE(at + 10),
      flags: iso[at + 25],
    });
    assert.equal(iso.readUInt32BE(at + 6), iso.readUInt32LE(at + 2), "extent both-endian");
    assert.equal(iso.readUInt32BE(at + 14), iso.readUInt32LE(at + 10), "size both-endian");
  }
  return out;
}

function hasTool(name: string): boolean {
  try {
    execFileSync("which", [name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("cloudInit: ISO 9660 writer", () => {
  const iso = buildIso("cidata", files);

  it("writes primary, Joliet and terminator descriptors at sectors 16-18", () => {
    assert.equal(iso.length % S, 0);
    // Room past the last file for readers that probe beyond it (busybox volume_id reads 68 KiB).
    assert.ok(iso.length >= 150 * S + 25 * S);
    assert.equal(iso.length % (512 * 1024), 0, "sizes step by 512 KiB so small edits need no resize");
    assert.deepEqual([iso[16 * S], iso[17 * S], iso[18 * S]], [1, 2, 255]);
    for (const s of [16, 17, 18]) assert.equal(iso.toString("ascii", s * S + 1, s * S + 6), "CD001");
    assert.equal(iso.toString("ascii", 16 * S + 40, 16 * S + 72).trimEnd(), "cidata");
    assert.equal(
      Buffer.from(iso.subarray(17 * S + 40, 17 * S + 52))
        .swap16()
        .toString("utf16le"),
      "cidata",
    );
    assert.equal(iso.toString("ascii", 17 * S + 88, 17 * S + 91), "%/E");
    for (const s of [16, 17]) {
      assert.equal(iso.readUInt32LE(s * S + 80), iso.length / S, "volume space size");
      assert.equal(iso.readUInt32BE(s * S + 84), iso.length / S);
      assert.equal(iso.readUInt16LE(s * S + 128), S);
    }
  });

  it("points both path tables of each descriptor at its root directory", () => {
    for (const s of [16, 17]) {
      const root = iso.readUInt32LE(s * S + 156 + 2);
      assert.equal(iso.readUInt32LE(iso.readUInt32LE(s * S + 140) * S + 2), root, "L table");
      assert.equal(iso.readUInt32BE(iso.readUInt32BE(s * S + 148) * S + 2), root, "M table");
    }
  });

  it("lists the files under Joliet names with their data", () => {
    const root = iso.readUInt32LE(17 * S + 156 + 2);
    const recs = records(iso, root);
    assert.deepEqual(
      recs.slice(0, 2).map((r) => [...r.id]),
      [[0], [1]],
    );
    const named = recs.slice(2).map((r) => ({ ...r, name: Buffer.from(r.id).swap16().toString("utf16le") }));
    assert.deepEqual(
      named.map((r) => r.name),
      ["meta-data", "network-config", "user-data"],
    );
    for (const r of named) {
      const want = files.find((f) => f.name === r.name)!.data;
      assert.deepEqual(iso.subarray(r.extent * S, r.extent * S + r.size), want);
    }
  });

  it("gives the primary directory unique level-1 names for the same data", () => {
    const root = iso.readUInt32LE(16 * S + 156 + 2);
    const names = records(iso, root)
      .slice(2)
      .map((r) => r.id.toString("ascii"));
    assert.deepEqual(names, ["META_DAT.;1", "NETWORK_.;1", "USER_DAT.;1"]);
    for (const n of names) assert.match(n, /^[A-Z0-9_]{1,8}\.[A-Z0-9_]{0,3};1$/);
  });

  it("is deterministic: equal content gives equal bytes, other content other bytes", () => {
    const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
    assert.equal(sha(buildIso("cidata", files)), sha(iso));
    assert.notEqual(sha(buildIso("cidata", [{ ...files[0], data: Buffer.from("#marker two\n") }, ...files.slice(1)])), sha(iso));
  });

  it("refuses bad names and duplicates", () => {
    assert.throws(() => buildIso("cidata", [{ name: "a/b", data: Buffer.alloc(0) }]), /a\/b/);
    assert.throws(() => buildIso("cidata", [files[0], files[0]]), /twice/);
  });

  (hasTool("xorriso") ? it : it.skip)("reads back with xorriso (Joliet names, label, content)", () => {
    const dir = mkdtempSync(join(tmpdir(), "pkvm-iso-"));
    try {
      const path = join(dir, "seed.iso");
      writeFileSync(path, iso);
      const out = execFileSync("xorriso", ["-indev", path, "-find", "/", "-exec", "lsdl"], {
        stdio: ["ignore", "pipe", "pipe"],
      }).toString();
      assert.match(out, /\s26 .*'\/user-data'/);
      assert.match(out, /\s35 .*'\/meta-data'/);
      assert.match(out, /\s5000 .*'\/network-config'/);
      execFileSync("xorriso", ["-osirrox", "on", "-indev", path, "-extract", "/user-data", join(dir, "u")], { stdio: "ignore" });
      assert.equal(execFileSync("cat", [join(dir, "u")]).toString(), files[0].data.toString());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
