/**
 * Upload benchmark: one file of random (incompressible) bytes sent to test host A, the ways
 * taking turns so that a busy machine slows each alike. Each is timed from before its SSH
 * connection to the last byte stored, so each pays one connect:
 *   (a) `scp` into the test user's home folder, with OpenSSH's default cipher choice, as a
 *       user gets it (the yardstick: `upload_over_scp`);
 *   (a') the same `scp` made to use the cipher the provider's SSH library picks, which tells
 *       the cipher's share of any difference apart from the rest (`…_same_cipher`);
 *   (b) this project's libvirt client: a fresh connection, volume create, the file pumped
 *       into its upload stream (the libvirt layer alone: `upload_mib_s`);
 *   (c) a `Volume` with `source: { localPath }` through the engine: its Create call, which
 *       connects, opens the file, hashes and uploads it, and reads the volume back
 *       (`resource_upload_mib_s`).
 * Each way runs `--rounds` times (3 by default); the lines report the median of each, the
 * best beside it. The last line is the machine-readable summary. Needs `npm run build`
 * first: the engine's provider host loads the built provider.
 *
 *   npx tsx scripts/uploadBench.ts [MiB] [--rounds N]
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { StoragePool, Volume } from "../provider";
import { ConnectionPool, LibvirtConnection, VolumeRef } from "../provider/libvirt";
import { buildVolumeXml } from "../provider/xml";
import { EngineHarness } from "../test/engine";
import { configFor } from "../test/integration/support/connections";
import { sshEndpoint } from "../test/integration/support/endpoints";
import { testHosts, TestHost } from "../test/integration/support/hosts";
import { sshWrapper } from "./virshSession";

const run = promisify(execFile);
const MiB = 1024 * 1024;
const POOL = "pkvm-upload-pool";
const VOLUME = "pkvm-upload.raw";
/** Relative to the test user's home: the host's /tmp is not writable by it; the home is on the pool's disk. */
const SCP_TARGET = "pkvm-upload-bench.raw";
/** The read size `openSource` uses for a `localPath`. */
const READ_BYTES = MiB;

/** Writes `mib` MiB of random bytes to `path`, a few MiB at a time. */
function randomFile(path: string, mib: number): void {
  const fd = openSync(path, "w");
  try {
    const block = Buffer.allocUnsafe(4 * MiB);
    for (let left = mib * MiB; left > 0; left -= block.length) writeSync(fd, randomFillSync(block), 0, Math.min(left, block.length));
  } finally {
    closeSync(fd);
  }
}

/** Milliseconds `fn` took. */
async function timed(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * (a) scp, with `-v` so that its SSH layer names the cipher it negotiated; the copy is removed
 * after. `cipher` overrides OpenSSH's choice (to compare at the provider's cipher).
 */
async function scp(host: TestHost, wrapper: string, file: string, cipher?: string): Promise<{ ms: number; cipher: string }> {
  let stderr = "";
  const login = `${host.user}@${host.host}`;
  const choice = cipher === undefined ? [] : ["-c", cipher];
  const ms = await timed(async () => {
    ({ stderr } = await run("scp", ["-v", ...choice, "-S", wrapper, "-P", String(host.port), file, `${login}:${SCP_TARGET}`], {
      maxBuffer: 1 << 24,
    }));
  });
  await run(wrapper, ["-p", String(host.port), login, "rm", "-f", SCP_TARGET]);
  return { ms, cipher: /kex: client->server cipher: (\S+)/.exec(stderr)?.[1] ?? "?" };
}

/**
 * The client-to-server cipher the transport negotiates with `host` when left to its defaults:
 * read off the transport's own debug line for the handshake, on a link opened (host key
 * checked) the way the measured paths open theirs.
 */
async function transportCipher(host: TestHost): Promise<string> {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  const saved = process.env.PULUMI_KVM_DEBUG;
  process.env.PULUMI_KVM_DEBUG = "transport";
  process.stderr.write = (chunk: string | Uint8Array) => lines.push(String(chunk)) > 0;
  const pool = new ConnectionPool();
  try {
    await pool.use(sshEndpoint(host), async () => undefined);
  } finally {
    process.stderr.write = write;
    if (saved === undefined) delete process.env.PULUMI_KVM_DEBUG;
    else process.env.PULUMI_KVM_DEBUG = saved;
    await pool.closeAll();
  }
  const cipher = lines.map((l) => /cipher (\S+?),/.exec(l)?.[1]).find((c) => c !== undefined);
  if (cipher === undefined) throw new Error("the transport's debug log named no cipher");
  return cipher;
}

async function createVolume(conn: LibvirtConnection, bytes: number): Promise<VolumeRef> {
  const pool = await conn.pools.lookupByName(POOL);
  const xml = buildVolumeXml({ name: VOLUME, capacity: { value: bytes, unit: "bytes" }, target: { format: "raw" } });
  return conn.volumes.create(pool, xml);
}

