import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { CloudInitDisk, Network, StoragePool, VirtualMachine, Volume } from "../../../provider";
import { exposedNames, secretNames } from "../../../provider/resources/common/fieldTable";
import { KINDS, ResourceKind } from "../../../provider/resources/kinds";

/** What Pulumi was asked to register, per resource name. */
const registered = new Map<string, { type: string; inputs: Record<string, unknown> }>();

describe("resource classes: the outputs and secrets of their field tables", function () {
  // Serializing the provider object takes Pulumi a moment the first time.
  this.timeout(60_000);

  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.set(args.name, { type: args.type, inputs: args.inputs as Record<string, unknown> });
          return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
        },
        call: (args) => args.inputs as Record<string, unknown>,
      },
      "project",
      "stack",
      true,
    );
  });

  const make: Record<ResourceKind, () => pulumi.CustomResource> = {
    StoragePool: () => new StoragePool("pool", { name: "p", path: "/srv/p" }),
    Volume: () => new Volume("vol", { pool: "p", name: "v", capacity: "1GiB" }),
    Network: () => new Network("net", { name: "n" }),
    VirtualMachine: () => new VirtualMachine("vm", { name: "vm" }),
    CloudInitDisk: () => new CloudInitDisk("seed", { pool: "p", name: "s", userData: "u", metaData: "m" }),
  };

  for (const kind of Object.keys(KINDS) as ResourceKind[]) {
    it(`${kind}: every exposed output is an Output, even when the program leaves the input unset`, () => {
      const resource = make[kind]() as unknown as Record<string, unknown>;
      for (const name of exposedNames(KINDS[kind].fields))
        assert.ok(pulumi.Output.isInstance(resource[name]), `${kind}.${name} is not an output`);
    });
  }

  it("registers under the type names stored states hold", async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(registered.get("vol")?.type, "pulumi-nodejs:dynamic/pulumi-kvm:Volume");
    assert.equal(registered.get("pool")?.type, "pulumi-nodejs:dynamic/pulumi-kvm:StoragePool");
  });

  it("keeps the connection and each secret row secret", () => {
    assert.deepEqual(secretNames(KINDS.CloudInitDisk.fields), ["userData", "networkConfig"]);
    assert.deepEqual(secretNames(KINDS.VirtualMachine.fields), ["graphics"]);
  });
});
