/**
 * Hosts named as operators name them for `ssh` and `virsh -c qemu+ssh://alias/system`: by
 * the Host aliases of an OpenSSH client config. The file (written per run in a temporary
 * folder) names host B by an alias whose HostName, Port, User, IdentityFile and
 * UserKnownHostsFile lead to B's sshd, with a ProxyJump through host A's sshd, itself an
 * alias of the same file. A connection of nothing but that alias and the file reaches B,
 * through A; its own fields win over the file; an unknown host key is still refused.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { LibvirtConnection } from "../../../provider/libvirt";
import type { ConnectionSpec } from "../../../provider/resources/common/connection";
import { toEndpoint } from "../../../provider/resources/common/connection";
import { Network } from "../../../provider";
import { isTransportError, openLink, type Link } from "../../../provider/transport";
import { EngineHarness, opsByName } from "../../engine";
import { testHosts, type TestHost } from "../support/hosts";
import { RemoteCommandError, virsh } from "../support/virsh";

const { a, b } = testHosts();
const tag = `pkvm-sshcfg-${process.pid % 100000}`;
/** A network defined on host B only, by virsh: finding it proves which daemon answered. */
const ONLY_ON_B = `${tag}-only-b`;

/** A Host section of the file for a test host. */
function section(alias: string, host: TestHost, more: string[] = [], knownHosts = host.knownHostsPath): string[] {
  return [
    `Host ${alias}`,
    `  HostName ${host.host}`,
    `  Port ${host.port}`,
    `  User ${host.user}`,
    `  IdentityFile ${host.keyPath}`,
    `  UserKnownHostsFile ${knownHosts}`,
    ...more,
  ];
}

/** Whether virsh finds a network of that name on `host`. */
async function hasNetwork(host: TestHost, name: string): Promise<boolean> {
  return virsh(host, ["net-info", name]).then(
    () => true,
    (err: unknown) => {
      if (err instanceof RemoteCommandError && /not found|no network with matching/i.test(err.stderr)) return false;
      throw err;
    },
  );
}

describe("resources: a connection named by an ssh config alias, through a ProxyJump", function () {
  this.timeout(120_000);
  let dir: string;
  let configPath: string;
  const links: Link[] = [];

  /** Opens the connection the way the provider does, and whether host B's own network is there. */
  async function reach(connection: ConnectionSpec): Promise<{ link: Link; seesB: boolean }> {
    const endpoint = toEndpoint(connection);
    const startedAt = Date.now();
    const link = await openLink(endpoint);
    links.push(link);
    const conn = await LibvirtConnection.open(link.stream, {
      uri: endpoint.uri,
      description: link.description,
      keepalive: false,
      startedAt,
    });
    try {
      const seesB = await conn.networks.lookupByName(ONLY_ON_B).then(
        () => true,
        () => false,
      );
      return { link, seesB };
    } finally {
      await link.close();
      await conn.close();
    }
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pkvm-sshconfig-"));
    configPath = join(dir, "config");
    const emptyKnownHosts = join(dir, "known_hosts_empty");
    await writeFile(emptyKnownHosts, "");
    await writeFile(
      configPath,
      [
        "# host B, reached as ssh reaches it: through host A",
        ...section("pkvm-b", b, ["  ProxyJump pkvm-a"]),
        "",
        ...section("pkvm-a", a),
        "",
        "# host B again, with a known_hosts file that does not hold its key",
        ...section("pkvm-b-unknown-key", b, ["  ProxyJump pkvm-a"], emptyKnownHosts),
        "",
      ].join("\n"),
    );
    await virsh(b, ["net-define", "/dev/stdin"], { input: `<network><name>${ONLY_ON_B}</name></network>` });
    assert.equal(await hasNetwork(a, ONLY_ON_B), false, "host A must not have host B's network");
  });

  after(async () => {
    for (const link of links) await link.close();
    await virsh(b, ["net-undefine", ONLY_ON_B]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it("reaches host B through host A given only the alias and the file", async () => {
    const { link, seesB } = await reach({ host: "pkvm-b", sshConfigPath: configPath });
    assert.equal(link.description, `${b.user}@${b.host}:${b.port} via ${a.user}@${a.host}:${a.port}`);
    assert.equal(seesB, true, "the daemon that answered is not host B's");
  });

  it("lets the connection's own port win over the file's: the same route then ends at host A", async () => {
    const { link, seesB } = await reach({ host: "pkvm-b", sshConfigPath: configPath, port: a.port });
    assert.equal(link.description, `${b.user}@${b.host}:${a.port} via ${a.user}@${a.host}:${a.port}`);
    assert.equal(seesB, false, "host A answered with host B's network");
  });

  it("lets the connection's own login win over the file's", async () => {
    await assert.rejects(reach({ host: "pkvm-b", sshConfigPath: configPath, user: "pkvm-nobody" }), (e: unknown) => {
      assert.ok(isTransportError(e) && e.kind === "auth", String(e));
      assert.equal(e.target, `pkvm-nobody@${b.host}:${b.port}`);
      return true;
    });
  });

  it("refuses a host key the file's UserKnownHostsFile does not hold", async () => {
    await assert.rejects(reach({ host: "pkvm-b-unknown-key", sshConfigPath: configPath }), (e: unknown) => {
      assert.ok(isTransportError(e) && e.kind === "host-key", String(e));
      assert.equal(e.target, `${b.user}@${b.host}:${b.port}`);
      return true;
    });
  });

  it("creates, keeps and deletes a resource on host B, its host recorded as the alias resolves", async () => {
    const stack = new EngineHarness({ config: { "kvm:sshConfigPath": configPath } });
    const name = `${tag}-net`;
    const program = () => {
      new Network("net", { name, mode: "isolated", connection: { host: "pkvm-b" } });
    };
    try {
      const up = await stack.up(program);
      assert.deepEqual(up.errors, []);
      assert.deepEqual(opsByName(up), { net: "create" });
      assert.deepEqual([await hasNetwork(b, name), await hasNetwork(a, name)], [true, false]);
      const net = stack.state.resources.find((r) => r.name === "net");
      assert.deepEqual(net?.outputs.hostIdentity, { host: b.host, port: b.port, user: b.user, uri: "qemu:///system" });

      const again = await stack.up(program);
      assert.deepEqual(again.errors, []);
      assert.deepEqual(opsByName(again), { net: "same" });
    } finally {
      const down = await stack.destroy();
      assert.deepEqual(down.errors, []);
    }
    assert.equal(await hasNetwork(b, name), false, "destroy left the network on host B");
  });
});
