import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { CloudInitDisk, Network } from "../../../../provider";
import {
  exposedNames,
  generatedRow,
  outputOnlyNames,
  secretInputNames,
  secretNames,
} from "../../../../provider/resources/common/fieldTable";
import { registrationOf } from "../../../../provider/resources/common/registration";
import { KINDS, ResourceKind } from "../../../../provider/resources/kinds";

describe("resources/common/registration: a kind's registration tables", function () {
  // Serializing the provider object takes Pulumi a moment the first time.
  this.timeout(60_000);

  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs as Record<string, unknown> }),
        call: (args) => args.inputs as Record<string, unknown>,
      },
      "project",
      "stack",
      true,
    );
  });

  for (const kind of Object.keys(KINDS) as ResourceKind[]) {
    it(`${kind}: derived from the field table once, and as the table says`, () => {
      const fields = KINDS[kind].fields;
      const registration = registrationOf(fields);
      assert.equal(registrationOf(fields), registration, "derived again");
      assert.ok(Object.isFrozen(registration) && Object.isFrozen(registration.exposed) && Object.isFrozen(registration.secretOutputs));
      assert.deepEqual(Object.keys(registration.exposed), exposedNames(fields));
      assert.deepEqual(Object.keys(registration.outputs), [...outputOnlyNames(fields), "hostIdentity"]);
      assert.deepEqual(registration.secretOutputs, ["connection", ...secretNames(fields)]);
      assert.deepEqual(registration.secretInputs, secretInputNames(fields));
      assert.deepEqual(registration.generated, generatedRow(fields));
    });
  }

  it("leaves the shared tables alone when a resource adds secret outputs of its own", () => {
    const before = [...registrationOf(KINDS.Network.fields).secretOutputs];
    new Network("own-secrets", { name: "n" }, { additionalSecretOutputs: ["bridge"] });
    assert.deepEqual(registrationOf(KINDS.Network.fields).secretOutputs, before);
  });

  it("still registers the secret rows, and a connection holding credentials, as secrets", async () => {
    const seed = new CloudInitDisk("secret-seed", { pool: "p", name: "s", userData: "u", metaData: "m" });
    const withPassword = new Network("secret-connection", { name: "n", connection: { host: "h", password: "pw" } });
    // The mocks ignore additionalSecretOutputs: what is secret here was sent as a secret input.
    // Pulumi makes an output of every property registered, typed or not.
    const secret = (resource: pulumi.CustomResource, property: string) =>
      pulumi.isSecret((resource as unknown as Record<string, pulumi.Output<unknown>>)[property]);
    assert.equal(await secret(seed, "userData"), true, "userData");
    assert.equal(await secret(seed, "metaData"), false, "metaData");
    assert.equal(await secret(withPassword, "connection"), true, "a connection with a password");
  });
});
