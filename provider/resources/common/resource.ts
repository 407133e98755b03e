import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../dynamicProvider";
import type { ResourceKind } from "../kinds";
import type { FieldTable } from "./fields";
import { LOGICAL_NAME_INPUT } from "./generatedName";
import type { ConnectionArgs } from "./connection";
import { GET_INPUT } from "./get";
import type { HostIdentity } from "./hostIdentity";
import { Registration, registrationOf } from "./registration";
import { withSecretInputs } from "./secretInputs";

/**
 * The property every instance holds its kind in, read by the classes' `isInstance`: a
 * property rather than `instanceof`, so a resource made by another copy of this package in
 * the same program is told apart as well. Never renamed: every copy must agree on it.
 */
const KIND_BRAND = "__pulumiKvmKind";

/**
 * What every resource class of this package shares: the provider object of
 * its kind, the outputs of its field table registered (unknown until the
 * provider reports them), and its secrets — `connection`, which may hold key
 * text or a password, and the table's secret rows — kept secret in state,
 * as inputs (see `secretInputs.ts`) and as outputs.
 */
export abstract class KvmResource extends pulumi.dynamic.Resource {
  /**
   * The host the object lives on, as state records it (SSH host, port and login, libvirt
   * URI; or the local socket): where every later read, update and delete goes, whatever
   * the program or the stack's `kvm:` configuration names meanwhile.
   */
  declare readonly hostIdentity: pulumi.Output<HostIdentity>;

  /**
   * @param kind the kind, as the registry names it (also the resource's type name)
   * @param fields the kind's field table
   * @param name the Pulumi resource name
   * @param args the program's inputs, as the provider takes them
   * @param opts resource options
   */
  protected constructor(
    kind: ResourceKind,
    fields: FieldTable,
    name: string,
    args: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions | undefined,
  ) {
    // The exposed properties named even when unset, the output-only ones unknown until the
    // provider reports them, and the secrets: see `registration.ts`.
    const registration = registrationOf(fields);
    super(
      dynamicProvider(kind),
      name,
      withSecretInputs(registration.secretInputs, {
        ...registration.exposed,
        ...args,
        ...logicalNameInput(registration, name, args),
        ...registration.outputs,
      }),
      { ...opts, additionalSecretOutputs: [...registration.secretOutputs, ...(opts?.additionalSecretOutputs ?? [])] },
      "pulumi-kvm",
      kind,
    );
    Object.defineProperty(this, KIND_BRAND, { value: kind, enumerable: false });
  }
}

/** Whether `obj` is a resource of this package (any copy of it) of kind `kind`. */
export function isKvmKind(obj: unknown, kind: ResourceKind): boolean {
  return typeof obj === "object" && obj !== null && (obj as Record<string, unknown>)[KIND_BRAND] === kind;
}

/**
 * The resource's Pulumi name, for `check` to generate the object's name from when the
 * program sets none (it gets no URN; see `generatedName.ts`). Added only then: a name given
 * as an output or a promise is known later, so is whether the Pulumi name is needed.
 */
function logicalNameInput({ generated: row }: Registration, name: string, args: pulumi.Inputs): pulumi.Inputs {
  // A `get` reads an object that has its name already.
  if (!row || args[GET_INPUT] === true) return {};
  const own: unknown = args[row.property];
  if (own === undefined || own === null) return { [LOGICAL_NAME_INPUT]: name };
  if (typeof own === "string") return {};
  return { [LOGICAL_NAME_INPUT]: pulumi.output(own).apply((value) => (value === undefined || value === null ? name : undefined)) };
}

/** Options of a resource class's `get`: the host the object lives on, and Pulumi's resource options. */
export interface GetOptions extends pulumi.CustomResourceOptions {
  /**
   * The host the object lives on, as a resource's `connection` (a secret when it carries
   * credentials). Fields left out come from the stack's `kvm:` configuration.
   */
  connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * A class's `get` as its constructor's arguments: no inputs but the connection and the input
 * that makes the provider read the object by its id (`get.ts`), and Pulumi's `id` option, with
 * which the engine reads the object instead of creating it, and never changes or deletes it.
 * @param id what the kind's `get` accepts as the object's id
 * @param opts the `get`'s options
 */
export function getArguments<Args>(id: pulumi.Input<pulumi.ID>, opts: GetOptions = {}): [Args, pulumi.CustomResourceOptions] {
  const { connection, ...options } = opts;
  // Pulumi's own pattern for `get`: the constructor takes the read's inputs where its Args go.
  return [{ connection, [GET_INPUT]: true } as unknown as Args, { ...options, id }];
}
