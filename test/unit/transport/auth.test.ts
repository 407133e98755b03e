import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AnyAuthMethod, AuthenticationType, KeyboardInteractiveAuthMethod } from "ssh2";

import { planAuth, type AuthPlan } from "../../../provider/transport/auth";
import { TransportError } from "../../../provider/transport/errors";
import type { SshAuth } from "../../../provider/transport/types";

const PASSPHRASE = "correct horse battery";

/** Drives the plan like ssh2 does; `offered` is what the server lists after each failure. */
function drive(plan: AuthPlan, offered: AuthenticationType[] | null): Array<AnyAuthMethod | false> {
  const picked: Array<AnyAuthMethod | false> = [];
  let methodsLeft: AuthenticationType[] | null = null;
  for (;;) {
    let got: AnyAuthMethod | false | undefined;
    plan.handler(methodsLeft as AuthenticationType[], false, (m) => (got = m as AnyAuthMethod | false));
    assert.notEqual(got, undefined);
    picked.push(got as AnyAuthMethod | false);
    if (got === false) return picked;
    methodsLeft = offered;
  }
}

describe("transport/auth", () => {
  let dir: string;
  let plainKey: string;
  let encryptedKeyFile: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "auth-"));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "plain")]);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", PASSPHRASE, "-f", join(dir, "encrypted")]);
    plainKey = await readFile(join(dir, "plain"), "utf8");
    encryptedKeyFile = join(dir, "encrypted");
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const target = (auth: SshAuth) => ({ host: "127.0.0.1", port: 2222, user: "kvmtest", auth });
  const authError = (pattern: RegExp, secret?: string) => (e: unknown) =>
    e instanceof TransportError && e.kind === "auth" && pattern.test(e.message) && (secret === undefined || !e.message.includes(secret));

  it("tries key text, key file, agent, password, keyboard-interactive in that order", async () => {
    const plan = await planAuth(
      target({ privateKey: plainKey, privateKeyFile: join(dir, "plain"), agent: "/tmp/agent.sock", password: "pw" }),
      {},
    );
    const types = drive(plan, null).map((m) => (m === false ? false : m.type));
    assert.deepEqual(types, ["publickey", "publickey", "agent", "password", "keyboard-interactive", false]);
    assert.ok(plan.exhausted());
  });

  it("tries an ssh config's key files after the agent, skipping those it cannot use and saying why", async () => {
    const missing = join(dir, "missing");
    const plan = await planAuth(
      target({ agent: "/tmp/agent.sock", identityFiles: [missing, encryptedKeyFile, join(dir, "plain")], password: "pw" }),
      {},
    );
    const picked = drive(plan, null);
    assert.deepEqual(
      picked.map((m) => (m === false ? false : m.type)),
      ["agent", "publickey", "password", "keyboard-interactive", false],
    );
    assert.match(plan.summary(), new RegExp(`IdentityFile ${missing} skipped: cannot be read \\(ENOENT\\)`));
    assert.match(plan.summary(), new RegExp(`IdentityFile ${encryptedKeyFile} skipped: is encrypted`));
    assert.match(plan.summary(), new RegExp(`private key file ${join(dir, "plain")} \\(ssh-ed25519\\)`));
    const decrypted = await planAuth(target({ identityFiles: [encryptedKeyFile], passphrase: PASSPHRASE }), {});
    assert.deepEqual(
      drive(decrypted, null).map((m) => (m === false ? false : m.type)),
      ["publickey", false],
      "the passphrase opens a config's key",
    );
    await assert.rejects(
      planAuth(target({ identityFiles: [missing] }), {}),
      authError(/no usable authentication method.*IdentityFile .*missing skipped/),
    );
  });

  it("skips methods the server does not offer, and says so in the summary", async () => {
    const plan = await planAuth(target({ privateKey: plainKey, password: "hunter2" }), {});
    const types = drive(plan, ["publickey"]).map((m) => (m === false ? false : m.type));
    assert.deepEqual(types, ["publickey", false]);
    assert.match(plan.summary(), /tried: private key \(ssh-ed25519\); server accepts: publickey/);
    assert.ok(!plan.summary().includes("hunter2"));
  });

  it("decrypts an encrypted key file with its passphrase", async () => {
    const plan = await planAuth(target({ privateKeyFile: encryptedKeyFile, passphrase: PASSPHRASE }), {});
    const [first] = drive(plan, null);
    assert.ok(first !== false && first?.type === "publickey");
  });

  it("says an encrypted key needs a passphrase", async () => {
    await assert.rejects(planAuth(target({ privateKeyFile: encryptedKeyFile }), {}), authError(/is encrypted; set auth.passphrase/));
  });

  it("says when the passphrase is wrong, without echoing it", async () => {
    await assert.rejects(
      planAuth(target({ privateKeyFile: encryptedKeyFile, passphrase: "wrong-pass-XYZ" }), {}),
      authError(/wrong passphrase/, "wrong-pass-XYZ"),
    );
  });

  it("names a missing key file", async () => {
    await assert.rejects(
      planAuth(target({ privateKeyFile: join(dir, "absent") }), {}),
      authError(/cannot read private key file .*absent.*ENOENT/),
    );
  });

  it("refuses a public key given as private key, without echoing key text", async () => {
    const pub = await readFile(join(dir, "plain.pub"), "utf8");
    await assert.rejects(planAuth(target({ privateKey: pub }), {}), authError(/is a public key/, pub.split(" ")[1]));
  });

  it("refuses garbage key text without echoing it", async () => {
    await assert.rejects(planAuth(target({ privateKey: "SECRET-GARBAGE" }), {}), authError(/could not be parsed/, "SECRET-GARBAGE"));
  });

  it("never echoes bytes ssh2 decoded from key text, whatever field it stumbles on", async () => {
    // ssh2 quotes the magic, cipher or kdf name it read from the key; each here is secret text.
    const armor = (body: Buffer): string =>
      `-----BEGIN OPENSSH PRIVATE KEY-----\n${body.toString("base64")}\n-----END OPENSSH PRIVATE KEY-----`;
    const field = (text: string): Buffer => Buffer.concat([Buffer.from([0, 0, 0, text.length]), Buffer.from(text)]);
    const padding = Buffer.alloc(32);
    const keys = [
      armor(Buffer.concat([Buffer.from("SECRETMAGIC-xyz\0"), padding])),
      armor(Buffer.concat([Buffer.from("openssh-key-v1\0"), field("SECRETCIPHER"), field("none"), padding])),
      armor(Buffer.concat([Buffer.from("openssh-key-v1\0"), field("aes256-ctr"), field("SECRETKDF"), field(""), padding])),
    ];
    for (const key of keys) {
      await assert.rejects(
        planAuth(target({ privateKey: key, passphrase: "pw" }), {}),
        (e: unknown) =>
          e instanceof TransportError &&
          e.kind === "auth" &&
          e.message.includes("the private key text (privateKey)") &&
          !/SECRET/.test(e.message) &&
          e.cause === undefined, // ssh2's error, quoting the key, is not kept either
      );
    }
  });

  it("reads the agent socket from SSH_AUTH_SOCK, and skips the agent with a note when unset", async () => {
    const withAgent = await planAuth(target({ agent: true }), { SSH_AUTH_SOCK: "/tmp/agent.sock" });
    const [first] = drive(withAgent, null);
    assert.ok(first !== false && first?.type === "agent" && first.agent === "/tmp/agent.sock");

    const skipped = await planAuth(target({ agent: true, password: "pw" }), {});
    assert.match(skipped.summary(), /SSH_AUTH_SOCK is not set/);
    await assert.rejects(planAuth(target({ agent: true }), {}), authError(/no usable authentication method/));
  });

  it("answers hidden keyboard-interactive prompts with the password, once", async () => {
    const plan = await planAuth(target({ password: "pw1" }), {});
    const methods = drive(plan, null);
    const ki = methods.find((m): m is KeyboardInteractiveAuthMethod => m !== false && m.type === "keyboard-interactive");
    assert.ok(ki !== undefined);
    const answers: string[][] = [];
    const prompts = [
      { prompt: "Password: ", echo: false },
      { prompt: "Name: ", echo: true },
    ];
    ki.prompt("", "", "", prompts, (a) => answers.push(a));
    ki.prompt("", "", "", prompts, (a) => answers.push(a));
    assert.deepEqual(answers, [
      ["pw1", ""],
      ["", ""],
    ]);
  });
});
