/**
 * What an OpenSSH client configuration says about one host, as ssh(1) reads it: the
 * entries before the first section and those of every `Host` section whose patterns
 * match the name given, in file order, the first value of each keyword winning
 * (`IdentityFile` lines add up). Explicit values (the caller's port and login) win over
 * the file, as ssh's command line does.
 *
 * Read: HostName, Port, User, IdentityFile, UserKnownHostsFile, ProxyJump.
 * Not read: `Match` sections (their entries are skipped: evaluating `Match exec` would run
 * commands from the file), `Include`, and every other keyword. `StrictHostKeyChecking`
 * is among them: an unknown host key is always refused whatever it says. `ProxyCommand`,
 * when it is what applies to a host, is refused: the host would be reached some other way
 * than ssh reaches it.
 */
import { expandHome } from "./hostKeyCheck";
import { matchPatternList } from "./hostPatterns";
import { SshConfigError, type SshConfig, type SshConfigEntry } from "./sshConfigFile";

/** Jump chains longer than this are a loop in the file (or a mistake). */
const MAX_HOPS = 8;

/** The machine-side values tokens stand for. */
export interface SshConfigContext {
  /** Home directory: `~` and `%d`. */
  readonly home: string;
  /** Local login name: `%u`, and `%r` when neither the caller nor the file names a login. */
  readonly localUser: string;
}

/** A host as the caller names it, with the values it sets itself (they win over the file). */
export interface SshHostRequest {
  /** The name given: an alias of the file, or a host name. */
  readonly host: string;
  /** Port set by the caller. */
  readonly port?: number;
  /** Login set by the caller. */
  readonly user?: string;
  /** The caller names its own jump host: the file's `ProxyJump` is not read. */
  readonly jumpGiven?: boolean;
}

/** One host as the file resolves it, with the caller's values applied. */
export interface SshConfigHost {
  /** Where to connect: `HostName` (tokens expanded), else the name given. */
  readonly host: string;
  /** The caller's port, else `Port`; absent means 22. */
  readonly port?: number;
  /** The caller's login, else `User`; absent means the caller's default. */
  readonly user?: string;
  /** `IdentityFile` paths in file order, `~` and tokens expanded. */
  readonly identityFiles: readonly string[];
  /** The first `UserKnownHostsFile` line's paths, `~` and tokens expanded. */
  readonly knownHostsFiles: readonly string[];
  /** The bastion `ProxyJump` names, itself resolved through the file; absent for none. */
  readonly jump?: SshConfigHost;
}

/**
 * Resolves `request` through `config`. Each `ProxyJump` hop (`[user@]host[:port]`, or an
 * `ssh://` URI) is resolved through the same file, as ssh does: for `ProxyJump a,b`, `b`
 * is reached through `a`, and `a` through its own `ProxyJump`, if any.
 * @throws SshConfigError naming the file and line of a value that cannot be used.
 */
export function resolveSshHost(config: SshConfig, request: SshHostRequest, context: SshConfigContext): SshConfigHost {
  return resolveHop(config, request, context, request.jumpGiven === true ? [] : undefined, 0);
}

/** `through`: the hops that lead to this one (outermost first), overriding its own ProxyJump; undefined to read it. */
function resolveHop(
  config: SshConfig,
  request: SshHostRequest,
  context: SshConfigContext,
  through: readonly SshHostRequest[] | undefined,
  depth: number,
): SshConfigHost {
  if (depth > MAX_HOPS)
    throw new SshConfigError(config.file, undefined, `ProxyJump leads through more than ${MAX_HOPS} jump hosts (a loop?)`);
  const entries = entriesFor(config, request.host);
  const first = (keyword: string): SshConfigEntry | undefined => entries.find((e) => e.keyword === keyword);

  const hostNameEntry = first("hostname");
  const host = hostNameEntry === undefined ? request.host : hostNameOf(config, hostNameEntry, request.host);
  const port = request.port ?? portOf(config, first("port"));
  const user = request.user ?? first("user")?.values[0];
  const tokens: Record<string, string> = {
    "%": "%",
    d: context.home,
    h: host,
    n: request.host,
    p: String(port ?? 22),
    r: user ?? context.localUser,
    u: context.localUser,
  };
  const path = (entry: SshConfigEntry, value: string): string => expandPath(config, entry, value, tokens, context.home);
  const identityFiles = entries
    .filter((e) => e.keyword === "identityfile" && e.values[0]?.toLowerCase() !== "none")
    .map((e) => path(e, e.values[0] ?? ""));
  const knownHostsEntry = first("userknownhostsfile");
  const knownHostsFiles = knownHostsEntry === undefined ? [] : knownHostsEntry.values.map((v) => path(knownHostsEntry, v));

  const hops = through ?? ownHops(config, entries);
  return {
    host,
    ...(port === undefined ? {} : { port }),
    ...(user === undefined ? {} : { user }),
    identityFiles,
    knownHostsFiles,
    ...(hops.length === 0 ? {} : { jump: chain(config, hops, context, depth + 1) }),
  };
}

