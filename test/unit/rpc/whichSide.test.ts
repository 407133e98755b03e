import { strict as assert } from "node:assert";

import { RpcClient, RpcLinkError } from "../../../provider/rpc";
import { openLink, type Link, type OpenLinkOptions, type SshTarget } from "../../../provider/transport";
import { startFakeSshd, type ExecBehaviour, type FakeSshd } from "../transport/support/fakeSshd";
import { startFreezableProxy, type FreezableProxy } from "../transport/support/freezableProxy";

const PASSWORD = "pw-Secret-123";
const GET_LIB_VERSION = 157;
/** Fast libvirt keepalive: the daemon counts as silent after 0.3 s. */
const KEEPALIVE = { intervalMs: 100, count: 2 };
/**
 * SSH keepalives often enough that a live link is always heard, never enough to drop it
 * here; a short close, since a frozen link never answers the goodbye.
 */
const SSH_KEEPALIVE: OpenLinkOptions = { keepaliveIntervalMs: 50, keepaliveCountMax: 1000, closeTimeoutMs: 300 };
/** A "proxy" on the host that takes the bytes and never answers: a frozen daemon. */
const silentDaemon: ExecBehaviour = (_command, channel) => void channel.on("data", () => undefined);

describe("rpc over SSH: a failure names the side that failed", function () {
  this.timeout(10000);
  let server: FakeSshd | undefined;
  let relay: FreezableProxy | undefined;
  let link: Link | undefined;

  afterEach(async () => {
    await link?.close();
    await relay?.stop();
    await server?.stop();
    link = relay = server = undefined;
  });

  /** Opens a link to the fake sshd (through a relay that can freeze, if asked) and an RPC client on it. */
  async function connect(exec: ExecBehaviour, viaRelay = false): Promise<RpcClient> {
    server = await startFakeSshd({ password: PASSWORD, exec });
    if (viaRelay) relay = await startFreezableProxy(server.port);
    const port = relay?.port ?? server.port;
    const ssh: SshTarget = {
      host: "127.0.0.1",
      port,
      user: "kvmtest",
      auth: { password: PASSWORD },
      hostKey: { kind: "known-hosts", text: `[127.0.0.1]:${port} ${server.hostKeyLine}` },
    };
    link = await openLink({ uri: "qemu:///system", ssh }, SSH_KEEPALIVE);
    return new RpcClient(link.stream, { description: link.description, linkClosed: link.closed, linkSilentMs: link.silentMs });
  }

  async function failure(call: Promise<unknown>): Promise<RpcLinkError> {
    const error = await call.then(
      () => assert.fail("the call succeeded"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RpcLinkError, String(error));
    return error;
  }

  it("a link that freezes after open: the SSH link is named, not the daemon", async () => {
    const rpc = await connect(silentDaemon, true);
    assert.ok(relay !== undefined);
    relay.freeze();
    rpc.startKeepalive(KEEPALIVE);
    const error = await failure(rpc.call(GET_LIB_VERSION));
    assert.equal(error.side, "link");
    assert.match(error.message, new RegExp(`^kvmtest@127\\.0\\.0\\.1:${relay.port}: the SSH link has been silent`));
    assert.match(error.message, /check that the host is reachable/);
    assert.doesNotMatch(error.message, /daemon/);
  });

  it("a daemon that freezes while the link answers: the daemon is named", async () => {
    const rpc = await connect(silentDaemon);
    rpc.startKeepalive(KEEPALIVE);
    const error = await failure(rpc.call(GET_LIB_VERSION));
    assert.equal(error.side, "daemon");
    assert.match(error.message, /no answer from the daemon for 0\.3 s while the link is alive \(libvirt keepalive\)/);
    assert.match(error.message, /is libvirtd on the host running/);
  });

  it("a dropped SSH connection reads as the link lost, not as the daemon closing", async () => {
    const rpc = await connect(silentDaemon);
    const call = rpc.call(GET_LIB_VERSION);
    for (const client of server?.clients ?? []) client.end();
    const error = await failure(call);
    assert.match(error.message, /SSH link to kvmtest@127\.0\.0\.1:\d+ closed by the server or the network/);
    assert.doesNotMatch(error.message, /daemon closed/);
  });

  it("a daemon that closes its end reads as the daemon, saying what to check", async () => {
    const rpc = await connect((_command, channel) => {
      // What nc or virt-ssh-helper do when libvirtd closes the socket: exit 0.
      channel.once("data", () => {
        channel.exit(0);
        channel.end();
      });
    });
    const error = await failure(rpc.call(GET_LIB_VERSION));
    assert.match(error.message, /the libvirt daemon behind kvmtest@127\.0\.0\.1:\d+ closed its end of the connection/);
    assert.match(error.message, /systemctl status libvirtd/);
  });
});
