/**
 * An in-process SSH server (ssh2's Server) on loopback, standing in for sshd so the
 * link code can be exercised end to end without real hosts: host key checks, auth,
 * the exec channel, jump forwards, drops and closes.
 */
import { once } from "node:events";
import { connect as tcpConnect, type AddressInfo } from "node:net";
import { Server, utils, type AuthContext, type Connection, type ServerChannel } from "ssh2";
import { ed25519KeyPair } from "./testKeys";

/** What the fake server does with an exec request. */
export type ExecBehaviour = (command: string, channel: ServerChannel) => void;

/** Options of the fake server. */
export interface FakeSshdOptions {
  /** Password accepted for every user; undefined accepts none. */
  readonly password?: string;
  /** OpenSSH public key line accepted for every user. */
  readonly authorizedKey?: string;
  /** Only offer keyboard-interactive for passwords (like PAM-only sshd setups). */
  readonly keyboardInteractiveOnly?: boolean;
  /** Exec handling; default echoes stdin to stdout. */
  readonly exec?: ExecBehaviour;
  /** Refuse exec channels (as sshd does beyond MaxSessions). */
  readonly refuseSessions?: boolean;
  /** Allow direct-tcpip forwards (jump host role). */
  readonly allowForwarding?: boolean;
}

/** A running fake server and what it saw. */
export interface FakeSshd {
  readonly port: number;
  /** `ssh-ed25519 AAAA...` */
  readonly hostKeyLine: string;
  /** Base64 of the host key blob. */
  readonly hostKeyBase64: string;
  /** Commands received on exec channels. */
  readonly commands: string[];
  /** Auth methods attempted, e.g. `password`, `publickey`. */
  readonly authAttempts: string[];
  /** Clients currently connected. */
  readonly clients: Set<Connection>;
  /** Resolves when an exec channel got EOF from the client. */
  readonly channelEofs: number[];
  stop(): Promise<void>;
}

/** Echo: what the client writes comes back, and EOF ends the "proxy" with status 0. */
export const echoExec: ExecBehaviour = (_command, channel) => {
  channel.on("data", (chunk: Buffer) => channel.write(chunk));
  channel.on("end", () => {
    channel.exit(0);
    channel.end();
  });
};

/** Starts a fake server on 127.0.0.1 with a fresh ed25519 host key. */
export async function startFakeSshd(options: FakeSshdOptions = {}): Promise<FakeSshd> {
  const hostKey = ed25519KeyPair();
  const hostKeyLine = hostKey.public.trim().split(/\s+/).slice(0, 2).join(" ");
  const hostKeyBase64 = hostKeyLine.split(" ")[1];
  const allowedKey = options.authorizedKey === undefined ? undefined : utils.parseKey(options.authorizedKey);
  const commands: string[] = [];
  const authAttempts: string[] = [];
  const channelEofs: number[] = [];
  const clients = new Set<Connection>();
  const methodsLeft = (): Array<"password" | "publickey" | "keyboard-interactive"> => {
    const methods: Array<"password" | "publickey" | "keyboard-interactive"> = [];
    if (allowedKey !== undefined) methods.push("publickey");
    if (options.password !== undefined) methods.push(options.keyboardInteractiveOnly === true ? "keyboard-interactive" : "password");
    return methods;
  };

  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    clients.add(client);
    client.on("close", () => clients.delete(client));
    client.on("error", () => undefined);
    client.on("authentication", (ctx: AuthContext) => {
      authAttempts.push(ctx.method);
      if (ctx.method === "password" && options.keyboardInteractiveOnly !== true && ctx.password === options.password) return ctx.accept();
      if (ctx.method === "keyboard-interactive" && options.keyboardInteractiveOnly === true) {
        return ctx.prompt([{ prompt: "Password: ", echo: false }], (answers) =>
          answers[0] === options.password ? ctx.accept() : ctx.reject(methodsLeft()),
        );
      }
      if (ctx.method === "publickey" && allowedKey !== undefined && !(allowedKey instanceof Error)) {
        const sameKey = ctx.key.algo === allowedKey.type && ctx.key.data.equals(allowedKey.getPublicSSH());
        if (sameKey && (ctx.signature === undefined || allowedKey.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo))) {
          return ctx.accept();
        }
      }
      return ctx.reject(methodsLeft());
    });
    client.on("ready", () => {
      client.on("session", (accept, reject) => {
        if (options.refuseSessions === true) return reject();
        const session = accept();
        session.on("exec", (acceptExec, _rejectExec, info) => {
          commands.push(info.command);
          const channel = acceptExec();
          channel.on("end", () => channelEofs.push(Date.now()));
          (options.exec ?? echoExec)(info.command, channel);
        });
      });
      client.on("tcpip", (accept, reject, info) => {
        if (options.allowForwarding !== true) return reject();
        const upstream = tcpConnect(info.destPort, info.destIP);
        upstream.once("error", () => reject());
        upstream.once("connect", () => {
          const channel = accept();
          channel.pipe(upstream).pipe(channel);
          channel.on("close", () => upstream.destroy());
          upstream.on("close", () => channel.end());
        });
      });
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    hostKeyLine,
    hostKeyBase64,
    commands,
    authAttempts,
    clients,
    channelEofs,
    stop: async () => {
      for (const client of clients) client.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
