import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer, IncomingMessage, request as httpRequest, Server } from "node:http";
import { createServer as createHttpsServer, Server as HttpsServer } from "node:https";
import { AddressInfo, connect, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { StoragePool, Volume, VolumeArgs } from "../../../provider";
import { ConnectionPool, LibvirtConnection } from "../../../provider/libvirt";
import { isNotFoundError } from "../../../provider/rpc";
import { EngineHarness, opsByName, stdoutOf, textOf } from "../../engine";
import { connectionTo } from "../support/connections";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";

const exec = promisify(execFile);
const { a } = testHosts();
const tag = `pkvm-vsrc-${process.pid % 100000}`;
const guestDir = process.env.KVM_TEST_GUEST_DIR ?? "";
const initrd = join(guestDir, "initrd.img");
const kernel = join(guestDir, "vmlinuz");

function sha256Of(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Serves the guest's files on 127.0.0.1, with a redirect, for `source.url`. */
function serveGuestFiles(): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === "/initrd.img") {
      res.writeHead(200, { "content-length": String(statSync(initrd).size) });
      res.end(readFileSync(initrd));
    } else if (req.url === "/chunked") {
      // No content-length: the size is known only at the end.
      res.writeHead(200);
      res.end(readFileSync(initrd));
    } else if (req.url === "/moved") {
      res.writeHead(302, { location: "/initrd.img" });
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** A forwarding HTTP proxy on 127.0.0.1 that records each request it carries: absolute-form GETs and CONNECT tunnels. */
async function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  // A tunnel's sockets leave the server's keeping: they are ended here, or close() would wait for them.
  const tunnels = new Set<Socket>();
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const upstream = httpRequest(req.url ?? "", { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host = "", port = ""] = (req.url ?? "").split(/:(?=\d+$)/);
    const upstream = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      tunnels.add(socket);
      socket.on("close", () => tunnels.delete(socket));
    }
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      for (const socket of tunnels) socket.destroy();
      return close(server);
    },
  };
}

/**
 * A server that accepts and then stalls: `/silent` never answers; `/stall` sends its
 * headers and the first 64 KiB of a 4 MiB body, then nothing more.
 */
