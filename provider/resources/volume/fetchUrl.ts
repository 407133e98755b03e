/**
 * One GET of a `source.url`, directly or through the environment's proxy,
 * following redirects, within a time limit: a stalled server or proxy must
 * fail the create with a message, not hang `pulumi up`.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { IncomingMessage } from "node:http";
import { isIP, Socket } from "node:net";
import * as tls from "node:tls";
import { hostOf, portOf, proxyAuthorization, proxyFor, ProxyEnv, redactUrl } from "./proxy";

const MAX_REDIRECTS = 5;

/** How a URL is fetched. */
export interface FetchOptions {
  /** The limit for connecting and for the response's headers, in milliseconds. */
  timeoutMs: number;
  /** Where the proxy settings are read (the provider's own environment by default). */
  env?: ProxyEnv;
}

/**
 * GETs `url`, following up to 5 redirects (each hop choosing its own proxy),
 * and resolves with a 2xx response whose body is not read yet.
 * @throws an error starting `source.url <url>:` (credentials hidden) on a
 *   refusal, a non-2xx status or a timeout
 */
export async function fetchUrl(url: string, options: FetchOptions): Promise<IncomingMessage> {
  const where = `source.url ${redactUrl(url)}`;
  let target = new URL(url);
  for (let redirects = 0; ; redirects++) {
    const res = await getOnce(target, options, where);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && location !== undefined) {
      res.resume();
      if (redirects === MAX_REDIRECTS) throw new Error(`${where}: more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, target);
      if (next.protocol !== "http:" && next.protocol !== "https:")
        throw new Error(`${where}: redirected to a non-http(s) address ${next.protocol}`);
      target = next;
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      throw new Error(`${where}: the server answered ${status} ${res.statusMessage ?? ""}`.trim());
    }
    return res;
  }
}

/** One request; `where` starts every message. */
function getOnce(target: URL, options: FetchOptions, where: string): Promise<IncomingMessage> {
  let proxy: URL | undefined;
  try {
    proxy = proxyFor(target, options.env);
  } catch (err) {
    return Promise.reject(new Error(`${where}: ${(err as Error).message}`));
  }
  const via = proxy ? ` (through the proxy ${redactUrl(proxy)})` : "";
  const seconds = options.timeoutMs / 1000;
  return new Promise((resolve, reject) => {
    let stage = "no connection";
    const timer = setTimeout(() => fail(new Error(`${where}: ${stage} within ${seconds} s${via}`)), options.timeoutMs);
    const pending: Array<{ destroy(): void }> = [];
    const fail = (err: Error): void => {
      clearTimeout(timer);
      for (const p of pending) p.destroy();
      reject(err);
    };
    // A request over a tunnel is sent before its TLS handshake ends: that stage is watched there.
    const send = (req: http.ClientRequest, tunnelled = false): void => {
      pending.push(req);
      if (!tunnelled) onConnected(req, () => (stage = "no response"));
      req.on("response", (res) => {
        clearTimeout(timer);
        resolve(res);
      });
      req.on("error", (err) => fail(new Error(`${where}: ${err.message}${via}`)));
      req.end();
    };
    const headers = { "user-agent": "pulumi-kvm" };
    if (!proxy) {
      send((target.protocol === "https:" ? https : http).request(target, { headers }));
    } else if (target.protocol === "http:") {
      // An http URL goes to the proxy in absolute form: the proxy makes the request.
      const path = `${target.origin}${target.pathname}${target.search}`;
      send(
        http.request({
          ...endpoint(proxy),
          path,
          auth: auth(target),
          headers: { ...headers, host: target.host, ...proxyAuthorization(proxy) },
        }),
      );
    } else {
      const tunnelTo = `${hostForConnect(target)}:${portOf(target)}`;
      const connect = http.request({
        ...endpoint(proxy),
        method: "CONNECT",
        path: tunnelTo,
        headers: { host: tunnelTo, ...proxyAuthorization(proxy) },
      });
      pending.push(connect);
      onConnected(connect, () => (stage = "no answer to CONNECT"));
      connect.on("error", (err) => fail(new Error(`${where}: ${err.message}${via}`)));
      connect.on("connect", (res, socket) => {
        pending.push(socket);
        if (res.statusCode !== 200)
          return fail(
            new Error(`${where}: the proxy ${redactUrl(proxy)} refused CONNECT: ${res.statusCode} ${res.statusMessage ?? ""}`.trim()),
          );
        stage = "no TLS handshake";
        const host = hostOf(target);
        // Certificates are checked as for a direct connection; SNI takes names only.
        const secure = tls.connect({ socket, host, servername: isIP(host) === 0 ? host : undefined });
        pending.push(secure);
        secure.on("error", (err: Error) => fail(new Error(`${where}: ${err.message}${via}`)));
        secure.once("secureConnect", () => (stage = "no response"));
        send(
          http.request({
            host,
            port: portOf(target),
            path: `${target.pathname}${target.search}`,
            auth: auth(target),
            headers: { ...headers, host: target.host },
            createConnection: () => secure,
          }),
          true,
        );
      });
      connect.end();
    }
  });
}

/** Calls `then` once the request's socket is connected (a kept-alive or tunnelled one already is). */
function onConnected(req: http.ClientRequest, then: () => void): void {
  req.on("socket", (socket: Socket) => {
    if (socket.connecting) socket.once("connect", then);
    else then();
  });
}

/** Where a proxy listens. */
function endpoint(proxy: URL): { host: string; port: number } {
  return { host: hostOf(proxy), port: portOf(proxy) };
}

/** A URL's own credentials (for the server, not the proxy), as node's `auth` option takes them. */
function auth(url: URL): string | undefined {
  return url.username === "" && url.password === "" ? undefined : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
}

/** The authority of a CONNECT request: an IPv6 address in brackets. */
function hostForConnect(url: URL): string {
  const host = hostOf(url);
  return isIP(host) === 6 ? `[${host}]` : host;
}
