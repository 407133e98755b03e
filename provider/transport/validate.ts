/**
 * Checks an endpoint description before anything is attempted, returning every
 * problem at once (a user fixing a config wants the whole list, not one per run).
 * Messages name fields and public values only, never secrets.
 */
import { MAX_CONNECT_ATTEMPTS, MIN_CONNECT_ATTEMPTS } from "./dialRetry";
import { normalizeFingerprint } from "./fingerprint";
import { validateDaemonUri, validateSocketPath } from "./remoteCommand";
import type { HostKeyType, LibvirtEndpoint, SshTarget } from "./types";

/** Jump chains longer than this are almost certainly a mistake (or a cycle built in code). */
const MAX_JUMPS = 8;
const HOST_KEY_TYPES: readonly HostKeyType[] = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-rsa",
];
const PROXIES = ["auto", "virt-ssh-helper", "netcat"];

/**
 * Problems with an endpoint; empty when {@link openLink} may try it. `env` supplies
 * `SSH_AUTH_SOCK` for agent checks (default `process.env`).
 */
export function validateEndpoint(endpoint: LibvirtEndpoint, env: NodeJS.ProcessEnv = process.env): string[] {
  const problems = [...validateDaemonUri(endpoint.uri)];
  if (endpoint.socketPath !== undefined) problems.push(...validateSocketPath(endpoint.socketPath));
  if (endpoint.proxy !== undefined && !PROXIES.includes(endpoint.proxy)) problems.push(`proxy must be one of ${PROXIES.join(", ")}`);
  if (endpoint.ssh !== undefined) problems.push(...validateTarget(endpoint.ssh, "ssh", env, 0));
  const timeout = endpoint.connectTimeoutMs;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) problems.push("connectTimeoutMs must be a positive number");
  const attempts = endpoint.connectAttempts;
  if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= MIN_CONNECT_ATTEMPTS && attempts <= MAX_CONNECT_ATTEMPTS)) {
    problems.push(`connectAttempts must be an integer from ${MIN_CONNECT_ATTEMPTS} to ${MAX_CONNECT_ATTEMPTS}`);
  }
  const silence = endpoint.keepaliveTimeoutMs;
  if (silence !== undefined && !(Number.isFinite(silence) && silence > 0)) problems.push("keepaliveTimeoutMs must be a positive number");
  return problems;
}

function validateTarget(target: SshTarget, at: string, env: NodeJS.ProcessEnv, depth: number): string[] {
  const problems: string[] = [];
  const host = typeof target.host === "string" ? target.host : "";
  if (host === "") problems.push(`${at}.host is required`);
  else if (host.startsWith("[")) problems.push(`${at}.host: write IPv6 addresses without brackets`);
  else if (!/^[A-Za-z0-9._:%-]+$/.test(host) || host.startsWith("-") || host.length > 253) {
    problems.push(`${at}.host must be a host name or IP address`);
  }
  if (target.port !== undefined && !(Number.isInteger(target.port) && target.port >= 1 && target.port <= 65535)) {
    problems.push(`${at}.port must be an integer from 1 to 65535`);
  }
  if (typeof target.user !== "string" || target.user === "") problems.push(`${at}.user is required`);
  else if (!/^[^\s\x00-\x1f\x7f@:]+$/.test(target.user) || target.user.startsWith("-")) {
    problems.push(`${at}.user must not contain spaces, control characters, "@" or ":"`);
  }
  if (target.readyTimeoutMs !== undefined && !(Number.isFinite(target.readyTimeoutMs) && target.readyTimeoutMs > 0)) {
    problems.push(`${at}.readyTimeoutMs must be a positive number`);
  }
  problems.push(...validateAuth(target, at, env), ...validateHostKey(target, at));
  if (target.jump !== undefined) {
    if (depth + 1 > MAX_JUMPS) problems.push(`${at}: more than ${MAX_JUMPS} jump hosts`);
    else problems.push(...validateTarget(target.jump, `${at}.jump`, env, depth + 1));
  }
  return problems;
}

function validateAuth(target: SshTarget, at: string, env: NodeJS.ProcessEnv): string[] {
  const auth = target.auth;
  if (auth === undefined || auth === null || typeof auth !== "object") return [`${at}.auth is required`];
  const problems: string[] = [];
  if (auth.privateKey !== undefined && auth.privateKey.trim() === "") problems.push(`${at}.auth.privateKey is empty`);
  if (auth.privateKeyFile !== undefined && auth.privateKeyFile === "") problems.push(`${at}.auth.privateKeyFile is empty`);
  if (auth.password !== undefined && auth.password === "") problems.push(`${at}.auth.password is empty`);
  if (typeof auth.agent === "string" && auth.agent === "") problems.push(`${at}.auth.agent: give a socket path or true`);
  const identityFiles = auth.identityFiles ?? [];
  if (identityFiles.some((f) => f === "")) problems.push(`${at}.auth.identityFiles holds an empty path`);
  if (auth.passphrase !== undefined && auth.privateKey === undefined && auth.privateKeyFile === undefined && identityFiles.length === 0) {
    problems.push(`${at}.auth.passphrase is given without privateKey or privateKeyFile`);
  }
  const agentUsable = auth.agent === true ? (env["SSH_AUTH_SOCK"] ?? "") !== "" : typeof auth.agent === "string";
  const hasMethod =
    auth.privateKey !== undefined ||
    auth.privateKeyFile !== undefined ||
    identityFiles.length > 0 ||
    auth.password !== undefined ||
    agentUsable;
  if (!hasMethod) {
    problems.push(
      auth.agent === true
        ? `${at}.auth: agent is requested but SSH_AUTH_SOCK is not set, and no other method is given`
        : `${at}.auth needs at least one of privateKeyFile, privateKey, agent, password`,
    );
  }
  return problems;
}

function validateHostKey(target: SshTarget, at: string): string[] {
  const policy = target.hostKey;
  if (policy === undefined) return [];
  switch (policy.kind) {
    case "known-hosts":
      if (policy.file !== undefined && policy.text !== undefined) return [`${at}.hostKey: give file or text, not both`];
      if (policy.file === "") return [`${at}.hostKey.file is empty`];
      return [];
    case "fingerprint": {
      const problems: string[] = [];
      if (normalizeFingerprint(policy.fingerprint ?? "") === undefined) {
        problems.push(`${at}.hostKey.fingerprint must look like SHA256:<43 base64 characters> (as ssh-keygen -lf prints it)`);
      }
      if (policy.keyType !== undefined && !HOST_KEY_TYPES.includes(policy.keyType)) {
        problems.push(`${at}.hostKey.keyType must be one of ${HOST_KEY_TYPES.join(", ")}`);
      }
      return problems;
    }
    default:
      return [`${at}.hostKey.kind must be "known-hosts" or "fingerprint"`];
  }
}
