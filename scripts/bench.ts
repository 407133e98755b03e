/**
 * Benchmark: 100 domain look-ups + XML reads against test host A, three ways:
 *   (a) this project's RPC client over one SSH channel (sequential, then pipelined);
 *   (b) libvirt's C client over one SSH connection (`virsh -c qemu+ssh://…`, all
 *       commands fed to one interactive session on stdin);
 *   (c) one `ssh … virsh dumpxml` process per call.
 * The last line is the machine-readable summary.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ConnectionPool, DomainUndefineFlags, LibvirtConnection } from "../provider/libvirt";
import { sshEndpoint } from "../test/integration/support/endpoints";
import { guestDomainXml } from "../test/integration/support/guestXml";
import { testHosts, TestHost } from "../test/integration/support/hosts";
import { sshWrapper, virshSession } from "./virshSession";

const COUNT = 100;
const PREFIX = "pkvm-bench-";
const run = promisify(execFile);

function names(): string[] {
  return Array.from({ length: COUNT }, (_, i) => `${PREFIX}${String(i).padStart(3, "0")}`);
}

async function timed(label: string, fn: () => Promise<number>): Promise<number> {
  const start = process.hrtime.bigint();
  const bytes = await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`${label.padEnd(52)} ${ms.toFixed(0).padStart(7)} ms  (${(ms / COUNT).toFixed(2)} ms/call, ${bytes} bytes of XML)`);
  return ms;
}

async function sequentialClient(conn: LibvirtConnection): Promise<number> {
  let bytes = 0;
  for (const name of names()) bytes += (await conn.domains.xmlDesc(await conn.domains.lookupByName(name))).length;
  return bytes;
}

async function freshClient(host: TestHost): Promise<number> {
  const pool = new ConnectionPool();
  try {
    return await pool.use(sshEndpoint(host), sequentialClient);
  } finally {
    await pool.closeAll();
  }
}

async function pipelinedClient(conn: LibvirtConnection): Promise<number> {
  const xmls = await Promise.all(names().map(async (n) => conn.domains.xmlDesc(await conn.domains.lookupByName(n))));
  return xmls.reduce((sum, x) => sum + x.length, 0);
}

const virshDumps = (host: TestHost, wrapper: string): Promise<number> =>
  virshSession(
    host,
    wrapper,
    names().map((n) => `dumpxml ${n}`),
  );

async function execPerCall(host: TestHost, wrapper: string): Promise<number> {
  let bytes = 0;
  for (const name of names()) {
    const { stdout } = await run(
      wrapper,
      ["-p", String(host.port), `${host.user}@${host.host}`, "virsh", "-c", host.uri, "dumpxml", name],
      {
        maxBuffer: 1 << 24,
      },
    );
    bytes += stdout.length;
  }
  return bytes;
}

async function main(): Promise<void> {
  const host = testHosts().a;
  const pool = new ConnectionPool();
  const dir = mkdtempSync(join(tmpdir(), "pkvm-bench-"));
  try {
    const conn = (await pool.acquire(sshEndpoint(host))).connection;
    await cleanup(conn);
    await Promise.all(names().map((n) => conn.domains.define(guestDomainXml(host, n, "default"))));
    console.log(`bench: ${COUNT} domains defined on host A (${host.user}@${host.host}:${host.port})`);
    const wrapper = sshWrapper(dir, host);

    await sequentialClient(conn); // warm the daemon's caches for every contender alike
    // Like the virsh session below, (a) opens its own SSH connection and runs
    // the calls one after another, so the two compare like for like.
    const clientMs = await timed("(a) pulumi-kvm client: connect + sequential calls", () => freshClient(host));
    await timed("    same, on the open connection, pipelined", () => pipelinedClient(conn));
    const virshMs = await timed("(b) libvirt C client: connect + one virsh session", () => virshDumps(host, wrapper));
    const execMs = await timed("(c) one ssh + virsh exec per call", () => execPerCall(host, wrapper));
    await cleanup(conn);

    console.log(
      `bench: client_ms=${clientMs.toFixed(0)} virsh_c_ms=${virshMs.toFixed(0)} exec_ms=${execMs.toFixed(0)} ` +
        `client_over_virsh_c=${(clientMs / virshMs).toFixed(2)} exec_over_client=${(execMs / clientMs).toFixed(1)}`,
    );
  } finally {
    await pool.closeAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function cleanup(conn: LibvirtConnection): Promise<void> {
  const doms = (await conn.domains.listAll()).filter((d) => d.name.startsWith(PREFIX));
  await Promise.all(doms.map((d) => conn.domains.undefine(d, DomainUndefineFlags.Nvram)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
