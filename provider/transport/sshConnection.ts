/**
 * One authenticated ssh2 connection to one {@link SshTarget}, over a TCP socket we
 * open ourselves or over a stream forwarded through a jump host.
 *
 * Opening the TCP socket here (instead of letting ssh2 do it) gives connect errors
 * that name the host, and a handle we can destroy if a peer ignores our disconnect.
 */
import { createConnection, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { Client, type ConnectConfig, type ServerHostKeyAlgorithm } from "ssh2";

import { planAuth, type AuthPlan } from "./auth";
import type { DebugLog } from "./debugLog";
import { describeTarget, targetPort } from "./describe";
import { dialWithRetries, isTransientDialError } from "./dialRetry";
import { TransportError } from "./errors";
import { sha256Fingerprint } from "./fingerprint";
import { describeHostKeyPolicy, loadHostKeyCheck } from "./hostKeyCheck";
import { formatSeconds, onceEvent, settlesWithin, type Deadline } from "./timeout";
import type { SshTarget } from "./types";

/** Default time for TCP connect plus SSH handshake plus authentication. */
export const DEFAULT_READY_TIMEOUT_MS = 20_000;

/** Connection-level settings taken from {@link OpenLinkOptions}. */
export interface SshConnectionSettings {
  /** SSH keepalive interval in ms; 0 disables. */
  readonly keepaliveIntervalMs: number;
  /** Unanswered keepalives before ssh2 drops the connection. */
  readonly keepaliveCountMax: number;
  /** The budget for opening the whole link; each step takes at most what is left. */
  readonly deadline: Deadline;
  /** Progress messages (no secrets). */
  readonly log: (message: string) => void;
  /** Attempts at each TCP dial (see `dialRetry.ts`), at least 1. */
  readonly connectAttempts: number;
  /** The debug switch's events (no secrets). */
  readonly debug: DebugLog;
}

/** An authenticated connection, with what we need to watch and end it. */
export interface SshConnection {
  /** The ready ssh2 client. */
  readonly client: Client;
  /** `user@host:port`. */
  readonly description: string;
  /** Settles when the connection has closed. */
  readonly closed: Promise<void>;
  /** The first error reported after the connection became ready, if any. */
  failure(): Error | undefined;
  /** Milliseconds since the server last sent anything. */
  silentMs(): number;
  /** Disconnects politely, then forcibly after `timeoutMs`; never rejects. */
  end(timeoutMs: number): Promise<void>;
}

/**
 * Connects and authenticates to `target`. With `sock` (a jump host's forwarded
 * stream) no TCP connection is made. Rejects with a {@link TransportError} of kind
 * `connect`, `timeout`, `host-key` or `auth`; on rejection nothing is left open.
 */
export async function connectSsh(target: SshTarget, settings: SshConnectionSettings, sock?: Duplex): Promise<SshConnection> {
  const description = describeTarget(target);
  const readyTimeoutMs = target.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const hostKeyCheck = await loadHostKeyCheck(target);
  const plan = await planAuth(target);
  const tcp = sock === undefined ? await dialTcp(target, settings, readyTimeoutMs) : undefined;
  const transport: Duplex = tcp ?? (sock as Duplex);
  // Measured after the TCP connect, so the handshake gets what the connect left.
  const loginMs = settings.deadline.capped(readyTimeoutMs);

  const client = new Client();
  let hostKeyRefusal: TransportError | undefined;
  const config: ConnectConfig = {
    username: target.user,
    sock: transport,
    readyTimeout: loginMs,
    keepaliveInterval: settings.keepaliveIntervalMs,
    keepaliveCountMax: settings.keepaliveCountMax,
    authHandler: plan.handler,
    // The raw-key form: ssh2 passes the key blob when hostHash is unset.
    hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
      hostKeyRefusal = hostKeyCheck.check(key);
      if (hostKeyRefusal === undefined) {
        settings.log(`${description}: host key verified`);
        settings.debug(description, `host key verified: ${sha256Fingerprint(key)} (${describeHostKeyPolicy(target)})`);
      }
      verify(hostKeyRefusal === undefined);
    },
  };
  const preferred = hostKeyAlgorithms(hostKeyCheck.preferredKeyTypes);
  if (preferred.length > 0) {
    // Move the algorithms we can check to the front, keeping the rest as fallbacks.
    config.algorithms = { serverHostKey: { remove: preferred, prepend: preferred, append: [] } };
  }

  const closed = onceEvent(client, "close");
  client.on("handshake", (negotiated: HandshakeSummary) => {
    settings.debug(
      description,
      `SSH handshake done: kex ${negotiated.kex}, cipher ${negotiated.cs.cipher}, host key ${negotiated.serverHostKey}`,
    );
  });
  let ready = false;
  let failure: Error | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      client.on("ready", () => {
        ready = true;
        resolve();
      });
      client.on("error", (error: Error & { level?: string }) => {
        if (ready) {
          failure ??= error;
          return;
        }
        // ssh2 reports some auth problems as errors yet goes on to the next method.
        if ((error.level === "agent" || error.level === "client-authentication") && !plan.exhausted()) {
          plan.note(`${error.level === "agent" ? "ssh-agent" : "key"}: ${error.message}`);
          return;
        }
        reject(classify(error, description, loginMs, hostKeyRefusal, plan));
      });
      client.on("close", () => {
        if (!ready) reject(classify(undefined, description, loginMs, hostKeyRefusal, plan));
      });
      settings.log(`${description}: connecting`);
      try {
        client.connect(config);
      } catch (error) {
        // ssh2 validates its configuration synchronously (e.g. an algorithm this Node lacks).
        const reason = error instanceof Error ? error.message : String(error);
        reject(new TransportError("connect", description, `cannot start SSH session with ${description}: ${reason}`, { cause: error }));
      }
    });
  } catch (error) {
    // Here, not where ssh2 reports it: an error and the close after it are one failure.
    settings.debug(description, `login failed: ${error instanceof Error ? error.message : String(error)}`);
    client.destroy();
    tcp?.destroy();
    throw error;
  }
  tcp?.setNoDelay(true);
  settings.log(`${description}: authenticated`);
  settings.debug(description, `authenticated with ${plan.succeeded() ?? "no method (none asked for)"}`);
  // Only now: ssh2 reads the socket with its own 'data' listener from here on, and one
  // added earlier would start the flow before ssh2 listens and lose the first bytes.
  let lastHeard = Date.now();
  transport.on("data", () => void (lastHeard = Date.now()));

  return {
    client,
    description,
    closed,
    failure: () => failure,
    silentMs: () => Date.now() - lastHeard,
    end: async (timeoutMs) => {
      client.end();
      if (!(await settlesWithin(closed, timeoutMs))) {
        client.destroy();
        // ssh2 only destroys a socket it still considers writable; ours may be half-closed.
        transport.destroy();
      }
    },
  };
}

