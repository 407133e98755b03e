/**
 * The engine's handling of one program run (`up`, `preview` or `check`): each registration goes
 * through Check, then Diff against the state, then Create / Update / replace / nothing, and its
 * real id and outputs go back to the program. Registrations are handled concurrently, as the
 * program makes them.
 */
import { ProviderCallError, ProviderClient, ResourceRef } from "./client";
import { deleteResource } from "./deletes";
import { planChange } from "./plan";
import type { Registration, RegistrationAnswer } from "./monitor";
import type { ResourceCheckFailure, RunError, Step } from "./results";
import { ResourceState, StackState, cloneResource, findResource } from "./state";
import { JsonObject, PROVIDER_KEY, isUnknown, secretKeys, toProviderProps, withProvider, withSecrets, withoutProvider } from "./wire";

/** What kind of program run. */
export type DeploymentMode = "up" | "preview" | "check";

/** A registration being worked on. */
interface Work {
  reg: Registration;
  ref: ResourceRef;
  /** Its serialized provider (`__provider`). */
  provider: string;
  /** Its record in the state before the run. */
  old?: ResourceState;
  step: Step;
}

/** A registration after Check. */
interface Checked extends Work {
  /** The inputs as Check returned them (plain values, no `__provider`). */
  inputs: JsonObject;
  secretInputs: string[];
  secretOutputs: string[];
}

/** One program run's engine side. */
export class Deployment {
  /** Steps in the order they finished. */
  readonly steps: Step[] = [];
  /** Errors of steps (program failures are added by the caller). */
  readonly errors: RunError[] = [];
  /** Check failures of every resource. */
  readonly failures: ResourceCheckFailure[] = [];
  /** New state records, in the order they finished (dependencies before dependents). */
  readonly records: ResourceState[] = [];
  /** Old halves of replacements, deleted once the program is done. */
  readonly replaced: ResourceState[] = [];
  /** Old records deleted during the run (delete-before-replace). */
  readonly deleted = new Set<ResourceState>();
  /** URNs the program registered. */
  readonly seen = new Set<string>();
  private halted = false;

  constructor(
    /** The connection to the provider host. */
    readonly client: ProviderClient,
    /** The state before the run; never modified. */
    readonly old: StackState,
    readonly mode: DeploymentMode,
    private readonly continueOnError: boolean,
  ) {}

  /** The {@link RegistrationHandler} to give the monitor. */
  readonly register = async (reg: Registration): Promise<RegistrationAnswer> => {
    if (this.seen.has(reg.urn)) throw this.refuse(reg, `duplicate resource URN ${reg.urn}`);
    this.seen.add(reg.urn);
    const provider = reg.inputs[PROVIDER_KEY];
    if (typeof provider !== "string")
      throw this.refuse(
        reg,
        `${reg.type} ${reg.name} is not a dynamic resource (no ${PROVIDER_KEY}); the test engine runs only dynamic providers`,
      );
    // Like the engine after a failed step: what is in flight finishes, nothing new starts.
    if (this.halted) throw new Error(`${reg.name} was not applied: the deployment stopped after an earlier error`);
    const old = findResource(this.old, reg.urn);
    const work: Work = {
      reg,
      ref: { urn: reg.urn, type: reg.type, name: reg.name },
      provider,
      old,
      step: { key: reg.urn, type: reg.type, name: reg.name, op: old ? "same" : "create" },
    };
    if (this.mode === "preview") work.step.preview = true;
    try {
      return reg.readId ? await this.read(work, reg.readId) : await this.apply(work);
    } catch (err) {
      work.step.error = err instanceof Error ? err.message : String(err);
      this.errors.push({ key: reg.urn, source: "step", message: work.step.error });
      if (!this.continueOnError) this.halted = true;
      // A resource that failed to change keeps its old state (a failed create has none).
      if (old && !this.records.some((r) => r.urn === reg.urn) && !this.deleted.has(old)) this.records.push(cloneResource(old));
      throw err;
    } finally {
      if (this.mode !== "check" || work.step.failures) this.steps.push(work.step);
    }
  };

