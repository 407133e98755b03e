/**
 * SSH user authentication: loads keys up front (so a bad key or passphrase is a clear
 * error before any network traffic) and drives ssh2's auth handler through our
 * method order, skipping methods the server does not offer.
 */
import { readFile } from "node:fs/promises";
import { utils, type AnyAuthMethod, type AuthHandlerMiddleware, type AuthenticationType, type ParsedKey } from "ssh2";

import { describeTarget } from "./describe";
import { TransportError } from "./errors";
import { expandHome } from "./hostKeyCheck";
import type { SshTarget } from "./types";

/** One method to try, with a secret-free label for messages. */
interface PlannedMethod {
  readonly label: string;
  /** The method name sshd lists in its "can continue" set. */
  readonly serverName: AuthenticationType;
  readonly method: AnyAuthMethod;
}

/** The authentication plan for one target, and what happened while following it. */
export interface AuthPlan {
  /** Hand this to ssh2's `authHandler`. */
  readonly handler: AuthHandlerMiddleware;
  /** True once every method was tried and none succeeded. */
  exhausted(): boolean;
  /** Secret-free account of what was tried, for the auth failure message. */
  summary(): string;
  /** Records a non-fatal problem seen during authentication (e.g. agent unreachable). */
  note(message: string): void;
  /** Once the login is done, the method the server accepted (the last one offered); a label, never a secret. */
  succeeded(): string | undefined;
}

/**
 * Builds the plan: key text, key file, agent, password, keyboard-interactive (see
 * {@link SshAuth} for why this order). Throws an `auth` {@link TransportError} when a
 * key cannot be loaded or decrypted, or when no usable method remains.
 */
export async function planAuth(target: SshTarget, env: NodeJS.ProcessEnv = process.env): Promise<AuthPlan> {
  const where = describeTarget(target);
  const { auth, user: username } = target;
  const planned: PlannedMethod[] = [];
  const notes: string[] = [];

  if (auth.privateKey !== undefined) {
    const key = loadKey(auth.privateKey, auth.passphrase, "the private key text (privateKey)", where);
    planned.push({ label: `private key (${key.type})`, serverName: "publickey", method: { type: "publickey", username, key } });
  }
  if (auth.privateKeyFile !== undefined) {
    const path = expandHome(auth.privateKeyFile);
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "read error";
      throw new TransportError("auth", where, `cannot read private key file ${path} for ${where} (${code})`, { cause: error });
    }
    const key = loadKey(data, auth.passphrase, `private key file ${path}`, where);
    planned.push({
      label: `private key file ${path} (${key.type})`,
      serverName: "publickey",
      method: { type: "publickey", username, key },
    });
  }
  if (auth.agent !== undefined && auth.agent !== false) {
    const socket = auth.agent === true ? env["SSH_AUTH_SOCK"] : auth.agent;
    if (socket === undefined || socket === "") notes.push("ssh-agent skipped: SSH_AUTH_SOCK is not set");
    else planned.push({ label: `ssh-agent at ${socket}`, serverName: "publickey", method: { type: "agent", username, agent: socket } });
  }
  for (const file of auth.identityFiles ?? []) {
    const path = expandHome(file);
    const key = await tryLoadKeyFile(path, auth.passphrase, where);
    if (typeof key === "string") notes.push(`IdentityFile ${path} skipped: ${key}`);
    else
      planned.push({
        label: `private key file ${path} (${key.type})`,
        serverName: "publickey",
        method: { type: "publickey", username, key },
      });
  }
  if (auth.password !== undefined) {
    const password = auth.password;
    planned.push({ label: "password", serverName: "password", method: { type: "password", username, password } });
    planned.push({
      label: "keyboard-interactive (password)",
      serverName: "keyboard-interactive",
      method: passwordPrompter(username, password),
    });
  }
  if (planned.length === 0) {
    throw new TransportError(
      "auth",
      where,
      `no usable authentication method for ${where}${notes.length > 0 ? `: ${notes.join("; ")}` : ""}`,
    );
  }
  return followPlan(planned, notes);
}