function startStallingServer(): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === "/stall") {
      res.writeHead(200, { "content-length": String(4 * 1024 * 1024) });
      res.write(Buffer.alloc(64 * 1024, 7));
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function close(server: Server | HttpsServer): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Upload summaries reported on the console: volume name, MiB and MiB/s. */
function uploadRates(lines: string[]): string[] {
  return lines.flatMap((l) =>
    [...l.matchAll(/"([^"]+)": uploaded ([\d.]+) MiB in [\d.]+ s \(([\d.]+) MiB\/s\)/g)].map((m) => `${m[1]} ${m[2]} MiB at ${m[3]} MiB/s`),
  );
}

describe("Volume sources through the engine: uploads, URL, checksum, overlay, clone", function () {
  this.timeout(300_000);
  const stack = new EngineHarness();
  const direct = new ConnectionPool({ idleMs: 100 });
  let conn: LibvirtConnection;
  let server: Server;
  let baseUrl: string;
  const initrdSha = sha256Of(readFileSync(initrd));
  const kernelSha = sha256Of(readFileSync(kernel));

  /** SHA-256 of a volume's first `length` bytes (all of it when 0), read with libvirt directly. */
  async function volumeSha(key: string, length = 0n): Promise<string> {
    const hash = createHash("sha256");
    for await (const chunk of await conn.volumes.download(await conn.volumes.lookupByKey(key), 0n, length))
      hash.update(chunk as Uint8Array);
    return hash.digest("hex");
  }

  function program(opts: { upSource?: VolumeArgs["source"]; overlay?: boolean } = {}) {
    return () => {
      const c = connectionTo(a);
      const pool = new StoragePool("pool", { name: `${tag}-pool`, path: `/var/lib/libvirt/images/${tag}-pool`, connection: c });
      const up = new Volume("up", {
        pool: pool.name,
        name: "up.raw",
        format: "raw",
        capacity: "4MiB",
        source: opts.upSource ?? { localPath: initrd },
        connection: c,
      });
      const web = new Volume("web", {
        pool: pool.name,
        name: "web.raw",
        format: "raw",
        source: { url: `${baseUrl}/moved`, sha256: initrdSha },
        connection: c,
      });
      const base = new Volume("base", { pool: pool.name, name: "base.raw", format: "raw", source: { localPath: kernel }, connection: c });
      const clone = new Volume("clone", {
        pool: pool.name,
        name: "clone.raw",
        format: "raw",
        source: { cloneOf: base.key },
        connection: c,
      });
      const overlay =
        opts.overlay === false
          ? undefined
          : new Volume("overlay", { pool: pool.name, name: "overlay.qcow2", source: { backingVolume: base.path }, connection: c });
      return {
        upKey: up.key,
        upSha: up.sha256,
        upCapacity: up.capacityBytes,
        webKey: web.key,
        webSha: web.sha256,
        baseKey: base.key,
        basePath: base.path,
        baseCapacity: base.capacityBytes,
        cloneKey: clone.key,
        overlayKey: overlay?.key,
        overlayCapacity: overlay?.capacityBytes,
      };
    };
  }

  before(async () => {
    assert.ok(guestDir, "KVM_TEST_GUEST_DIR is not set");
    conn = (await direct.acquire(sshEndpoint(a))).connection;
    server = await serveGuestFiles();
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await stack.destroy();
    await direct.closeAll();
    await new Promise((resolve) => server.close(resolve));
  });

  it("uploads from a local path and a URL, clones, and overlays, with checksums that match the files", async () => {
    const up = await stack.up(program());
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { pool: "create", up: "create", web: "create", base: "create", clone: "create", overlay: "create" });
    const x = up.exports;
    const size = BigInt(statSync(initrd).size);

    assert.equal(x.upSha, initrdSha);
    assert.equal(x.upCapacity, 4 * 1024 * 1024, "declared capacity larger than the file is kept");
    assert.equal(await volumeSha(textOf(x.upKey), size), initrdSha);

    assert.equal(x.webSha, initrdSha);
    assert.equal(
      (await conn.volumes.info(await conn.volumes.lookupByKey(textOf(x.webKey)))).capacity,
      size,
      "capacity follows the download",
    );
    assert.equal(await volumeSha(textOf(x.webKey)), initrdSha);

    assert.equal(await volumeSha(textOf(x.baseKey)), kernelSha);
    assert.equal(await volumeSha(textOf(x.cloneKey)), kernelSha, "the clone equals its source");

    const overlayXml = await conn.volumes.xmlDesc(await conn.volumes.lookupByKey(textOf(x.overlayKey)));
    assert.match(overlayXml, new RegExp(`<backingStore>\\s*<path>${textOf(x.basePath)}</path>\\s*<format type='raw'/>`));
    assert.match(overlayXml, /<format type='qcow2'\/>/);
    // qcow2 rounds a size up to whole 512-byte sectors.
    const overlayCapacity = Number(x.overlayCapacity);
    const baseCapacity = Number(x.baseCapacity);
    const extra = overlayCapacity - baseCapacity;
    assert.ok(extra >= 0 && extra < 512, `the overlay's capacity ${overlayCapacity} is not the base's ${baseCapacity}`);

    const rates = uploadRates(stdoutOf(up));
    assert.equal(rates.length, 3, stdoutOf(up).join("\n"));
    console.log(`      uploads: ${rates.join("; ")}`);
    assert.ok(
      stdoutOf(up).some((l) => /base\.raw.*uploaded [\d.]+ MiB \(\d+%\)/.test(l)),
      "no progress lines during the upload",
    );

    const again = await stack.up(program());
    assert.deepEqual(again.errors, []);
    assert.ok(
      Object.values(opsByName(again)).every((op) => op === "same"),
      JSON.stringify(opsByName(again)),
    );
  });

  it("replaces a volume whose source changed, naming source, and leaves the base intact when its overlay goes", async () => {
    const changed = program({ upSource: { url: `${baseUrl}/initrd.img` }, overlay: false });
    const preview = await stack.preview(changed);
    assert.deepEqual(preview.errors, []);
    const step = preview.steps.find((s) => s.name === "up");
    assert.equal(step?.op, "replace");
    assert.deepEqual(step?.replaces, ["source"]);

    const up = await stack.up(changed);
    assert.deepEqual(up.errors, []);
    assert.equal(opsByName(up).up, "replace");
    assert.equal(opsByName(up).overlay, "delete");
    assert.equal(up.exports.upSha, initrdSha);
    assert.equal(await volumeSha(textOf(up.exports.baseKey)), kernelSha, "the base changed");
  });

  it("uploads a qcow2 image byte for byte, its capacity at least the image's virtual size", async () => {
    const image = join(mkdtempSync(join(tmpdir(), "pkvm-vsrc-")), "disk.qcow2");
    // qemu-img comes with the test hosts (qemu-utils): its absence is a failure, not a reason to skip.
    await exec("qemu-img", ["create", "-q", "-f", "qcow2", image, "32M"]);
    const imageSha = sha256Of(readFileSync(image));
    const other = new EngineHarness();
    try {
      const program = () => {
        const c = connectionTo(a);
        const small = new Volume("small", {
          pool: `${tag}-pool`,
          name: "small.qcow2",
          capacity: "16MiB",
          source: { localPath: image },
          connection: c,
        });
        const big = new Volume("big", {
          pool: `${tag}-pool`,
          name: "big.qcow2",
          capacity: "64MiB",
          source: { localPath: image },
          connection: c,
        });
        return {
          smallKey: small.key,
          smallCap: small.capacityBytes,
          smallFmt: small.format,
          bigCap: big.capacityBytes,
          bigSha: big.sha256,
        };
      };
      const up = await other.up(program);
      assert.deepEqual(up.errors, []);
      assert.equal(up.exports.smallCap, 32 * 1024 * 1024, "the image's virtual size wins over a smaller declared capacity");
      assert.equal(up.exports.smallFmt, "qcow2");
      assert.equal(await volumeSha(textOf(up.exports.smallKey)), imageSha);
      assert.equal(up.exports.bigCap, 64 * 1024 * 1024, "a larger declared capacity grows the image");
      assert.equal(up.exports.bigSha, imageSha);
      const again = await other.up(program);
      assert.deepEqual(opsByName(again), { small: "same", big: "same" });
    } finally {
      await other.destroy();
    }
  });

  it("fails on a wrong sha256, naming source.sha256, and leaves no volume", async () => {
    const other = new EngineHarness();
    const wrong = "0".repeat(64);
    const run = await other.up(() => {
      const v = new Volume("bad", {
        pool: `${tag}-pool`,
        name: "bad.raw",
        format: "raw",
        source: { localPath: initrd, sha256: wrong },
        connection: connectionTo(a),
      });
      return { key: v.key };
    });
    try {
      const message = run.errors.map((e) => e.message).join("\n");
      assert.match(message, /source\.sha256: expected 0{64} but the uploaded data has [0-9a-f]{64}/);
      assert.ok(message.includes(initrdSha), message);
      const pool = await conn.pools.lookupByName(`${tag}-pool`);
      await conn.pools.refresh(pool);
      await assert.rejects(conn.volumes.lookupByName(pool, "bad.raw"), (e: unknown) => isNotFoundError(e));
      assert.equal(other.state.resources.filter((r) => r.type.endsWith("Volume")).length, 0, "a failed upload stayed in state");
    } finally {
      await other.destroy();
    }
  });

  it("refuses a qcow2 format for raw bytes, a 404 URL, an unsized download without capacity, and a small overlay", async () => {
    const other = new EngineHarness({ continueOnError: true });
    const basePath = textOf(stack.state.resources.find((r) => r.urn.endsWith("::base"))?.outputs.path);
    const run = await other.up(() => {
      const c = connectionTo(a);
      new Volume("unsized", {
        pool: `${tag}-pool`,
        name: "unsized.raw",
        format: "raw",
        source: { url: `${baseUrl}/chunked` },
        connection: c,
      });
      const sized = new Volume("sized", {
        pool: `${tag}-pool`,
        name: "sized.raw",
        format: "raw",
        capacity: "4MiB",
        source: { url: `${baseUrl}/chunked` },
        connection: c,
      });
      new Volume("smallOverlay", {
        pool: `${tag}-pool`,
        name: "so.qcow2",
        capacity: "1MiB",
        source: { backingVolume: basePath },
        connection: c,
      });
      new Volume("notQcow", { pool: `${tag}-pool`, name: "nq.qcow2", source: { localPath: initrd }, connection: c });
      new Volume("missing", { pool: `${tag}-pool`, name: "missing.raw", format: "raw", source: { url: `${baseUrl}/nope` }, connection: c });
      return { sizedSha: sized.sha256 };
    });
    try {
      const text = JSON.stringify([run.errors, run.failures]);
      assert.match(text, /format.*not a qcow2 image/);
      assert.match(text, /source\.url .*404/);
      assert.match(text, /capacity: required because source\.url .*chunked does not tell its size/);
      assert.match(text, /capacity: 1048576 bytes is smaller than the backing volume's \d+ bytes/);
      assert.equal(opsByName(run).sized, "create");
      assert.equal(run.exports.sizedSha, initrdSha);
      const pool = await conn.pools.lookupByName(`${tag}-pool`);
      for (const name of ["nq.qcow2", "missing.raw", "unsized.raw", "so.qcow2"])
        await assert.rejects(conn.volumes.lookupByName(pool, name), (e: unknown) => isNotFoundError(e), `${name} was left behind`);
    } finally {
      await other.destroy();
    }
  });
  /** Fails unless no volume of these names is on the host. */
  async function assertNoVolumes(names: string[]): Promise<void> {
    const pool = await conn.pools.lookupByName(`${tag}-pool`);
    await conn.pools.refresh(pool);
    for (const name of names)
      await assert.rejects(conn.volumes.lookupByName(pool, name), (e: unknown) => isNotFoundError(e), `${name} was left behind`);
  }

  describe("through the proxy the environment names", () => {
    let proxy: Awaited<ReturnType<typeof startProxy>>;
    let direct: Server;
    let directUrl: string;
    const directSeen: string[] = [];

    before(async () => {
      proxy = await startProxy();
      direct = await serveGuestFiles();
      direct.on("request", (req: IncomingMessage) => directSeen.push(`${req.method} ${req.url}`));
      directUrl = `http://127.0.0.1:${(direct.address() as AddressInfo).port}`;
    });

    after(async () => {
      await proxy.close();
      await close(direct);
    });

    /**
     * A stack whose provider host gets the proxy settings in its environment, where the fetch
     * reads them. Upper-case names: gRPC (which carries the engine's calls to the host) reads
     * only the lower-case ones, and must not be sent through the test's proxy.
     */
    function proxied(env: Record<string, string>): EngineHarness {
      return new EngineHarness({ env: { HTTP_PROXY: proxy.url, ...env } });
    }

    it("fetches a URL, its redirect too, through HTTP_PROXY in absolute form, with the right content; a new timeoutSeconds replaces nothing", async () => {
      const other = proxied({});
      proxy.seen.length = 0;
      const program = (timeoutSeconds: number) => () => {
        const v = new Volume("viaProxy", {
          pool: `${tag}-pool`,
          name: "via-proxy.raw",
          format: "raw",
          source: { url: `${baseUrl}/moved`, sha256: initrdSha, timeoutSeconds },
          connection: connectionTo(a),
        });
        return { key: v.key, sha: v.sha256 };
      };
      try {
        const run = await other.up(program(30));
        assert.deepEqual(run.errors, []);
        assert.deepEqual(proxy.seen, [`GET ${baseUrl}/moved`, `GET ${baseUrl}/initrd.img`], "the proxy did not carry both requests");
        assert.equal(run.exports.sha, initrdSha);
        assert.equal(await volumeSha(textOf(run.exports.key)), initrdSha);

        // How long a download may wait is no part of the content: changing it fetches nothing again.
        const again = await other.up(program(45));
        assert.deepEqual(again.errors, []);
        assert.notEqual(opsByName(again).viaProxy, "replace");
        assert.equal(again.exports.key, run.exports.key);
        assert.equal(again.exports.sha, initrdSha);
        assert.equal(proxy.seen.length, 2, "the URL was fetched again");
      } finally {
        await other.destroy();
      }
    });

    it("fetches an https URL through HTTPS_PROXY by a CONNECT tunnel, the server's certificate checked", async () => {
      // A certificate for 127.0.0.1, which the provider host trusts through NODE_EXTRA_CA_CERTS.
      const dir = mkdtempSync(join(tmpdir(), "pkvm-vsrc-tls-"));
      const [key, cert] = [join(dir, "key.pem"), join(dir, "cert.pem")];
      await exec(
        "openssl",
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"].concat([
          "-addext",
          "subjectAltName=IP:127.0.0.1",
          "-keyout",
          key,
          "-out",
          cert,
        ]),
      );
      const secure = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
        res.writeHead(req.url === "/initrd.img" ? 200 : 404, { "content-length": String(statSync(initrd).size) });
        res.end(req.url === "/initrd.img" ? readFileSync(initrd) : undefined);
      });
      await new Promise<void>((resolve) => secure.listen(0, "127.0.0.1", resolve));
      const port = (secure.address() as AddressInfo).port;
      const other = new EngineHarness({ env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: cert } });
      proxy.seen.length = 0;
      try {
        const run = await other.up(() => {
          const v = new Volume("tunnelled", {
            pool: `${tag}-pool`,
            name: "tunnelled.raw",
            format: "raw",
            source: { url: `https://127.0.0.1:${port}/initrd.img`, sha256: initrdSha },
            connection: connectionTo(a),
          });
          return { key: v.key, sha: v.sha256 };
        });
        assert.deepEqual(run.errors, []);
        assert.deepEqual(proxy.seen, [`CONNECT 127.0.0.1:${port}`]);
        assert.equal(run.exports.sha, initrdSha);
        assert.equal(await volumeSha(textOf(run.exports.key)), initrdSha);
      } finally {
        await other.destroy();
        await close(secure);
      }
    });

    it("goes around the proxy for a host and port NO_PROXY lists, loopback included only when listed", async () => {
      const directPort = new URL(directUrl).port;
      const other = proxied({ NO_PROXY: `images.example.invalid, 127.0.0.1:${directPort}` });
      proxy.seen.length = 0;
      directSeen.length = 0;
      try {
        const run = await other.up(() => {
          const c = connectionTo(a);
          const around = new Volume("around", {
            pool: `${tag}-pool`,
            name: "around.raw",
            format: "raw",
            source: { url: `${directUrl}/initrd.img`, sha256: initrdSha },
            connection: c,
          });
          const through = new Volume("through", {
            pool: `${tag}-pool`,
            name: "through.raw",
            format: "raw",
            source: { url: `${baseUrl}/initrd.img`, sha256: initrdSha },
            connection: c,
          });
          return { around: around.sha256, through: through.sha256 };
        });
        assert.deepEqual(run.errors, []);
        assert.deepEqual(run.exports, { around: initrdSha, through: initrdSha });
        assert.deepEqual(directSeen, ["GET /initrd.img"], "the listed server was not asked directly, in origin form");
        assert.deepEqual(proxy.seen, [`GET ${baseUrl}/initrd.img`], "the proxy did not carry exactly the unlisted URL");
      } finally {
        await other.destroy();
      }
    });
  });

  it("fails a URL that stalls after timeoutSeconds, naming the URL, the limit and what stalled, and leaves no volume", async () => {
    const stalling = await startStallingServer();
    const stallUrl = `http://127.0.0.1:${(stalling.address() as AddressInfo).port}`;
    const other = new EngineHarness({ continueOnError: true });
    try {
      const started = Date.now();
      const run = await other.up(() => {
        const c = connectionTo(a);
        for (const [name, path] of [
          ["midway", "stall"],
          ["silent", "silent"],
        ])
          new Volume(name, {
            pool: `${tag}-pool`,
            name: `${name}.raw`,
            format: "raw",
            source: { url: `${stallUrl}/${path}`, timeoutSeconds: 1 },
            connection: c,
          });
      });
      const elapsed = Date.now() - started;
      const text = JSON.stringify(run.errors);
      assert.match(text, new RegExp(`source\\.url ${stallUrl}/stall: no data for 1 s`), text);
      assert.match(text, new RegExp(`source\\.url ${stallUrl}/silent: no response within 1 s`), text);
      assert.ok(elapsed < 60_000, `the stalled downloads took ${elapsed} ms to fail`);
      await assertNoVolumes(["midway.raw", "silent.raw"]);
      assert.equal(other.state.resources.filter((r) => r.type.endsWith("Volume")).length, 0, "a failed download stayed in state");
    } finally {
      await other.destroy();
      await close(stalling);
    }
  });
});
