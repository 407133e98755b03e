import assert from "node:assert/strict";
import { join } from "node:path";
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

  it("passes the Pulumi name for check to generate a name from, only when the program sets none", async () => {
    new Network("unnamed-net", {});
    new Volume("unnamed-vol", { pool: "p", capacity: "1GiB" });
    new Network("named-net", { name: "n" });
    new Network("later-named-net", { name: Promise.resolve("n2") });
    new Network("later-unnamed-net", { name: Promise.resolve(undefined as unknown as string) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(registered.get("unnamed-net")?.inputs.__logicalName, "unnamed-net");
    assert.equal(registered.get("unnamed-vol")?.inputs.__logicalName, "unnamed-vol");
    assert.equal(registered.get("named-net")?.inputs.__logicalName, undefined);
    assert.equal(registered.get("later-named-net")?.inputs.__logicalName, undefined);
    assert.equal(registered.get("later-unnamed-net")?.inputs.__logicalName, "later-unnamed-net");
  });

  it("types a Volume's and a CloudInitDisk's name and pool as outputs", () => {
    const vol = make.Volume() as Volume;
    const seed = make.CloudInitDisk() as CloudInitDisk;
    const outputs: pulumi.Output<string>[] = [vol.name, vol.pool, seed.name, seed.pool];
    for (const o of outputs) assert.ok(pulumi.Output.isInstance(o));
  });

  it("isInstance is true only for a resource of the class's own kind", () => {
    const classes = { StoragePool, Volume, Network, VirtualMachine, CloudInitDisk };
    /** Another package's dynamic resource. */
    class Other extends pulumi.dynamic.Resource {
      constructor(name: string) {
        super({ create: () => Promise.resolve({ id: "x" }) }, name, {}, undefined);
      }
    }
    const other = new Other("other");
    for (const kind of Object.keys(KINDS) as ResourceKind[]) {
      const resource = make[kind]();
      for (const [name, cls] of Object.entries(classes))
        assert.equal(cls.isInstance(resource), name === kind, `${name}.isInstance(${kind})`);
      assert.equal(classes[kind].isInstance(other), false, `${kind}.isInstance(another dynamic resource)`);
      for (const value of [undefined, null, "VirtualMachine", {}, { __pulumiKvmKind: 1 }])
        assert.equal(classes[kind].isInstance(value), false, `${kind}.isInstance(${JSON.stringify(value)})`);
    }
    assert.ok(pulumi.CustomResource.isInstance(make.VirtualMachine()), "still a custom resource to Pulumi");
  });

  it("isInstance knows a resource made by another copy of this package", () => {
    // A second copy: the provider's modules loaded afresh (the cache restored after).
    const root = join(__dirname, "../../../provider");
    const saved = Object.entries(require.cache).filter(([key]) => key.startsWith(root));
    for (const [key] of saved) delete require.cache[key];
    let copy: typeof import("../../../provider");
    try {
      copy = require(join(root, "index.ts")) as typeof import("../../../provider");
    } finally {
      for (const [key] of Object.entries(require.cache)) if (key.startsWith(root)) delete require.cache[key];
      for (const [key, mod] of saved) require.cache[key] = mod;
    }
    assert.notEqual(copy.VirtualMachine, VirtualMachine, "not a second copy");
    const theirs = new copy.VirtualMachine("copy-vm", { name: "c" });
    assert.equal(theirs instanceof VirtualMachine, false);
    assert.equal(VirtualMachine.isInstance(theirs), true);
    assert.equal(Network.isInstance(theirs), false);
    assert.equal(copy.VirtualMachine.isInstance(make.VirtualMachine()), true);
    assert.equal(copy.CloudInitDisk.isInstance(make.VirtualMachine()), false);
  });

  it("keeps the connection and each secret row secret", () => {
    assert.deepEqual(secretNames(KINDS.CloudInitDisk.fields), ["userData", "networkConfig"]);
    assert.deepEqual(secretNames(KINDS.VirtualMachine.fields), ["graphics"]);
  });
});