function followPlan(planned: readonly PlannedMethod[], notes: string[]): AuthPlan {
  const tried: string[] = [];
  let serverOffers: readonly string[] | undefined;
  let next = 0;
  let exhausted = false;
  const handler: AuthHandlerMiddleware = (methodsLeft, _partialSuccess, callback) => {
    // ssh2 passes null before the first attempt; afterwards the server's list.
    if (Array.isArray(methodsLeft)) serverOffers = methodsLeft;
    for (const candidate of planned.slice(next)) {
      next++;
      if (serverOffers !== undefined && !serverOffers.includes(candidate.serverName)) continue;
      tried.push(candidate.label);
      callback(candidate.method);
      return;
    }
    exhausted = true;
    // The typings only allow a method here; ssh2 documents `false` as "no more methods".
    (callback as (method: AnyAuthMethod | false) => void)(false);
  };
  return {
    handler,
    exhausted: () => exhausted,
    note: (message) => void notes.push(message),
    succeeded: () => tried[tried.length - 1],
    summary: () => {
      const parts = [`tried: ${tried.length > 0 ? tried.join(", ") : "nothing the server accepts"}`];
      if (serverOffers !== undefined) parts.push(`server accepts: ${serverOffers.join(", ") || "nothing"}`);
      if (notes.length > 0) parts.push(notes.join("; "));
      return parts.join("; ");
    },
  };
}

/**
 * Parses a private key, turning ssh2's messages into fixed ones that say what to fix.
 * ssh2's own text is never passed on: some of its messages quote what it decoded from
 * the key (its magic, cipher or type fields), which are bytes of the secret.
 */
function loadKey(data: string | Buffer, passphrase: string | undefined, what: string, where: string): ParsedKey {
  // Wider than ssh2's typings on purpose: its parser returns undefined for an OpenSSH key
  // file holding no key, and some of its releases return a list.
  const parsed = utils.parseKey(data, passphrase) as ParsedKey | ParsedKey[] | Error | undefined;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || key === undefined) {
    const message = key instanceof Error ? key.message : "";
    let reason: string;
    if (/no passphrase given/i.test(message)) reason = "is encrypted; set auth.passphrase";
    else if (/passphrase|integrity check/i.test(message)) reason = "could not be decrypted (wrong passphrase?)";
    else if (/^Unsupported (cipher|kdf)/i.test(message))
      reason = "is encrypted in a way ssh2 cannot read (re-encrypt it with ssh-keygen -p)";
    else reason = "could not be parsed: not a private key ssh2 can read (OpenSSH, PEM or PuTTY PPK)";
    throw new TransportError("auth", where, `${what} for ${where} ${reason}`);
  }
  if (!key.isPrivateKey()) throw new TransportError("auth", where, `${what} for ${where} is a public key, not a private key`);
  return key;
}

/** A key file an ssh config names, or why it is skipped (never a secret). */
async function tryLoadKeyFile(path: string, passphrase: string | undefined, where: string): Promise<ParsedKey | string> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code ?? "read error"})`;
  }
  try {
    return loadKey(data, passphrase, "it", where);
  } catch (error) {
    // loadKey's messages are fixed texts: "it for user@host:port is encrypted; …".
    return error instanceof TransportError ? error.message.replace(/^it for \S+ /, "") : "could not be parsed";
  }
}

/**
 * keyboard-interactive with a password: answers hidden prompts (echo off) with the
 * password, once. A second round means the password was refused; answering again
 * would only burn sshd's attempt budget.
 */
function passwordPrompter(username: string, password: string): AnyAuthMethod {
  let answered = false;
  return {
    type: "keyboard-interactive",
    username,
    prompt: (_name, _instructions, _lang, prompts, finish) => {
      if (answered || prompts.length === 0) {
        finish(prompts.map(() => ""));
        return;
      }
      answered = true;
      finish(prompts.map((p) => (p.echo === true ? "" : password)));
    },
  };
}
