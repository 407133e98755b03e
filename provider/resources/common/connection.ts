import type { LibvirtEndpoint, SshTarget } from "../../transport";
import { validateEndpoint } from "../../transport";
import { Problems } from "./problems";

/** Where a resource lives and how to reach it. Plain data: safe to keep in state (as a secret). */
export interface ConnectionSpec {
  /** SSH host name or address; absent means this machine's libvirt socket. */
  host?: string;
  /** SSH port (22). */
  port?: number;
  /** SSH login (the current user's name when absent). */
  user?: string;
  /** Private key file on the machine that runs Pulumi. */
  privateKeyPath?: string;
  /** Private key text. Secret. */
  privateKey?: string;
  /** Passphrase of the private key. Secret. */
  passphrase?: string;
  /** Use an ssh-agent: true for `SSH_AUTH_SOCK`, or the agent's socket path. */
  agent?: boolean | string;
  /** SSH password. Secret. */
  password?: string;
  /** known_hosts file checked for the host key (`~/.ssh/known_hosts`). */
  knownHostsPath?: string;
  /** Pinned host key fingerprint, `SHA256:…` as `ssh-keygen -lf` prints it; replaces known_hosts. */
  hostKeyFingerprint?: string;
  /** libvirt URI on the host (`qemu:///system`). */
  uri?: string;
  /** The daemon's unix socket, when not the default. */
  socketPath?: string;
  /** A bastion to reach `host` through. */
  jump?: ConnectionSpec;
}

/** Stack configuration keys (`kvm:<key>`) that supply connection defaults. */
export const CONNECTION_CONFIG_KEYS = [
  "host",
  "port",
  "user",
  "privateKeyPath",
  "privateKey",
  "passphrase",
  "agent",
  "password",
  "knownHostsPath",
  "hostKeyFingerprint",
  "uri",
  "socketPath",
] as const;

/** The fields of a connection that hold secrets. */
export const SECRET_CONNECTION_FIELDS = ["privateKey", "passphrase", "password"] as const;

/** The default libvirt URI. */
export const DEFAULT_URI = "qemu:///system";

/**
 * The effective connection: the resource's own fields over the stack's
 * `kvm:` defaults. A resource that names another host does not inherit the
 * default host's credentials.
 */
export function resolveConnection(own: ConnectionSpec | undefined, defaults: ConnectionSpec): ConnectionSpec {
  const mine = own ?? {};
  if (mine.host !== undefined && defaults.host !== undefined && mine.host !== defaults.host) return { ...mine };
  return { ...defaults, ...dropUndefined(mine) };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Turns a connection into the transport's endpoint description. */
export function toEndpoint(spec: ConnectionSpec, env: NodeJS.ProcessEnv = process.env): LibvirtEndpoint {
  return {
    uri: spec.uri ?? DEFAULT_URI,
    socketPath: spec.socketPath,
    ssh: spec.host === undefined ? undefined : toTarget(spec, env),
  };
}

function toTarget(spec: ConnectionSpec, env: NodeJS.ProcessEnv): SshTarget {
  const agent = spec.agent ?? (spec.privateKey === undefined && spec.privateKeyPath === undefined && spec.password === undefined);
  return {
    host: spec.host ?? "",
    port: spec.port,
    user: spec.user ?? env.USER ?? env.LOGNAME ?? "root",
    auth: {
      privateKeyFile: spec.privateKeyPath,
      privateKey: spec.privateKey,
      passphrase: spec.passphrase,
      agent: agent === false ? undefined : agent,
      password: spec.password,
    },
    hostKey:
      spec.hostKeyFingerprint !== undefined
        ? { kind: "fingerprint", fingerprint: spec.hostKeyFingerprint }
        : { kind: "known-hosts", file: spec.knownHostsPath },
    jump: spec.jump ? toTarget(spec.jump, env) : undefined,
  };
}

/** What identifies the host of a resource: a change here means another host, so a replacement. */
export function hostIdentity(spec: ConnectionSpec): string {
  return JSON.stringify([spec.host ?? "", spec.port ?? 22, spec.uri ?? DEFAULT_URI, spec.socketPath ?? ""]);
}

const FIELD_TYPES: Record<string, "string" | "number" | "boolean|string" | "object"> = {
  host: "string",
  port: "number",
  user: "string",
  privateKeyPath: "string",
  privateKey: "string",
  passphrase: "string",
  agent: "boolean|string",
  password: "string",
  knownHostsPath: "string",
  hostKeyFingerprint: "string",
  uri: "string",
  socketPath: "string",
  jump: "object",
};

/** Checks a connection and records each problem under `property` (e.g. `connection.port`). */
export function checkConnection(problems: Problems, property: string, value: unknown, env: NodeJS.ProcessEnv = process.env): void {
  if (value === undefined) return;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.add(property, "must be an object");
    return;
  }
  let typesOk = true;
  for (const [key, v] of Object.entries(value)) {
    const expected = FIELD_TYPES[key];
    if (!expected) {
      problems.add(`${property}.${key}`, `is not a connection field (known: ${Object.keys(FIELD_TYPES).join(", ")})`);
      typesOk = false;
    } else if (v !== undefined && !expected.split("|").includes(typeof v)) {
      problems.add(`${property}.${key}`, `must be a ${expected.replace("|", " or ")}`);
      typesOk = false;
    }
  }
  if (!typesOk) return;
  const spec = value as ConnectionSpec;
  if (spec.host === undefined && spec.jump !== undefined)
    problems.add(`${property}.jump`, "needs connection.host: a jump host leads to an SSH host");
  for (const message of validateEndpoint(toEndpoint(spec, env), env)) {
    // The transport names fields by its own paths (ssh.auth.…); say them in the user's terms.
    problems.add(property, message.replace(/^ssh\.(auth\.)?/, "").replace(/\bssh\.jump\b/g, "jump"));
  }
}