  private async apply(w: Work): Promise<RegistrationAnswer> {
    let c = await this.check(w);
    if (c.step.failures) {
      const message = `${c.reg.name}: invalid inputs: ${c.step.failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason)).join("; ")}`;
      if (this.mode !== "check") throw new Error(message);
      // A check run goes on, so that every resource's inputs get checked, dependents included.
      c.step.error = message;
      this.errors.push({ key: c.reg.urn, source: "step", message });
    }
    if (this.mode === "check") return previewOf(c, c.old?.id ?? "");
    if (!c.old) return this.mode === "preview" ? previewOf(c, "") : answerOf(await this.create(c));
    const old = c.old;
    const diff = await this.client.diff(
      c.ref,
      old.id,
      withProvider(old.outputs, old.provider),
      withProvider(c.inputs, c.provider),
      withProvider(old.inputs, old.provider),
      c.reg.options.ignoreChanges,
    );
    const plan = planChange({
      diff,
      oldInputs: old.inputs,
      oldProvider: old.provider,
      newInputs: c.inputs,
      newProvider: c.provider,
      replaceOnChanges: c.reg.options.replaceOnChanges,
      deleteBeforeReplaceOption: c.reg.options.deleteBeforeReplace,
      initErrors: old.initErrors,
    });
    c.step.op = plan.op;
    if (plan.changes.length) c.step.changes = plan.changes;
    c.step.id = old.id;
    if (plan.op === "same") {
      // The engine keeps the old outputs and takes the new inputs and options.
      const same = recordOf(c, old.id, withProvider(old.outputs, old.provider));
      if (this.mode === "up") this.records.push(same);
      return answerOf(same);
    }
    if (plan.op === "update") return this.mode === "preview" ? previewOf(c, old.id) : answerOf(await this.update(c, old));
    c.step.replaces = plan.replaces;
    c.step.deleteBeforeReplace = plan.deleteBeforeReplace;
    if (old.protect) throw new Error(`${c.reg.name} must be replaced (${plan.replaces.join(", ")}) but is protected`);
    // As the engine does: the replacement is a new object, so its inputs are checked again without the
    // old ones (defaults carried over from the old object, such as a generated name, must not be).
    c = await this.check(c, { fresh: true });
    if (c.step.failures) throw new Error(`${c.reg.name}: invalid inputs for its replacement`);
    if (this.mode === "preview") {
      delete c.step.id;
      return previewOf(c, "");
    }
    if (plan.deleteBeforeReplace) {
      await deleteResource(this.client, old);
      this.deleted.add(old);
    }
    const created = await this.create(c);
    if (!plan.deleteBeforeReplace) this.replaced.push(old);
    return answerOf(created);
  }

  /**
   * Check, with `ignoreChanges` applied first (top-level keys keep their old value, or stay absent);
   * `fresh` checks without the old inputs, as for a replacement.
   */
  private async check(w: Work, { fresh = false } = {}): Promise<Checked> {
    const { reg, old } = w;
    const news = withoutProvider(toProviderProps(reg.inputs));
    for (const key of old ? reg.options.ignoreChanges : []) {
      if (old!.inputs[key] !== undefined) news[key] = old!.inputs[key];
      else delete news[key];
    }
    const olds = old && !fresh ? withProvider(old.inputs, old.provider) : {};
    const checked = await this.client.check(w.ref, olds, withProvider(news, w.provider));
    if (checked.failures.length > 0) {
      w.step.failures = checked.failures;
      for (const f of checked.failures) this.failures.push({ key: reg.urn, type: reg.type, name: reg.name, ...f });
    }
    const secretInputs = secretKeys(reg.inputs);
    const secretOutputs = [...new Set([...reg.options.additionalSecretOutputs, ...secretInputs])];
    return { ...w, inputs: withoutProvider(checked.inputs), secretInputs, secretOutputs };
  }

  /** Create; a partial create (id + properties + reasons in the error) is kept in the state, as the engine keeps it. */
  private async create(c: Checked): Promise<ResourceState> {
    try {
      const res = await this.client.create(c.ref, withProvider(c.inputs, c.provider));
      if (!res.id) throw new Error(`provider returned an empty id from create of ${c.reg.name}`);
      const created = recordOf(c, res.id, res.properties);
      this.records.push(created);
      c.step.id = res.id;
      return created;
    } catch (err) {
      if (err instanceof ProviderCallError && err.initFailure) {
        this.records.push(recordOf(c, err.initFailure.id, err.initFailure.properties, err.initFailure.reasons));
        c.step.id = err.initFailure.id;
      }
      throw err;
    }
  }

