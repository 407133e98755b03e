import assert from "node:assert/strict";
import { connectionDefaultsFromConfig, toEndpoint } from "../../../../provider/resources/common/connection";

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
