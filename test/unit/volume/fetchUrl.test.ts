import assert from "node:assert/strict";
import { createServer, IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { fetchUrl } from "../../../provider/resources/volume/fetchUrl";
import { openSource } from "../../../provider/resources/volume/openSource";

/** An in-process server on 127.0.0.1; `onConnect` answers CONNECT requests (as a proxy). */
async function listen(
  onRequest: Parameters<typeof createServer>[1],
  onConnect?: (url: string, headers: IncomingHttpHeaders, socket: Socket) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer(onRequest);
  server.on("connection", (s: Socket) => sockets.add(s));
  if (onConnect) server.on("connect", (req, socket: Socket) => onConnect(req.url ?? "", req.headers, socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe("fetching a source URL", () => {
  it("sends an http URL to the proxy in absolute form, with the proxy's credentials", async () => {
    const seen: Array<{ url?: string; auth?: string }> = [];
    const proxy = await listen((req, res) => {
      seen.push({ url: req.url, auth: req.headers["proxy-authorization"] });
      res.end("hello");
    });
    try {
      const withUser = proxy.url.replace("http://", "http://al%40ice:s3cret@");
      const res = await fetchUrl("http://images.example/a.img?x=1", { timeoutMs: 2000, env: { http_proxy: withUser } });
      res.resume();
      assert.deepEqual(seen, [
        { url: "http://images.example/a.img?x=1", auth: `Basic ${Buffer.from("al@ice:s3cret").toString("base64")}` },
      ]);
    } finally {
      await proxy.close();
    }
  });

  it("names a proxy that refuses CONNECT, its password hidden", async () => {
    const proxy = await listen(
      (_req, res) => res.end(),
      (_url, _headers, socket) => socket.end("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"),
    );
    try {
      const withUser = proxy.url.replace("http://", "http://bob:hunter2@");
      await assert.rejects(fetchUrl("https://images.example/a.img", { timeoutMs: 2000, env: { HTTPS_PROXY: withUser } }), (e: Error) => {
        assert.match(
          e.message,
          /^source\.url https:\/\/images\.example\/a\.img: the proxy http:\/\/\*\*\*@127\.0\.0\.1:\d+\/ refused CONNECT: 407/,
        );
        assert.ok(!e.message.includes("hunter2"), e.message);
        return true;
      });
    } finally {
      await proxy.close();
    }
  });

  it("fails when a proxy accepts CONNECT and never answers", async () => {
    const proxy = await listen(
      (_req, res) => res.end(),
      () => undefined,
    );
    try {
      await assert.rejects(
        fetchUrl("https://images.example/a.img", { timeoutMs: 300, env: { HTTPS_PROXY: proxy.url } }),
        /^Error: source\.url https:\/\/images\.example\/a\.img: no answer to CONNECT within 0\.3 s \(through the proxy http:\/\/127\.0\.0\.1:\d+\/\)$/,
      );
    } finally {
      await proxy.close();
    }
  });

  it("fails when a server accepts and never answers, and when its body stops", async () => {
    const server = await listen((req, res) => {
      if (req.url === "/stall") {
        res.writeHead(200, { "content-length": "100" });
        res.write("first");
      }
    });
    try {
      await assert.rejects(
        fetchUrl(`${server.url}/silent`, { timeoutMs: 300, env: {} }),
        new RegExp(`^Error: source\\.url ${server.url}/silent: no response within 0\\.3 s$`),
      );
      const opened = await openSource({ kind: "url", url: `${server.url}/stall`, timeoutSeconds: 1 }, {});
      assert.equal(Buffer.from(opened.head).toString(), "first");
      await assert.rejects(
        (async () => {
          for await (const _chunk of opened.chunks);
        })(),
        new RegExp(`^Error: source\\.url ${server.url}/stall: no data for 1 s$`),
      );
    } finally {
      await server.close();
    }
  });

  it("goes around the proxy for a host NO_PROXY lists", async () => {
    const server = await listen((_req, res) => res.end("direct"));
    try {
      const env = { HTTP_PROXY: "http://127.0.0.1:9", NO_PROXY: "127.0.0.1" };
      const res = await fetchUrl(`${server.url}/a`, { timeoutMs: 2000, env });
      let body = "";
      for await (const chunk of res) body += String(chunk);
      assert.equal(body, "direct");
    } finally {
      await server.close();
    }
  });
});
