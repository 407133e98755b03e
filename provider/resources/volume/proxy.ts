/**
 * Which proxy a `source.url` is fetched through, read from the environment
 * the way curl and most tools read it, so a URL source works from behind the
 * same proxy as the operator's other downloads.
 */
import { isIP } from "node:net";
import { inSubnet, ipToBigInt, parseAddressRange } from "../common/ip";

/** The proxy settings a fetch looks at: `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`, each also lower-case. */
export type ProxyEnv = Readonly<Record<string, string | undefined>>;

/** A value of the environment, the lower-case spelling first (as curl reads it); empty is unset. */
function envValue(env: ProxyEnv, name: string): string | undefined {
  const value = env[name.toLowerCase()] || env[name.toUpperCase()];
  return value?.trim() || undefined;
}

/**
 * The proxy `target` is fetched through, or undefined for a direct
 * connection: `https_proxy` / `HTTPS_PROXY` for https URLs, `http_proxy` /
 * `HTTP_PROXY` for http ones, unless `no_proxy` / `NO_PROXY` names the host
 * (see {@link bypassesProxy}). Loopback addresses are not special: only
 * `NO_PROXY` keeps them off the proxy.
 * @throws when the variable is not an http:// proxy URL (named, its credentials hidden)
 */
export function proxyFor(target: URL, env: ProxyEnv = process.env): URL | undefined {
  const name = target.protocol === "https:" ? "HTTPS_PROXY" : "HTTP_PROXY";
  const value = envValue(env, name);
  if (value === undefined) return undefined;
  const noProxy = envValue(env, "NO_PROXY");
  if (noProxy !== undefined && bypassesProxy(target, noProxy)) return undefined;
  return parseProxy(name, value);
}

/** A proxy URL; a bare `host:port` is taken as http, as curl takes it. */
function parseProxy(name: string, value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    url = undefined;
  }
  // The text may hold a password: a bad value is described, never echoed.
  if (!url || url.hostname === "") throw new Error(`${name} is not a proxy URL (expected http://host:port)`);
  if (url.protocol !== "http:") throw new Error(`${name} ${redactUrl(url)}: only http:// proxies are supported`);
  return url;
}

/** The port a URL connects to, its scheme's default when it names none. */
export function portOf(url: URL): number {
  if (url.port !== "") return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/** A URL's host name without the brackets of an IPv6 address, lower-case. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
}

/**
 * Whether a `NO_PROXY` list (comma- or space-separated) sends `target`
 * around the proxy. An entry is `*` (every host); a host name, which also
 * matches its subdomains (`example.com`, `.example.com` and `*.example.com`
 * all match `example.com` and `a.example.com`, never `notexample.com`); an
 * IP address (any spelling of the same address matches) or an IP range
 * (`10.0.0.0/8`, `fd00::/8`); each optionally with `:port` (`[::1]:8080` for
 * IPv6), which then matches that port only.
 */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = hostOf(target);
  const port = portOf(target);
  return noProxy
    .split(/[\s,]+/)
    .filter((e) => e !== "")
    .some((entry) => matches(entry.toLowerCase(), host, port));
}

function matches(entry: string, host: string, port: number): boolean {
  if (entry === "*") return true;
  const { name, port: wanted } = splitPort(entry);
  if (wanted !== undefined && wanted !== port) return false;
  if (name.includes("/")) return inRange(name, host);
  if (isIP(name) !== 0) return isIP(host) === isIP(name) && ipToBigInt(host) === ipToBigInt(name);
  const domain = name.replace(/^\*?\.+/, "");
  return domain !== "" && (host === domain || host.endsWith(`.${domain}`));
}

/** An entry's host part and port: `[::1]:8080`, `host:80`; an IPv6 address without brackets has no port. */
function splitPort(entry: string): { name: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1] ?? "", port: bracketed[2] === undefined ? undefined : Number(bracketed[2]) };
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  if (hostPort) return { name: hostPort[1] ?? "", port: Number(hostPort[2]) };
  return { name: entry };
}

/** Whether `host` is an address inside the range `address/prefix`. */
function inRange(text: string, host: string): boolean {
  const range = parseAddressRange(text);
  return range !== undefined && inSubnet(range, host);
}

/**
 * A URL for messages and logs, with any user name and password replaced by
 * `***`: a proxy URL (and a source URL) may carry credentials.
 */
export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : new URL(url.href);
  } catch {
    // Not shown: text that is no URL may still hold a password.
    return "(not a URL)";
  }
  if (parsed.username === "" && parsed.password === "") return parsed.href;
  parsed.username = "***";
  parsed.password = "";
  return parsed.href;
}

/** The `Proxy-Authorization` header for a proxy URL's credentials, if it carries any. */
export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (proxy.username === "" && proxy.password === "") return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { "proxy-authorization": `Basic ${Buffer.from(credentials).toString("base64")}` };
}
