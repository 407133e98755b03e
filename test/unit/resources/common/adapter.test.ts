import assert from "node:assert/strict";
import { sharedConnectionPool } from "../../../../provider/libvirt";
import { UNKNOWN } from "../../../../provider/resources/common/unknowns";
import { configure, handler } from "../../../../provider/resources/runtime";
import { conn, goodNet, localFiles } from "../../../support/badInputCases";

describe("resources/common/adapter: check holds the stack configuration's connection defaults to the connection's rules", () => {
  /** Sets the stack's `kvm:*` configuration, as the engine's Configure call does. */
  const setConfig = (config: Record<string, string>) => configure({ config: { get: (key) => config[key.replace(/^kvm:/, "")] } });
  const good = { host: "hv1.example", user: "ops", privateKeyPath: localFiles.key, knownHostsPath: localFiles.knownHosts };
  const { connection: _, ...netWithoutConnection } = goodNet;
  const failuresOf = async (inputs: Record<string, unknown>) => (await handler("Network").check({}, inputs)).failures ?? [];

  afterEach(() => setConfig({}));

  it("accepts good configuration values", async () => {
    await setConfig({ ...good, port: "2222", connectTimeoutSeconds: "5" });
    assert.deepEqual(await failuresOf(netWithoutConnection), []);
  });

  it("refuses a missing key file from the configuration, naming its config key", async () => {
    await setConfig({ ...good, privateKeyPath: "/nonexistent/pkvm/id" });
    const failures = await failuresOf(netWithoutConnection);
    assert.deepEqual(
      failures.map((f) => f.property),
      ["kvm:privateKeyPath"],
    );
    assert.match(failures[0]?.reason ?? "", /^kvm:privateKeyPath does not exist on the machine that runs Pulumi: .*stack configuration/);
    assert.equal(sharedConnectionPool().size, 0, "check contacted a host");
  });

  it("refuses a port that is not a number and a timeout of zero", async () => {
    await setConfig({ ...good, port: "abc", connectTimeoutSeconds: "0" });
    const failures = await failuresOf(netWithoutConnection);
    assert.deepEqual(
      failures.map((f) => f.property),
      ["kvm:port", "kvm:connectTimeoutSeconds"],
    );
    assert.match(failures[0]?.reason ?? "", /^kvm:port must be a number \(from the stack configuration\)$/);
    assert.match(failures[1]?.reason ?? "", /^kvm:connectTimeoutSeconds must be a whole number from 1 to 3600/);
  });

  it("fails a resource on what it inherits, never on a value its own connection overrides or on another host's defaults", async () => {
    await setConfig({ ...good, port: "abc", connectTimeoutSeconds: "0" });
    // Same host, the port and timeout left out: both inherited.
    assert.deepEqual(
      (await failuresOf(goodNet)).map((f) => f.property),
      ["kvm:port", "kvm:connectTimeoutSeconds"],
    );
    // Its own port: only the timeout is inherited.
    assert.deepEqual(
      (await failuresOf({ ...goodNet, connection: { ...conn, port: 2222 } })).map((f) => f.property),
      ["kvm:connectTimeoutSeconds"],
    );
    assert.deepEqual(await failuresOf({ ...goodNet, connection: { ...conn, port: 2222, connectTimeoutSeconds: 5 } }), []);
    // Another host inherits none of the defaults.
    assert.deepEqual(await failuresOf({ ...goodNet, connection: { ...conn, host: "hv2.example" } }), []);
  });

  it("leaves the defaults alone while the resource's connection is not known (a preview)", async () => {
    await setConfig({ ...good, port: "abc" });
    assert.deepEqual(await failuresOf({ ...goodNet, connection: UNKNOWN }), []);
  });
});