  /** Update in place; a partial update keeps the new outputs and the reasons, like a partial create. */
  private async update(c: Checked, old: ResourceState): Promise<ResourceState> {
    try {
      const outputs = await this.client.update(
        c.ref,
        old.id,
        withProvider(old.outputs, old.provider),
        withProvider(c.inputs, c.provider),
        withProvider(old.inputs, old.provider),
        c.reg.options.ignoreChanges,
      );
      const updated = recordOf(c, old.id, outputs);
      this.records.push(updated);
      return updated;
    } catch (err) {
      if (err instanceof ProviderCallError && err.initFailure)
        this.records.push(recordOf(c, old.id, err.initFailure.properties, err.initFailure.reasons));
      throw err;
    }
  }

  /**
   * A program's read of an existing resource (`new Resource(name, props, { id })`): Read, kept as
   * external. As the engine does: it runs in a preview too, but not while the id is unknown (the
   * program then gets no outputs); a missing resource fails with the engine's own message; secret
   * inputs stay secret, in the inputs and in the outputs of the same name (the dynamic provider
   * takes no secrets, so the engine carries their marks over).
   */
  private async read(w: Work, id: string): Promise<RegistrationAnswer> {
    w.step.op = "read";
    if (isUnknown(id)) return { id, outputs: {} };
    const props = withoutProvider(toProviderProps(w.reg.inputs));
    const res = await this.client.read(w.ref, id, withProvider(props, w.provider), withProvider(props, w.provider));
    if (!res.id) throw new Error(`resource '${id}' does not exist`);
    const secretInputs = secretKeys(w.reg.inputs);
    const r = prune({
      urn: w.reg.urn,
      type: w.reg.type,
      name: w.reg.name,
      id: res.id,
      inputs: res.inputs ? withoutProvider(res.inputs) : props,
      outputs: withoutProvider(res.properties),
      secretInputs,
      secretOutputs: [...new Set([...w.reg.options.additionalSecretOutputs, ...secretInputs])],
      provider: w.provider,
      dependencies: w.reg.dependencies,
      parent: w.reg.parent,
      external: true,
    });
    if (this.mode === "up") this.records.push(r);
    w.step.id = res.id;
    return { id: r.id, outputs: withSecrets(withProvider(r.outputs, r.provider), r.secretOutputs) };
  }

  private refuse(reg: Registration, message: string): Error {
    this.errors.push({ key: reg.urn, source: "step", message });
    return new Error(message);
  }
}

/** The state record of a checked registration, from the provider's id and outputs. */
function recordOf(c: Checked, id: string, outputs: JsonObject, initErrors?: string[]): ResourceState {
  const provider = outputs[PROVIDER_KEY];
  const o = c.reg.options;
  return prune({
    urn: c.reg.urn,
    type: c.reg.type,
    name: c.reg.name,
    id,
    inputs: c.inputs,
    outputs: withoutProvider(outputs),
    secretInputs: c.secretInputs,
    secretOutputs: c.secretOutputs,
    provider: typeof provider === "string" ? provider : c.provider,
    dependencies: c.reg.dependencies,
    parent: c.reg.parent,
    deleteBeforeReplace: o.deleteBeforeReplace,
    additionalSecretOutputs: o.additionalSecretOutputs.length ? o.additionalSecretOutputs : undefined,
    protect: o.protect,
    retainOnDelete: o.retainOnDelete,
    initErrors,
  });
}

/** What the program gets for a record: its id and outputs, secrets marked. */
function answerOf(r: ResourceState): RegistrationAnswer {
  return { id: r.id, outputs: withSecrets(withProvider(r.outputs, r.provider), r.secretOutputs) };
}

/**
 * What the program gets in a preview (or a check) for a resource to create or change: the
 * engine answers with the inputs as outputs, since the dynamic provider cannot preview; the SDK
 * makes every other output unknown. An empty id is an unknown id.
 */
function previewOf(c: Checked, id: string): RegistrationAnswer {
  return { id, outputs: withSecrets(withProvider(c.inputs, c.provider), c.secretOutputs) };
}

/** Drops undefined fields, so records compare and serialize cleanly. */
function prune(r: ResourceState): ResourceState {
  for (const k of Object.keys(r) as (keyof ResourceState)[]) if (r[k] === undefined) delete r[k];
  return r;
}
