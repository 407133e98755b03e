import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import { CloudInitDisk, VirtualMachine } from "../../../provider";
import { ConnectionPool, DomainXmlFlags, LibvirtConnection } from "../../../provider/libvirt";
import { buildDomainXml, Domain, Filesystem, Graphics, parseDomainXml } from "../../../provider/xml";
import { EngineHarness, opsByName, stdoutOf } from "../../engine";
import { sshEndpoint } from "../support/endpoints";
import { testHosts } from "../support/hosts";
import { consoleFolder, waitForConsole } from "./consoleFile";
import { definitions, guestBoot, since, tag } from "./support";

const { a } = testHosts();
const name = tag("periph");

interface Variant {
  password: string;
  /** The watchdog's action in xmlOverrides; no overrides when unset. */
  watchdogAction?: string;
  /** Appended to the guest's kernel command line (a change only a restart applies). */
  cmdline?: string;
}

const WATCHDOG = (action: string) => `<domain><devices><watchdog model='i6300esb' action='${action}'/></devices></domain>`;

/** The first bytes a VNC server sends: its protocol version. */
function vncBanner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no VNC banner on port ${port}`))), 10_000);
    socket.once("data", (data) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data.toString("latin1"));
    });
    socket.once("error", reject);
  });
}

// Host A's libvirtd shares this machine's file system: the console file and the shared folders are local.
describe("VirtualMachine display, serial console, guest agent, shared folders and xmlOverrides through the engine on host A", function () {
  this.timeout(600_000);
  const stack = new EngineHarness();
  const direct = new ConnectionPool({ idleMs: 100 });
  let conn: LibvirtConnection;
  let dir = "";

  const program = (v: Variant) => () => {
    // The test guest mounts the virtiofs folder, lists it and writes into it (the cloud kernel it runs has no 9p).
    const seed = new CloudInitDisk("seed", {
      pool: "default",
      name: `${name}-seed.iso`,
      userData: "#cloud-config\n#mount virtiofs pkvmshare\n",
      metaData: `instance-id: ${name}\nlocal-hostname: periph\n`,
      connection: guestBoot(a).connection,
    });
    const vm = new VirtualMachine("periph", {
      name,
      ...guestBoot(a),
      cmdline: `console=ttyS0${v.cmdline ?? ""}`,
      memory: "160MiB",
      shutdownTimeoutSeconds: 20,
      graphics: { type: "vnc", password: v.password },
      // A pty (virsh console) whose output libvirt also writes to a file.
      serialConsole: { logFile: path.join(dir, "console.log") },
      guestAgent: false,
      filesystems: [
        { source: path.join(dir, "share"), tag: "pkvmshare" },
        { source: path.join(dir, "share9p"), tag: "pkvm9p", driver: "9p", readonly: true },
      ],
      cloudInit: { disk: seed, bus: "scsi" },
      xmlOverrides: v.watchdogAction === undefined ? undefined : WATCHDOG(v.watchdogAction),
    });
    return { state: vm.state };
  };

  before(async () => {
    conn = (await direct.acquire(sshEndpoint(a))).connection;
    // The host's daemon writes the console file and serves the folders; both share this machine's /tmp.
    dir = consoleFolder("periph");
    mkdirSync(path.join(dir, "share"));
    writeFileSync(path.join(dir, "share", "hello.txt"), "hello from the host\n");
    mkdirSync(path.join(dir, "share9p"));
  });

  after(async () => {
    await stack.destroy();
    await direct.closeAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("starts the VM with a VNC display, its console logged to a file, no agent channel, two shared folders (the guest mounts the virtiofs one, reads and writes it) and the overrides; a second run is same", async () => {
    const t0 = Date.now();
    const up = await stack.up(program({ password: "pkvm-pw1", watchdogAction: "reset" }));
    console.log(`      create: ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { seed: "create", periph: "create" });
    assert.ok(!up.output.some((l) => l.text.includes("pkvm-pw1")), "the display password reached the output");
    const resource = stack.state.resources.find((r) => r.name === "periph");
    assert.ok(resource?.secretOutputs.includes("graphics"), "graphics (holding the password) is not secret in state");

    const { running } = await definitions(conn, name);
    assert.ok(running, "the VM is not running");
    const vnc = running.devices.find((d): d is Graphics => d.kind === "graphics");
    assert.equal(vnc?.type, "vnc");
    assert.ok((vnc?.port ?? 0) >= 5900, `no VNC port chosen: ${vnc?.port}`);
    const banner = await vncBanner(vnc.port!);
    assert.match(banner, /^RFB 003\.00\d\n/);
    console.log(`      VNC on 127.0.0.1:${vnc.port}: ${JSON.stringify(banner)}`);
    // The password is set on the running display (read with the secure flag).
    const secure = await conn.domains.xmlDesc(await conn.domains.lookupByName(name), DomainXmlFlags.Secure);
    assert.match(secure, /passwd=["']pkvm-pw1["']/);

    assert.equal(running.devices.filter((d) => d.kind === "channel").length, 0, "a guest agent channel was defined");
    const shares = running.devices.filter((d): d is Filesystem => d.kind === "filesystem");
    assert.deepEqual(
      shares.map((f) => [f.target.dir, f.driver?.type ?? "9p", f.readonly === true]),
      [
        ["pkvmshare", "virtiofs", false],
        ["pkvm9p", "9p", true],
      ],
    );
    const watchdog = running.devices.find((d) => d.kind === "other" && d.node.name === "watchdog");
    assert.equal(watchdog?.kind === "other" && watchdog.node.attrs.action, "reset");

    const lines = await waitForConsole(path.join(dir, "console.log"), [
      /^guest: mounted pkvmshare \(virtiofs\)$/,
      /^guest: file pkvmshare\/hello.txt: hello from the host$/,
      /^guest: wrote pkvmshare\/from-guest$/,
    ]);
    console.log(`      console log file: ${lines.filter((l) => /^guest: (mounted|file|wrote)/.test(l)).join(" | ")}`);
    assert.equal(readFileSync(path.join(dir, "share", "from-guest"), "utf8"), "written by periph\n");

    const t1 = Date.now();
    const again = await stack.up(program({ password: "pkvm-pw1", watchdogAction: "reset" }));
    console.log(`      no-change run: ${since(t1)} s`);
    assert.deepEqual(again.errors, []);
    assert.deepEqual(opsByName(again), { seed: "same", periph: "same" });
  });

  it("previews a hand-removed override device as drift of xmlOverrides and puts it back", async () => {
    const ref = await conn.domains.lookupByName(name);
    const { config } = await definitions(conn, name);
    const without: Domain = { ...config, devices: config.devices.filter((d) => !(d.kind === "other" && d.node.name === "watchdog")) };
    await conn.domains.define(buildDomainXml(without));

    const preview = await stack.preview(program({ password: "pkvm-pw1", watchdogAction: "reset" }));
    assert.deepEqual(preview.errors, []);
    assert.equal(preview.steps.find((s) => s.name === "periph")?.op, "update");
    const lines = stdoutOf(preview).filter((l) => l.includes("xmlOverrides"));
    assert.ok(
      lines.some((l) => /watchdog/.test(l)),
      `no drift line names xmlOverrides and the watchdog:\n${stdoutOf(preview).join("\n")}`,
    );
    console.log(`      ${lines[0]}`);

    const up = await stack.up(program({ password: "pkvm-pw1", watchdogAction: "reset" }));
    assert.deepEqual(up.errors, []);
    const after = await conn.domains.xmlDesc(ref, DomainXmlFlags.Inactive);
    assert.match(after, /<watchdog model=["']i6300esb["'] action=["']reset["']/);
  });

  it("applies a changed override with a restart and a changed password live, never printing the password", async () => {
    const t0 = Date.now();
    const v = { password: "pkvm-pw2", watchdogAction: "poweroff" };
    const up = await stack.up(program(v));
    console.log(`      update (overrides + password, restart): ${since(t0)} s`);
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { seed: "same", periph: "update" });
    assert.ok(!up.output.some((l) => /pkvm-pw[12]/.test(l.text)), "a display password reached the output");
    assert.ok(
      stdoutOf(up).some((l) => /restarting to apply .*xmlOverrides/.test(l)) && stdoutOf(up).some((l) => /graphics: applied live/.test(l)),
      stdoutOf(up).join("\n"),
    );

    const ref = await conn.domains.lookupByName(name);
    const running = await conn.domains.xmlDesc(ref, DomainXmlFlags.Secure);
    assert.match(running, /<watchdog model=["']i6300esb["'] action=["']poweroff["']/);
    assert.match(running, /passwd=["']pkvm-pw2["']/);
    assert.deepEqual(opsByName(await stack.up(program(v))), { seed: "same", periph: "same" });
  });

  it("removes the override's device when the program drops xmlOverrides, restarting the VM", async () => {
    const before = await definitions(conn, name);
    const up = await stack.up(program({ password: "pkvm-pw2" }));
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { seed: "same", periph: "update" });
    const after = await definitions(conn, name);
    const hasWatchdog = (d: Domain | undefined) => d?.devices.some((x) => x.kind === "other" && x.node.name === "watchdog");
    assert.equal(hasWatchdog(after.config), false, "the definition still has the watchdog");
    assert.equal(hasWatchdog(after.running), false, "the running VM still has the watchdog");
    assert.notEqual(after.running?.id, before.running?.id, "the VM was not restarted");
    assert.deepEqual(opsByName(await stack.up(program({ password: "pkvm-pw2" }))), { seed: "same", periph: "same" });
  });

  it("keeps a device added by hand through a rewrite of the definition", async () => {
    const ref = await conn.domains.lookupByName(name);
    // With the secure flag: a definition written back without the display password would be drift of its own.
    const config = parseDomainXml(await conn.domains.xmlDesc(ref, DomainXmlFlags.Secure | DomainXmlFlags.Inactive));
    const panic = { kind: "other" as const, node: { name: "panic", attrs: { model: "isa" }, children: [] } };
    await conn.domains.define(buildDomainXml({ ...config, devices: [...config.devices, panic] }));
    // Not drift: nothing in the program speaks of it.
    assert.deepEqual(opsByName(await stack.preview(program({ password: "pkvm-pw2" }))), { seed: "same", periph: "same" });

    const up = await stack.up(program({ password: "pkvm-pw2", cmdline: " quiet" }));
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { seed: "same", periph: "update" });
    const after = await conn.domains.xmlDesc(ref, DomainXmlFlags.Secure | DomainXmlFlags.Inactive);
    assert.match(after, /quiet<\/cmdline>/, "the definition was not rewritten");
    assert.match(after, /<panic model=["']isa["']/, "the hand-added device is gone");
    assert.match(await conn.domains.xmlDesc(ref), /<panic model=["']isa["']/, "the restarted VM lacks the hand-added device");
  });

  it("sets a new display password on the running VM in place, without a restart", async () => {
    const before = await definitions(conn, name);
    const v = { password: "pkvm-pw4", cmdline: " quiet" };
    const up = await stack.up(program(v));
    assert.deepEqual(up.errors, []);
    assert.deepEqual(opsByName(up), { seed: "same", periph: "update" });
    assert.ok(
      stdoutOf(up).some((l) => /graphics: applied live/.test(l)),
      stdoutOf(up).join("\n"),
    );
    assert.ok(!up.output.some((l) => l.text.includes("pkvm-pw")), "a display password reached the output");
    const ref = await conn.domains.lookupByName(name);
    assert.match(await conn.domains.xmlDesc(ref, DomainXmlFlags.Secure), /passwd=["']pkvm-pw4["']/);
    assert.match(await conn.domains.xmlDesc(ref, DomainXmlFlags.Secure | DomainXmlFlags.Inactive), /passwd=["']pkvm-pw4["']/);
    assert.equal((await definitions(conn, name)).running?.id, before.running?.id, "the VM was restarted");
    assert.deepEqual(opsByName(await stack.up(program(v))), { seed: "same", periph: "same" });
  });
});