/** The last hop of `hops`, reached through the ones before it (the first through its own ProxyJump). */
function chain(config: SshConfig, hops: readonly SshHostRequest[], context: SshConfigContext, depth: number): SshConfigHost {
  const last = hops[hops.length - 1];
  if (last === undefined) throw new Error("chain of no hops");
  const before = hops.slice(0, -1);
  return resolveHop(config, last, context, before.length === 0 ? undefined : before, depth);
}

/** The entries that apply to `name`: global ones and those of matching Host sections, in file order. */
function entriesFor(config: SshConfig, name: string): SshConfigEntry[] {
  const entries = [...config.global];
  for (const section of config.sections) {
    // Match sections are not evaluated (see the file's comment): their entries never apply.
    if (section.kind === "host" && matchPatternList(name, section.patterns.join(","))) entries.push(...section.entries);
  }
  return entries;
}

/** The ProxyJump of a host, or a refusal of a ProxyCommand that would win over it. */
function ownHops(config: SshConfig, entries: readonly SshConfigEntry[]): SshHostRequest[] {
  const proxy = entries.find((e) => e.keyword === "proxyjump" || e.keyword === "proxycommand");
  if (proxy === undefined) return [];
  const value = proxy.values.join(" ");
  if (value.toLowerCase() === "none") return [];
  if (proxy.keyword === "proxycommand") {
    throw new SshConfigError(config.file, proxy.line, "ProxyCommand is not supported: name the bastion with ProxyJump");
  }
  return value.split(",").map((spec) => parseHop(config, proxy.line, spec.trim()));
}

/** `[user@]host[:port]`, `[user@][v6addr]:port` or `ssh://[user@]host[:port]`. */
function parseHop(config: SshConfig, line: number, spec: string): SshHostRequest {
  const bad = (): never => {
    throw new SshConfigError(config.file, line, `ProxyJump: "${spec}" is not [user@]host[:port]`);
  };
  const text = spec.startsWith("ssh://") ? spec.slice("ssh://".length).replace(/\/$/, "") : spec;
  const at = text.lastIndexOf("@");
  const user = at < 0 ? undefined : text.slice(0, at);
  const rest = at < 0 ? text : text.slice(at + 1);
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(rest);
  if (m === null || user === "") return bad();
  const host = m[1] ?? m[2] ?? "";
  if (host === "") return bad();
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && !(port >= 1 && port <= 65535)) return bad();
  return { host, ...(user === undefined ? {} : { user }), ...(port === undefined ? {} : { port }) };
}

function hostNameOf(config: SshConfig, entry: SshConfigEntry, name: string): string {
  const value = expandTokens(config, entry, entry.values[0] ?? "", { "%": "%", h: name });
  if (value === "") throw new SshConfigError(config.file, entry.line, "HostName is empty");
  return value;
}

function portOf(config: SshConfig, entry: SshConfigEntry | undefined): number | undefined {
  if (entry === undefined) return undefined;
  const text = entry.values[0] ?? "";
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535))
    throw new SshConfigError(config.file, entry.line, `Port must be a number from 1 to 65535, not "${text}"`);
  return port;
}

/** A path value: a leading `~` is the home directory, then tokens. */
function expandPath(config: SshConfig, entry: SshConfigEntry, value: string, tokens: Record<string, string>, home: string): string {
  return expandHome(expandTokens(config, entry, value, tokens), home);
}

/** Replaces `%x` tokens; a token not in `tokens` is refused, naming it, rather than kept as text. */
function expandTokens(config: SshConfig, entry: SshConfigEntry, value: string, tokens: Record<string, string>): string {
  return value.replace(/%(.?)/g, (_, token: string) => {
    const replacement = tokens[token];
    if (replacement !== undefined) return replacement;
    const known = Object.keys(tokens)
      .map((t) => `%${t}`)
      .join(" ");
    throw new SshConfigError(config.file, entry.line, `token %${token} is not supported here (supported: ${known})`);
  });
}