/** (b) The libvirt layer: a fresh connection, volume create, the file pumped into the upload stream. */
async function rawUpload(host: TestHost, file: string, bytes: number): Promise<number> {
  const pool = new ConnectionPool();
  let volume: VolumeRef | undefined;
  try {
    return await timed(() =>
      pool.use(sshEndpoint(host), async (conn) => {
        volume = await createVolume(conn, bytes);
        const stream = await conn.volumes.upload(volume, 0n, BigInt(bytes));
        await stream.pump(createReadStream(file, { highWaterMark: READ_BYTES }));
      }),
    );
  } finally {
    // Also after a failure: the stack's pool cannot be deleted with a volume left in it.
    if (volume !== undefined) await pool.use(sshEndpoint(host), (conn) => conn.volumes.delete(volume as VolumeRef));
    await pool.closeAll();
  }
}

/** The stack's program: the pool, and the uploaded volume when `file` is given. */
function program(file?: string): () => void {
  return () => {
    const pool = new StoragePool("pool", { name: POOL, path: `/var/lib/libvirt/images/${POOL}` });
    if (file !== undefined) new Volume("vol", { pool: pool.name, name: VOLUME, format: "raw", source: { localPath: file } });
  };
}

/** (c) The resource: the volume's Create call in an `up`; the next `up` (untimed) deletes it. */
async function resourceUpload(stack: EngineHarness, file: string): Promise<number> {
  const up = await stack.up(program(file));
  assert.deepEqual(up.errors, [], "the volume's create failed");
  const create = up.calls.find((c) => c.method === "Create" && c.name === "vol");
  assert.ok(create?.end !== undefined, "no Create call for the volume");
  const removed = await stack.up(program());
  assert.deepEqual(removed.errors, [], "the volume's delete failed");
  return create.end - create.start;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** MiB/s of `mib` sent in each of `ms`: the median and the best. */
function rates(mib: number, ms: readonly number[]): { median: number; best: number } {
  const each = ms.map((m) => mib / (m / 1000));
  return { median: median(each), best: Math.max(...each) };
}

function parseArgs(args: string[]): { mib: number; rounds: number } {
  const at = args.indexOf("--rounds");
  const rounds = at >= 0 ? Number(args.splice(at, 2)[1]) : 3;
  const mib = args.length > 0 ? Number(args[0]) : 256;
  if (!Number.isInteger(rounds) || rounds < 2) throw new Error("--rounds needs a whole number of at least 2");
  if (!Number.isInteger(mib) || mib < 1 || args.length > 1) throw new Error(`usage: uploadBench.ts [MiB] [--rounds N]`);
  return { mib, rounds };
}

async function main(): Promise<void> {
  const host = testHosts().a;
  const { mib, rounds } = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), "pkvm-upload-"));
  const stack = new EngineHarness({ config: configFor(host) });
  try {
    const file = join(dir, "random.raw");
    randomFile(file, mib);
    const wrapper = sshWrapper(dir, host);
    const providerCipher = await transportCipher(host);
    assert.deepEqual((await stack.up(program())).errors, [], "the pool's create failed");
    const ms: Record<"scp" | "scpSame" | "raw" | "resource", number[]> = { scp: [], scpSame: [], raw: [], resource: [] };
    let scpCipher = "?";
    for (let round = 1; round <= rounds; round++) {
      const copied = await scp(host, wrapper, file);
      scpCipher = copied.cipher;
      ms.scp.push(copied.ms);
      ms.scpSame.push((await scp(host, wrapper, file, providerCipher)).ms);
      ms.raw.push(await rawUpload(host, file, mib * MiB));
      ms.resource.push(await resourceUpload(stack, file));
      const last = (m: number[]): string => (mib / (m[m.length - 1] / 1000)).toFixed(1);
      console.log(
        `upload: round ${round}/${rounds} MiB/s: scp ${last(ms.scp)}, scp at ${providerCipher} ${last(ms.scpSame)}, ` +
          `libvirt upload ${last(ms.raw)}, Volume create ${last(ms.resource)}`,
      );
    }
    const r = { scp: rates(mib, ms.scp), scpSame: rates(mib, ms.scpSame), raw: rates(mib, ms.raw), resource: rates(mib, ms.resource) };
    const both = (x: { median: number; best: number }): string => `${x.median.toFixed(1)} (${x.best.toFixed(1)})`;
    console.log(
      `upload: ciphers scp=${scpCipher} provider=${providerCipher}; MiB/s, median of ${rounds} (best): scp ${both(r.scp)}, ` +
        `scp at the provider's cipher ${both(r.scpSame)}, libvirt upload ${both(r.raw)}, Volume create ${both(r.resource)}`,
    );
    console.log(
      `upload: mib=${mib} rounds=${rounds} stat=median scp_mib_s=${r.scp.median.toFixed(1)} ` +
        `upload_mib_s=${r.raw.median.toFixed(1)} resource_upload_mib_s=${r.resource.median.toFixed(1)} ` +
        `upload_over_scp=${(r.raw.median / r.scp.median).toFixed(2)} resource_over_scp=${(r.resource.median / r.scp.median).toFixed(2)} ` +
        `scp_same_cipher_mib_s=${r.scpSame.median.toFixed(1)} upload_over_scp_same_cipher=${(r.raw.median / r.scpSame.median).toFixed(2)}`,
    );
  } finally {
    await stack.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
