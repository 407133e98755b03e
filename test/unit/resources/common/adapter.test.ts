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
