import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sharedConnectionPool } from "../../../provider/libvirt";
import { Problems } from "../../../provider/resources/common/problems";
import { replacedBy } from "../../../provider/resources/common/fieldTable";
import { handler } from "../../../provider/resources/runtime";
import { volumeFields } from "../../../provider/resources/volume/fields";
import { formatMismatch, parseSource, QCOW2_MAGIC } from "../../../provider/resources/volume/sources";
import { conn } from "../../support/badInputCases";

const dir = mkdtempSync(join(tmpdir(), "pkvm-vsrc-"));
const rawFile = join(dir, "disk.raw");
const qcowFile = join(dir, "disk.qcow2");
writeFileSync(rawFile, Buffer.alloc(4096, 1));
writeFileSync(qcowFile, Buffer.concat([QCOW2_MAGIC, Buffer.alloc(4092)]));
const sha = "ab".repeat(32);
const base = { pool: "default", name: "v", format: "raw", connection: conn };

describe("Volume source validation", () => {
  const bad: Array<{ title: string; inputs: Record<string, unknown>; property: string; rule: RegExp }> = [
    { title: "source that is not an object", inputs: { ...base, source: "disk.raw" }, property: "source", rule: /exactly one/ },
    { title: "source with no kind", inputs: { ...base, source: { sha256: sha } }, property: "source", rule: /found none/ },
    {
      title: "source with two kinds",
      inputs: { ...base, source: { localPath: rawFile, url: "http://x/y" } },
      property: "source",
      rule: /found localPath, url/,
    },
    {
      title: "relative local path",
      inputs: { ...base, source: { localPath: "disk.raw" } },
      property: "source.localPath",
      rule: /absolute/,
    },
    {
      title: "local path that does not exist",
      inputs: { ...base, source: { localPath: join(dir, "nope") } },
      property: "source.localPath",
      rule: /does not exist/,
    },
    {
      title: "local path that is a directory",
      inputs: { ...base, source: { localPath: dir } },
      property: "source.localPath",
      rule: /regular file/,
    },
    { title: "ftp URL", inputs: { ...base, source: { url: "ftp://x/disk.raw" } }, property: "source.url", rule: /http/ },
    { title: "URL that does not parse", inputs: { ...base, source: { url: "not a url" } }, property: "source.url", rule: /http/ },
    {
      title: "short sha256",
      inputs: { ...base, source: { localPath: rawFile, sha256: "abc" } },
      property: "source.sha256",
      rule: /64 hex/,
    },
    {
      title: "sha256 on a clone",
      inputs: { ...base, source: { cloneOf: "/p/a.raw", sha256: sha } },
      property: "source.sha256",
      rule: /only applies/,
    },
    { title: "empty cloneOf", inputs: { ...base, source: { cloneOf: "" } }, property: "source.cloneOf", rule: /key or path/ },
    { title: "raw overlay", inputs: { ...base, source: { backingVolume: "/p/base.qcow2" } }, property: "format", rule: /qcow2/ },
    {
      title: "qcow2 format for raw bytes",
      inputs: { ...base, format: "qcow2", source: { localPath: rawFile } },
      property: "format",
      rule: /not a qcow2 image/,
    },
    {
      title: "raw format for a qcow2 image",
      inputs: { ...base, source: { localPath: qcowFile } },
      property: "format",
      rule: /is a qcow2 image/,
    },
    {
      title: "unknown source field",
      inputs: { ...base, source: { url: "http://x/y", mirror: "z" } },
      property: "source.mirror",
      rule: /not a known/,
    },
    { title: "no capacity and no source", inputs: { ...base }, property: "capacity", rule: /required/ },
    ...[0, 3601, 1.5, "60", -1].map((timeoutSeconds) => ({
      title: `timeoutSeconds ${JSON.stringify(timeoutSeconds)}`,
      inputs: { ...base, source: { url: "http://x/y", timeoutSeconds } },
      property: "source.timeoutSeconds",
      rule: /^source\.timeoutSeconds must be a whole number from 1 to 3600$/,
    })),
    {
      title: "timeoutSeconds on a local path",
      inputs: { ...base, source: { localPath: rawFile, timeoutSeconds: 5 } },
      property: "source.timeoutSeconds",
      rule: /only applies to url sources/,
    },
  ];
  for (const c of bad) {
    it(`refuses ${c.title}, naming ${c.property}`, async () => {
      const result = await handler("Volume").check({}, c.inputs);
      const failure = result.failures?.find((f) => f.property === c.property);
      assert.ok(failure, `no failure names ${c.property}; got ${JSON.stringify(result.failures)}`);
      assert.match(failure.reason, c.rule);
      assert.equal(sharedConnectionPool().size, 0, "check contacted a host");
    });
  }

  it("accepts every kind of source, capacity optional", async () => {
    for (const source of [
      { localPath: rawFile, sha256: sha.toUpperCase() },
      { url: "https://images.example/disk.raw", sha256: sha },
      { cloneOf: "/var/lib/libvirt/images/a.raw" },
    ]) {
      const result = await handler("Volume").check({}, { ...base, source });
      assert.deepEqual(result.failures, [], JSON.stringify(source));
    }
    const overlay = await handler("Volume").check({}, { ...base, format: "qcow2", source: { backingVolume: "/p/base.qcow2" } });
    assert.deepEqual(overlay.failures, []);
    const qcow = await handler("Volume").check({}, { ...base, format: "qcow2", capacity: "1GiB", source: { localPath: qcowFile } });
    assert.deepEqual(qcow.failures, []);
  });

  it("defaults a URL's timeoutSeconds to 60 and keeps a given one", () => {
    const problems = new Problems();
    assert.deepEqual(parseSource(problems, { url: "http://x/y" }, "raw", true), {
      kind: "url",
      url: "http://x/y",
      sha256: undefined,
      timeoutSeconds: 60,
    });
    assert.equal(
      (parseSource(problems, { url: "http://x/y", timeoutSeconds: 3600 }, "raw", true) as { timeoutSeconds: number }).timeoutSeconds,
      3600,
    );
    assert.deepEqual(problems.all, []);
  });

  it("replaces the volume for a new URL, never for a new timeoutSeconds", () => {
    const parse = (source: Record<string, unknown>) => ({ source: parseSource(new Problems(), source, "raw", true) });
    const old = parse({ url: "http://x/y" });
    assert.deepEqual(replacedBy(volumeFields, old, parse({ url: "http://x/y", timeoutSeconds: 5 })), []);
    assert.deepEqual(replacedBy(volumeFields, old, parse({ url: "http://x/z", timeoutSeconds: 5 })), ["source"]);
    assert.deepEqual(replacedBy(volumeFields, old, parse({ url: "http://x/y", sha256: sha })), ["source"]);
    assert.deepEqual(replacedBy(volumeFields, old, parse({ localPath: rawFile })), ["source"]);
  });

  it("parses stored state whose local file is gone, so the volume can still be deleted", () => {
    const problems = new Problems();
    const source = parseSource(problems, { localPath: join(dir, "removed.raw"), sha256: sha }, "raw", false);
    assert.deepEqual(problems.all, []);
    assert.deepEqual(source, { kind: "localPath", localPath: join(dir, "removed.raw"), sha256: sha });
  });

  it("tells qcow2 bytes from raw ones by the magic", () => {
    assert.equal(formatMismatch("qcow2", QCOW2_MAGIC), undefined);
    assert.equal(formatMismatch("raw", Buffer.from("hello")), undefined);
    assert.match(formatMismatch("qcow2", Buffer.from("QFI")) ?? "", /not a qcow2/);
    assert.match(formatMismatch("raw", Buffer.concat([QCOW2_MAGIC, Buffer.alloc(8)])) ?? "", /is a qcow2 image/);
  });
});