describe("resources/common/adapter: the host an object lives on", () => {
  const setConfig = (config: Record<string, string>) => configure({ config: { get: (key) => config[key.replace(/^kvm:/, "")] } });
  const { connection: _, ...net } = goodNet;
  const hv = (host: string) => ({ host, user: "ops", privateKeyPath: localFiles.key, knownHostsPath: localFiles.knownHosts });
  afterEach(() => setConfig({}));
  /** The inputs check returns (the provider types them loosely). */
  const checked = async (olds: Record<string, unknown>, news: Record<string, unknown>): Promise<Record<string, unknown>> =>
    (await handler("Network").check(olds, news)).inputs as Record<string, unknown>;

  it("check records the host the inputs resolve to, from the connection or the configuration", async () => {
    const own = await checked({}, goodNet);
    assert.deepEqual(own.__host, { host: conn.host, port: 22, user: conn.user, uri: "qemu:///system" });
    await setConfig({ ...hv("hv2.example"), port: "2222" });
    const fromConfig = await checked({}, net);
    assert.deepEqual(fromConfig.__host, { host: "hv2.example", port: 2222, user: "ops", uri: "qemu:///system" });
    assert.equal(fromConfig.__movedFrom, undefined);
  });

  it("check records the previous host when the configuration moved the object, and refuses none of it from the program", async () => {
    await setConfig(hv("hv1.example"));
    const before = await checked({}, net);
    await setConfig(hv("hv2.example"));
    const after = await checked(before, { ...net, __movedFrom: { uri: "x" } });
    assert.equal((after.__host as { host: string }).host, "hv2.example");
    assert.equal((after.__movedFrom as { host: string }).host, "hv1.example");
    const stays = await checked(after, net);
    assert.equal(stays.__movedFrom, undefined, "a program's __movedFrom is never taken");
  });

  it("a move to another host replaces the object naming connection, the new one first, touching no host", async () => {
    await setConfig(hv("hv1.example"));
    const first = await checked({}, net);
    const stored = { ...first, uuid: "u", hostIdentity: first.__host };
    await setConfig(hv("hv2.example"));
    const news = await checked(first, net);
    const diff = await handler("Network").diff("u", stored, news);
    assert.deepEqual(diff, { changes: true, replaces: ["connection"], deleteBeforeReplace: false });
    // A state whose outputs hold no host (written before they did) moves by what check recorded.
    const { hostIdentity: __, ...legacy } = stored;
    assert.deepEqual(await handler("Network").diff("u", legacy, news), {
      changes: true,
      replaces: ["connection"],
      deleteBeforeReplace: false,
    });
    // Another replacing change on top: the old object goes first, as on one host.
    const renamed = await checked(first, { ...net, name: "lab2" });
    assert.deepEqual(await handler("Network").diff("u", stored, renamed), {
      changes: true,
      replaces: ["name", "connection"],
      deleteBeforeReplace: true,
    });
    assert.equal(sharedConnectionPool().size, 0, "a host was contacted");
  });

  it('a VM with onHostChange "replace" (or not known yet) is replaced on a move without asking the old host', async () => {
    const vm = { name: "vm" };
    await setConfig(hv("hv1.example"));
    for (const onHostChange of ["replace", UNKNOWN]) {
      const first = (await handler("VirtualMachine").check({}, { ...vm, onHostChange: "replace" })).inputs as Record<string, unknown>;
      const stored = { ...first, uuid: "u", hostIdentity: first.__host };
      await setConfig(hv("hv2.example"));
      const news = (await handler("VirtualMachine").check(first, { ...vm, onHostChange })).inputs as Record<string, unknown>;
      const diff = await handler("VirtualMachine").diff("u", stored, news);
      // A preview with unknown inputs does not say the order (as before this choice existed).
      const order = onHostChange === UNKNOWN ? {} : { deleteBeforeReplace: false };
      assert.deepEqual(diff, { changes: true, replaces: ["connection"], ...order }, String(onHostChange));
      await setConfig(hv("hv1.example"));
    }
    assert.equal(sharedConnectionPool().size, 0, "a host was contacted");
  });

  it("a running VM's move fails its diff when the old host cannot be reached, saying how to replace it instead", async () => {
    // Nothing listens on port 1 of this machine: the old host refuses at once.
    const gone = { ...hv("127.0.0.1"), port: 1, connectAttempts: 1, connectTimeoutSeconds: 2 };
    const first = (await handler("VirtualMachine").check({}, { name: "vm", connection: gone })).inputs as Record<string, unknown>;
    const stored = { ...first, uuid: "u", hostIdentity: first.__host };
    const news = (await handler("VirtualMachine").check(first, { name: "vm", connection: hv("hv2.example") })).inputs as Record<
      string,
      unknown
    >;
    await assert.rejects(
      handler("VirtualMachine").diff("u", stored, news),
      /^Error: VirtualMachine vm: cannot tell whether it moves in place from ops@127\.0\.0\.1:1 qemu:\/\/\/system: .*\(onHostChange: "replace" moves it by a replacement\)$/s,
    );
  });
});
