import type { LibvirtEndpoint, SshConfig, SshConfigHost, SshTarget } from "../../transport";
import { MAX_CONNECT_ATTEMPTS, MIN_CONNECT_ATTEMPTS, resolveSshHost, SshConfigError, validateEndpoint } from "../../transport";
import { inputNames, parseFields, secretNames } from "./fieldTable";
import { ArgsOf, In, input, InputField, ValuesOf } from "./fields";
import { integer, localFile, text } from "./fieldTypes";
import { checkKnownFields, isObject, Problems } from "./problems";
import { firstExisting, loadSshConfig, NO_SSH_CONFIG, localUserOf, sshConfigContext } from "./sshConfigFile";

/** An hour: longer is no longer a timeout a user waits on. */
const MAX_CONNECT_TIMEOUT_SECONDS = 3600;
/** Below this, keepalives every fraction of a second would fail links that are merely busy. */
const MIN_KEEPALIVE_TIMEOUT_SECONDS = 3;

/** Every field of a `connection`, declared once. */
export const connectionFields = {
  /** SSH host name or address. Without it, the local libvirt socket is used. */
  host: text(),
  /** SSH port; 22 by default. */
  port: input<In<number>, number>((problems, property, value) =>
    typeof value === "number" ? value : void problems.add(property, "must be a number"),
  ),
  /** SSH login; the current user by default. */
  user: text(),
  /** Private key file on the machine that runs Pulumi. */
  privateKeyPath: localFile(),
  /** Private key text (stored as a secret). */
  privateKey: text().secret(),
  /** Passphrase of the private key (stored as a secret). */
  passphrase: text().secret(),
  /** Use an ssh-agent: true for `SSH_AUTH_SOCK`, or the agent's socket path. Default when no key or password is given. */
  agent: input<In<boolean | string>, boolean | string>((problems, property, value) =>
    typeof value === "boolean" || typeof value === "string" ? value : void problems.add(property, "must be a boolean or string"),
  ),
  /** SSH password (stored as a secret). */
  password: text().secret(),
  /** known_hosts file that must hold the host's key; `~/.ssh/known_hosts` by default. */
  knownHostsPath: localFile(),
  /** Pinned host key fingerprint (`SHA256:…`, as `ssh-keygen -lf` prints it), instead of known_hosts. */
  hostKeyFingerprint: text(),
  /** libvirt URI on the host; `qemu:///system` by default. */
  uri: text(),
  /** The daemon's unix socket, when not libvirt's default. */
  socketPath: text(),
  /**
   * Seconds allowed to open the connection, all steps together: TCP connect, SSH login
   * (through each jump host), the channel to libvirt and libvirt's handshake; 30 by
   * default. A step still waiting then fails naming itself and the host. Resources on
   * one host share one connection, opened with the first one's value. Refused on a jump
   * host: the outer connection's budget covers the whole route.
   */
  connectTimeoutSeconds: integer(1, MAX_CONNECT_TIMEOUT_SECONDS),
  /**
   * Tries at the TCP connect to the SSH host (the outermost jump host when there is one),
   * 1 to 10; 3 by default. A refused, reset, unroutable or timed-out connect is tried again
   * after 0.5 s, 1 s, 2 s, … (at most 4 s between tries), within `connectTimeoutSeconds`;
   * a failed login, a wrong host key or an unknown host name is not. Shared like
   * `connectTimeoutSeconds`, and refused on a jump host likewise.
   */
  connectAttempts: integer(MIN_CONNECT_ATTEMPTS, MAX_CONNECT_ATTEMPTS),
  /**
   * Seconds an open connection may go unanswered before its calls fail; 30 by default.
   * SSH and libvirt keepalives go out every sixth of it: a silent SSH link fails after
   * about two thirds of it, a daemon that stops answering while the link is alive after
   * all of it, each error saying which side it was. Shared like `connectTimeoutSeconds`,
   * and refused on a jump host likewise.
   */
  keepaliveTimeoutSeconds: integer(MIN_KEEPALIVE_TIMEOUT_SECONDS, MAX_CONNECT_TIMEOUT_SECONDS),
  /**
   * OpenSSH client configuration file to read `host` through (`Host` aliases, HostName, Port,
   * User, IdentityFile, UserKnownHostsFile, ProxyJump); `~/.ssh/config` when it exists by
   * default; `none` reads no file (as `ssh -F none`). The connection's own fields win over
   * the file. Refused on a jump host: one file serves the whole route.
   */
  sshConfigPath: sshConfigPathField(),
  /** A bastion to reach `host` through. */
  jump: jumpField(),
};

