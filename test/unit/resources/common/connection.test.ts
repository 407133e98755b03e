import assert from "node:assert/strict";
import {
  checkInheritedDefaults,
  connectionDefaultsFromConfig,
  ConnectionSpec,
  toEndpoint,
} from "../../../../provider/resources/common/connection";
import { Problems } from "../../../../provider/resources/common/problems";
import { localFiles } from "../../../support/badInputCases";

describe("resources/common/connection: the connect timeout", () => {
  it("reaches the transport's endpoint in milliseconds, and stays unset when not given", () => {
    assert.equal(toEndpoint({ host: "hv1", connectTimeoutSeconds: 5 }, {}).connectTimeoutMs, 5000);
    assert.equal(toEndpoint({ host: "hv1" }, {}).connectTimeoutMs, undefined);
  });

  it("is read as a number from the stack's kvm:connectTimeoutSeconds", () => {
    const config: Record<string, string> = { host: "hv1", connectTimeoutSeconds: "12" };
    assert.deepEqual(
      connectionDefaultsFromConfig((key) => config[key]),
      { host: "hv1", connectTimeoutSeconds: 12 },
    );
  });
});

describe("resources/common/connection: the stack configuration's defaults a resource inherits", () => {
  const fromConfig = (config: Record<string, string>) => connectionDefaultsFromConfig((key) => config[key]);
  const good = { host: "hv1.example", user: "ops", privateKeyPath: localFiles.key, knownHostsPath: localFiles.knownHosts };
  const problemsOf = (own: ConnectionSpec | undefined, defaults: ConnectionSpec, program = true) => {
    const problems = new Problems();
    checkInheritedDefaults(problems, own, defaults, program);
    return problems.all;
  };

  it("accepts good values", () => {
    assert.deepEqual(problemsOf(undefined, fromConfig({ ...good, port: "2222", connectTimeoutSeconds: "5" })), []);
  });

  it("refuses a key file that is missing, by its config key, saying it comes from the configuration", () => {
    const [problem, ...more] = problemsOf(undefined, fromConfig({ ...good, privateKeyPath: "/nonexistent/pkvm/id" }));
    assert.deepEqual(more, []);
    assert.equal(problem?.property, "kvm:privateKeyPath");
    assert.match(problem?.reason ?? "", /does not exist on the machine that runs Pulumi: \/nonexistent\/pkvm\/id/);
    assert.match(problem?.reason ?? "", /stack configuration/);
  });

  it("looks for the files only for the program's inputs, as for a resource's own connection", () => {
    const defaults = fromConfig({ ...good, privateKeyPath: "/nonexistent/pkvm/id", knownHostsPath: "/nonexistent/pkvm/kh" });
    assert.deepEqual(
      problemsOf(undefined, defaults).map((p) => p.property),
      ["kvm:privateKeyPath", "kvm:knownHostsPath"],
    );
    assert.deepEqual(problemsOf(undefined, defaults, false), []);
  });

  it("refuses a port that is not a number, and a timeout of zero or not a number", () => {
    assert.deepEqual(problemsOf(undefined, fromConfig({ ...good, port: "abc", connectTimeoutSeconds: "0" })), [
      { property: "kvm:port", reason: "must be a number (from the stack configuration)" },
      { property: "kvm:connectTimeoutSeconds", reason: "must be a whole number from 1 to 3600 (from the stack configuration)" },
    ]);
    assert.deepEqual(
      problemsOf(undefined, fromConfig({ ...good, port: " ", connectTimeoutSeconds: "soon" })).map((p) => p.property),
      ["kvm:port", "kvm:connectTimeoutSeconds"],
    );
  });

  it("checks only what the resource inherits: not what its own connection sets, nothing when it names another host", () => {
    const bad = fromConfig({ ...good, port: "abc", connectTimeoutSeconds: "0", privateKeyPath: "/nonexistent/pkvm/id" });
    // Inherited: no own connection, one that sets other fields, one that names the same host.
    const all = ["kvm:port", "kvm:privateKeyPath", "kvm:connectTimeoutSeconds"];
    assert.deepEqual(
      problemsOf(undefined, bad).map((p) => p.property),
      all,
    );
    assert.deepEqual(
      problemsOf({ user: "other" }, bad).map((p) => p.property),
      all,
    );
    assert.deepEqual(
      problemsOf({ host: "hv1.example" }, bad).map((p) => p.property),
      all,
    );
    // Overridden by the resource's own fields.
    assert.deepEqual(
      problemsOf({ port: 2222, privateKeyPath: localFiles.key }, bad).map((p) => p.property),
      ["kvm:connectTimeoutSeconds"],
    );
    assert.deepEqual(problemsOf({ port: 2222, privateKeyPath: localFiles.key, connectTimeoutSeconds: 5 }, bad), []);
    // Another host: none of the defaults is taken.
    assert.deepEqual(problemsOf({ host: "hv2.example" }, bad), []);
  });
});

describe("resources/common/connection: the keepalive timeout", () => {
  it("reaches the transport's endpoint in milliseconds, and stays unset when not given", () => {
    assert.equal(toEndpoint({ host: "hv1", keepaliveTimeoutSeconds: 6 }, {}).keepaliveTimeoutMs, 6000);
    assert.equal(toEndpoint({ host: "hv1" }, {}).keepaliveTimeoutMs, undefined);
  });

  it("is read as a number from the stack's kvm:keepaliveTimeoutSeconds", () => {
    const config: Record<string, string> = { keepaliveTimeoutSeconds: "9" };
    assert.deepEqual(
      connectionDefaultsFromConfig((key) => config[key]),
      { keepaliveTimeoutSeconds: 9 },
    );
  });
});

describe("resources/common/connection: the connect attempts", () => {
  it("reach the transport's endpoint, and stay unset when not given", () => {
    assert.equal(toEndpoint({ host: "hv1", connectAttempts: 5 }, {}).connectAttempts, 5);
    assert.equal(toEndpoint({ host: "hv1" }, {}).connectAttempts, undefined);
  });

  it("are read as a number from the stack's kvm:connectAttempts", () => {
    const config: Record<string, string> = { connectAttempts: "4" };
    assert.deepEqual(
      connectionDefaultsFromConfig((key) => config[key]),
      { connectAttempts: 4 },
    );
  });
});
