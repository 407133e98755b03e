/**
 * The host an object lives on, as state records it: resolved (stack defaults
 * applied, ports and logins filled in), never holding a secret, so every
 * later read, update and delete goes to where the object was made even when
 * the program or the stack's `kvm:` configuration now names another host.
 */
import { targetPort } from "../../transport";
import { ConnectionSpec, toEndpoint } from "./connection";
import { isObject } from "./problems";

/** Outputs every kind stores beside its own table's: where the object lives. */
export const COMMON_OUTPUT_NAMES = ["hostIdentity"] as const;

/** Where an object lives: an SSH host, or the local libvirt socket when `host` is absent. */
export interface HostIdentity {
  /** SSH host name or address; absent for the local socket. */
  host?: string;
  /** SSH port (with `host`). */
  port?: number;
  /** SSH login (with `host`). */
  user?: string;
  /** libvirt URI on the host. */
  uri: string;
  /** The daemon's socket, when not libvirt's default. */
  socketPath?: string;
}

/**
 * The identity a connection resolves to on this machine: the endpoint the transport is
 * given (its defaults for port, login and URI applied there, its host resolved through the
 * ssh config file, so an alias is recorded as the host, port and login it stands for),
 * without the way in. `sshConfig: false` leaves the file out, as releases before it did.
 */
export function identityOf(connection: ConnectionSpec, env: NodeJS.ProcessEnv = process.env, sshConfig = true): HostIdentity {
  const { uri, socketPath, ssh } = toEndpoint(connection, env, sshConfig);
  const common = { uri, ...(socketPath === undefined ? {} : { socketPath }) };
  if (ssh === undefined) return common;
  return { host: ssh.host, port: targetPort(ssh), user: ssh.user, ...common };
}

/**
 * Whether two identities name the same hypervisor: host, port, URI and socket. The login
 * is not part of it: another user on the same host sees the same objects.
 */
export function sameHost(a: HostIdentity, b: HostIdentity): boolean {
  return a.host === b.host && a.port === b.port && a.uri === b.uri && a.socketPath === b.socketPath;
}

/**
 * Whether `recorded` is the host `connection` reaches: the identity it resolves to, or the
 * one it resolved to before ssh config files were read, so a state recorded then sees no
 * move because `~/.ssh/config` names the same host differently.
 */
export function isHostOf(recorded: HostIdentity, connection: ConnectionSpec, env: NodeJS.ProcessEnv = process.env): boolean {
  return sameHost(recorded, identityOf(connection, env)) || sameHost(recorded, identityOf(connection, env, false));
}

/** For messages: `ops@hv1:22 qemu:///system`, or `the local socket (qemu:///system)`. */
export function describeIdentity(identity: HostIdentity): string {
  if (identity.host === undefined) return `the local socket (${identity.uri}${identity.socketPath ? ` at ${identity.socketPath}` : ""})`;
  return `${identity.user ?? "?"}@${identity.host}:${identity.port ?? 22} ${identity.uri}`;
}

/** A stored identity, or undefined when the value is absent or not one (a state written before identities were kept). */
export function storedIdentity(value: unknown): HostIdentity | undefined {
  if (!isObject(value) || typeof value.uri !== "string") return undefined;
  const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  const identity: HostIdentity = { uri: value.uri };
  const host = text(value.host);
  if (host !== undefined) {
    identity.host = host;
    if (typeof value.port === "number") identity.port = value.port;
    const user = text(value.user);
    if (user !== undefined) identity.user = user;
  }
  const socketPath = text(value.socketPath);
  if (socketPath !== undefined) identity.socketPath = socketPath;
  return identity;
}

/**
 * The connection that reaches `identity`: its host, port, login, URI and socket, with
 * the way in (key, agent or password, host-key check, jump host, timeouts) taken from
 * `credentials` — the resource's connection as resolved today. When `credentials` still
 * lead to that host, they are kept as they are but for the login, so a host named by an
 * ssh config alias is still reached through what the file says of the alias.
 */
export function connectionAt(identity: HostIdentity, credentials: ConnectionSpec, env: NodeJS.ProcessEnv = process.env): ConnectionSpec {
  if (identity.host !== undefined && credentials.host !== undefined && isHostOf(identity, credentials, env)) {
    return { ...credentials, user: identity.user };
  }
  const target = { uri: identity.uri, socketPath: identity.socketPath };
  if (identity.host === undefined) {
    return {
      ...target,
      connectTimeoutSeconds: credentials.connectTimeoutSeconds,
      keepaliveTimeoutSeconds: credentials.keepaliveTimeoutSeconds,
    };
  }
  return { ...credentials, ...target, host: identity.host, port: identity.port, user: identity.user };
}