/** The parts of ssh2's `handshake` event the debug log shows (algorithm names only). */
interface HandshakeSummary {
  readonly kex: string;
  readonly serverHostKey: string;
  readonly cs: { readonly cipher: string };
}

/**
 * Opens the TCP connection, trying again after transient failures (`dialRetry.ts`),
 * each attempt within what is left of the link's budget.
 */
async function dialTcp(target: SshTarget, settings: SshConnectionSettings, readyTimeoutMs: number): Promise<Socket> {
  const description = describeTarget(target);
  const attempts = settings.connectAttempts;
  const attempt = (): Promise<Socket> =>
    connectTcp(target, settings.deadline.capped(readyTimeoutMs)).catch((error: unknown) => {
      settings.debug(description, `dial failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    });
  const socket = await dialWithRetries(attempt, {
    attempts,
    deadline: settings.deadline,
    codeOf: dialErrorCode,
    giveUp: (last, made, elapsedMs) => {
      if (!(last instanceof TransportError)) return last instanceof Error ? last : new Error(String(last));
      const cause = last.cause as NodeJS.ErrnoException | undefined;
      const reason = cause?.code === undefined ? last.message : socketReason(cause);
      // Fewer attempts than asked with a failure that may pass: the deadline stopped them.
      const cut = made < attempts && isTransientDialError(dialErrorCode(last));
      return new TransportError(
        last.kind,
        description,
        `cannot connect to ${description} after ${made} attempts over ${formatSeconds(elapsedMs)}` +
          `${cut ? ` (the connect timeout left no time for the other ${attempts - made})` : ""}: ${reason}`,
        { cause: last.cause ?? last },
      );
    },
    onAttempt: (attempt) => settings.debug(description, `dialing (attempt ${attempt} of ${attempts})`),
  });
  settings.debug(description, "TCP connected");
  return socket;
}

/** The socket error code of a failed dial; undefined for our own timeout, which is not retried. */
function dialErrorCode(error: unknown): string | undefined {
  if (!(error instanceof TransportError) || error.kind !== "connect") return undefined;
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Opens the TCP connection, mapping failures to `connect` / `timeout` errors. */
function connectTcp(target: SshTarget, timeoutMs: number): Promise<Socket> {
  const description = describeTarget(target);
  return new Promise<Socket>((resolve, reject) => {
    const socket = createConnection({ host: target.host, port: targetPort(target) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TransportError("timeout", description, `${description}: TCP connect: no answer within ${formatSeconds(timeoutMs)}`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new TransportError("connect", description, `cannot connect to ${description}: ${socketReason(error)}`, { cause: error }));
    });
  });
}

function socketReason(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ECONNREFUSED":
      return "connection refused (ECONNREFUSED): is sshd listening on that port?";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `host name not resolved (${error.code})`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `no route to host (${error.code})`;
    case "ETIMEDOUT":
      return "connection timed out (ETIMEDOUT)";
    default:
      return error.code === undefined ? error.message : `${error.message} (${error.code})`;
  }
}

/** Turns what ssh2 reported before `ready` into one clear error. */
function classify(
  error: (Error & { level?: string }) | undefined,
  description: string,
  readyTimeoutMs: number,
  hostKeyRefusal: TransportError | undefined,
  plan: AuthPlan,
): TransportError {
  // ssh2 only says "Host denied (verification failed)"; our verifier knows why.
  if (hostKeyRefusal !== undefined) return hostKeyRefusal;
  if (plan.exhausted()) {
    return new TransportError("auth", description, `authentication failed for ${description} (${plan.summary()})`, { cause: error });
  }
  if (error?.level === "client-timeout") {
    return new TransportError(
      "timeout",
      description,
      `${description}: SSH handshake and login: not finished within ${formatSeconds(readyTimeoutMs)} (${plan.summary()})`,
      { cause: error },
    );
  }
  if (error !== undefined && /authentication/i.test(error.message)) {
    return new TransportError("auth", description, `authentication failed for ${description}: ${error.message} (${plan.summary()})`, {
      cause: error,
    });
  }
  const reason = error === undefined ? "the server closed the connection" : error.message;
  return new TransportError("connect", description, `SSH connection to ${description} failed before login completed: ${reason}`, {
    cause: error,
  });
}

/** ssh2 host key algorithm names for known_hosts key types (RSA keys sign with SHA-2 first). */
function hostKeyAlgorithms(keyTypes: readonly string[]): ServerHostKeyAlgorithm[] {
  const result: ServerHostKeyAlgorithm[] = [];
  for (const type of keyTypes) {
    switch (type) {
      case "ssh-ed25519":
      case "ecdsa-sha2-nistp256":
      case "ecdsa-sha2-nistp384":
      case "ecdsa-sha2-nistp521":
        result.push(type);
        break;
      case "ssh-rsa":
        result.push("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa");
        break;
      default:
        // Types ssh2 cannot negotiate (e.g. ssh-dss) are left out rather than enabled.
        break;
    }
  }
  return result;
}