/** The `sshConfigPath` row: a file on this machine, or `none`. */
function sshConfigPathField(): InputField<In<string>, string | undefined> {
  const file = localFile();
  return input<In<string>, string>((problems, property, value, ctx) =>
    value === NO_SSH_CONFIG ? value : file.parse(problems, property, value, ctx),
  );
}

/** The `jump` row: a connection itself (its type is named here, so the table's type does not depend on itself). */
function jumpField(): InputField<In<ConnectionArgs>, ConnectionSpec | undefined> {
  return input<In<ConnectionArgs>, ConnectionSpec>((problems: Problems, property: string, value: unknown, ctx) => {
    if (isObject(value)) return parseConnectionFields(problems, property, value, ctx.program);
    problems.add(property, "must be an object");
    return undefined;
  });
}

/** Where a resource lives: an SSH host, or this machine's libvirt socket when `host` is absent. */
export interface ConnectionArgs extends ArgsOf<typeof connectionFields> {}

/** Where a resource lives and how to reach it. Plain data: safe to keep in state (as a secret). */
export interface ConnectionSpec extends ValuesOf<typeof connectionFields> {}

/** A connection field's name. */
export type ConnectionField = keyof typeof connectionFields;

/**
 * Stack configuration keys (`kvm:<key>`) that supply connection defaults:
 * every field but `jump`, a bastion being a structure rather than a text.
 */
export const CONNECTION_CONFIG_KEYS = inputNames(connectionFields).filter((k) => k !== "jump") as Exclude<ConnectionField, "jump">[];

/** The fields of a connection that hold secrets. */
export const SECRET_CONNECTION_FIELDS = secretNames(connectionFields) as ConnectionField[];

/** Config values arrive as text: the fields that are not text are read from it here. */
const FROM_CONFIG_TEXT: Partial<Record<ConnectionField, (text: string) => unknown>> = {
  port: numberFromConfig,
  connectTimeoutSeconds: numberFromConfig,
  connectAttempts: numberFromConfig,
  keepaliveTimeoutSeconds: numberFromConfig,
  agent: (text) => (text === "true" ? true : text === "false" ? false : text),
};

/** The connection defaults a stack's `kvm:*` configuration sets (`get` reads `kvm:<key>`). */
export function connectionDefaultsFromConfig(get: (key: string) => unknown): ConnectionSpec {
  const defaults: Record<string, unknown> = {};
  for (const key of CONNECTION_CONFIG_KEYS) {
    const value = get(key);
    if (value === undefined || value === "") continue;
    const fromText = FROM_CONFIG_TEXT[key];
    defaults[key] = fromText && typeof value === "string" ? fromText(value) : value;
  }
  // Checked like a resource's own connection when a resource uses it.
  return defaults;
}

/** The fields of one connection object, each problem under `property.<field>`, unknown fields refused. */
function parseConnectionFields(problems: Problems, property: string, value: Record<string, unknown>, program = false): ConnectionSpec {
  const own = new Problems();
  checkKnownFields(own, "", value, inputNames(connectionFields), { what: "a connection field" });
  const spec = parseFields(connectionFields, value, own, program) as ConnectionSpec;
  problems.addAll(property, own.all);
  return spec;
}

/** Fields that hold for the whole route to a host, so only on its outer connection. */
const ROUTE_WIDE_FIELDS = ["connectTimeoutSeconds", "connectAttempts", "keepaliveTimeoutSeconds", "sshConfigPath"] as const;

/** Fields about this machine rather than a host: a resource naming another host still takes them from the stack. */
const MACHINE_FIELDS = ["sshConfigPath"] as const;

/** The default libvirt URI. */
export const DEFAULT_URI = "qemu:///system";

/**
 * The effective connection: the resource's own fields over the stack's
 * `kvm:` defaults. A resource that names another host does not inherit the
 * default host's credentials, only what concerns this machine (`kvm:sshConfigPath`).
 */
export function resolveConnection(own: ConnectionSpec | undefined, defaults: ConnectionSpec): ConnectionSpec {
  const mine = own ?? {};
  if (mine.host !== undefined && defaults.host !== undefined && mine.host !== defaults.host) {
    const machine = Object.fromEntries(MACHINE_FIELDS.filter((k) => defaults[k] !== undefined).map((k) => [k, defaults[k]]));
    return { ...machine, ...dropUndefined(mine) };
  }
  return { ...defaults, ...dropUndefined(mine) };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Turns a connection into the transport's endpoint description, its host resolved through
 * its ssh config file (unless `sshConfig` is false): see {@link targetOf}.
 * @throws SshConfigError when the file cannot be read or a value it gives cannot be used.
 */
export function toEndpoint(spec: ConnectionSpec, env: NodeJS.ProcessEnv = process.env, sshConfig = true): LibvirtEndpoint {
  const config = sshConfig && spec.host !== undefined ? loadSshConfig(spec.sshConfigPath, env) : undefined;
  return {
    uri: spec.uri ?? DEFAULT_URI,
    socketPath: spec.socketPath,
    connectTimeoutMs: spec.connectTimeoutSeconds === undefined ? undefined : spec.connectTimeoutSeconds * 1000,
    connectAttempts: spec.connectAttempts,
    keepaliveTimeoutMs: spec.keepaliveTimeoutSeconds === undefined ? undefined : spec.keepaliveTimeoutSeconds * 1000,
    ssh: spec.host === undefined ? undefined : toTarget(spec, env, config),
  };
}

/** The target a connection names, through `config` when there is one. */
function toTarget(spec: ConnectionSpec, env: NodeJS.ProcessEnv, config: SshConfig | undefined): SshTarget {
  const fromFile =
    config === undefined || spec.host === undefined
      ? undefined
      : resolveSshHost(
          config,
          { host: spec.host, port: spec.port, user: spec.user, jumpGiven: spec.jump !== undefined },
          sshConfigContext(env),
        );
  return targetOf(spec, fromFile, env, config);
}

/**
 * The target from a connection's own fields (`spec`) and what its ssh config file says of
 * its host (`fromFile`), the fields winning as ssh's command line does: HostName is where
 * to connect; Port and User fill what the fields leave out; its IdentityFile keys are
 * tried after the agent when the fields name no key; its first UserKnownHostsFile that
 * exists (else the first) holds the host key when neither `knownHostsPath` nor
 * `hostKeyFingerprint` is given; its ProxyJump is the jump host unless `jump` is given.
 * Each hop (of `jump` or of ProxyJump) is itself resolved through the file.
 */
function targetOf(
  spec: ConnectionSpec,
  fromFile: SshConfigHost | undefined,
  env: NodeJS.ProcessEnv,
  config: SshConfig | undefined,
): SshTarget {
  const ownKey = spec.privateKey !== undefined || spec.privateKeyPath !== undefined;
  const identityFiles = ownKey || fromFile === undefined || fromFile.identityFiles.length === 0 ? undefined : fromFile.identityFiles;
  const agent = spec.agent ?? (!ownKey && spec.password === undefined);
  const jump =
    spec.jump !== undefined
      ? toTarget(spec.jump, env, config)
      : fromFile?.jump !== undefined
        ? targetOf({}, fromFile.jump, env, config)
        : undefined;
  return {
    host: fromFile?.host ?? spec.host ?? "",
    port: spec.port ?? fromFile?.port,
    user: spec.user ?? fromFile?.user ?? localUserOf(env),
    auth: {
      privateKeyFile: spec.privateKeyPath,
      privateKey: spec.privateKey,
      passphrase: spec.passphrase,
      agent: agent === false ? undefined : agent,
      ...(identityFiles === undefined ? {} : { identityFiles }),
      password: spec.password,
    },
    hostKey:
      spec.hostKeyFingerprint !== undefined
        ? { kind: "fingerprint", fingerprint: spec.hostKeyFingerprint }
        : { kind: "known-hosts", file: spec.knownHostsPath ?? firstExisting(fromFile?.knownHostsFiles ?? []) },
    jump,
  };
}

/**
 * Checks a connection and records each problem under `property` (e.g.
 * `connection.port`); for the program's inputs (`program`), the key and known_hosts files it
 * names must exist on this machine. The host is resolved through the connection's ssh config
 * file (`stackSshConfigPath`, the stack's `kvm:sshConfigPath`, when it names none), so a file
 * that cannot be read or parsed is a problem naming its path and line.
 */
export function checkConnection(
  problems: Problems,
  property: string,
  value: unknown,
  env: NodeJS.ProcessEnv = process.env,
  program = false,
  stackSshConfigPath?: string,
): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    problems.add(property, "must be an object");
    return;
  }
  const before = problems.all.length;
  const spec = parseConnectionFields(problems, property, value, program);
  if (problems.all.length > before) return;
  if (spec.host === undefined && spec.jump !== undefined)
    problems.add(`${property}.jump`, "needs connection.host: a jump host leads to an SSH host");
  // One budget covers the whole route; a value on a hop would be silently unused.
  for (let hop = spec.jump, at = `${property}.jump`; hop !== undefined; hop = hop.jump, at += ".jump") {
    for (const field of ROUTE_WIDE_FIELDS) {
      if (hop[field] !== undefined) problems.add(`${at}.${field}`, "set it on the outer connection: it covers the whole route");
    }
  }
  let endpoint: LibvirtEndpoint;
  try {
    endpoint = toEndpoint({ sshConfigPath: stackSshConfigPath, ...dropUndefined(spec) }, env);
  } catch (error) {
    // The file belongs to this machine: its problem is named by file and line, under the connection.
    if (error instanceof SshConfigError) return void problems.add(property, `reads ${error.message}`);
    throw error;
  }
  for (const message of validateEndpoint(endpoint, env)) {
    // The transport names fields by its own paths (ssh.auth.…); say them in the user's terms.
    problems.add(property, message.replace(/^ssh\.(auth\.)?/, "").replace(/\bssh\.jump\b/g, "jump"));
  }
}

/** A number written as config text; text that is no number stays text, so its row's check refuses it by key. */
function numberFromConfig(text: string): number | string {
  const value = Number(text);
  return text.trim() !== "" && Number.isFinite(value) ? value : text;
}

/**
 * Checks the stack configuration's connection defaults that a resource
 * inherits: those `resolveConnection` takes for it, not the ones its own
 * connection sets, and none when it names another host. Each value is held to
 * its row's check, as the resource's own would be, and a problem is recorded
 * under its config key (e.g. `kvm:port`); for the program's inputs
 * (`program`), the key and known_hosts files named must exist on this machine.
 */
export function checkInheritedDefaults(
  problems: Problems,
  own: ConnectionSpec | undefined,
  defaults: ConnectionSpec,
  program = false,
): void {
  const mine = new Map(Object.entries(own ?? {}));
  const resolved = new Map(Object.entries(resolveConnection(own, defaults)));
  const inherited = Object.fromEntries(
    Object.entries(defaults).filter(([key]) => mine.get(key) === undefined && resolved.get(key) !== undefined),
  );
  const found = new Problems();
  parseFields(connectionFields, inherited, found, program);
  for (const p of found.all) problems.add(`kvm:${p.property}`, `${p.reason} (from the stack configuration)`);
}
