import type * as pulumi from "@pulumi/pulumi";
import { LibvirtConnection, sharedConnectionPool } from "../../libvirt";
import { ConnectionSpec, checkConnection, checkInheritedDefaults, hostIdentity, resolveConnection, toEndpoint } from "./connection";
import { PartialCreateError, messageOf } from "./errors";
import { unlessGone } from "./gone";
import { storedOutputNames } from "./fieldTable";
import type { FieldTable } from "./fields";
import type { KindDefinition, SpecBase } from "./kindDefinition";
import { parseSpec, replacementsOf } from "./kindSpec";
import { isObject, Problems } from "./problems";
import { progress } from "./progress";
import { containsUnknown } from "./unknowns";

type Inputs = Record<string, unknown>;

/** Supplies the stack's connection defaults at call time (they arrive through `configure`). */
export type DefaultsSource = () => ConnectionSpec;

/** The provider methods of one kind: all of them, none optional (`configure` belongs to the runtime, not to a kind). */
export type KindProvider = Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;

/**
 * Turns a kind's definition into Pulumi's dynamic provider methods, applying
 * the rules every kind shares.
 */
export function adapt<Table extends FieldTable, Spec extends SpecBase, State, Ref>(
  def: KindDefinition<Table, Spec, State, Ref>,
  defaults: DefaultsSource,
): KindProvider {
  const outputNames = new Set(storedOutputNames(def.fields));

  const parse = (inputs: Inputs, program: boolean): { spec?: Spec; problems: Problems } => {
    const problems = new Problems();
    const { connection } = inputs;
    checkConnection(problems, "connection", connection, process.env, program);
    // Checked just above: the connection's fields are as its table declares them.
    const own = connection as ConnectionSpec | undefined;
    const fromConfig = defaults();
    // What a connection that is no object (refused above, or not known yet in a preview) inherits cannot be told.
    if (connection === undefined || isObject(connection)) checkInheritedDefaults(problems, own, fromConfig, program);
    const resolved = resolveConnection(own, fromConfig);
    const result = parseSpec(def, inputs, resolved, program);
    problems.addAll("", result.problems);
    return { spec: problems.all.length === 0 ? result.spec : undefined, problems };
  };

  const specOf = (inputs: Inputs, what: string): Spec => {
    const { spec, problems } = parse(inputs, what === "inputs");
    if (!spec) throw new Error(`invalid ${what}: ${problems.all.map((p) => `${p.property}: ${p.reason}`).join("; ")}`);
    return spec;
  };

  const withHost = <T>(spec: Spec, fn: (conn: LibvirtConnection) => Promise<T>): Promise<T> =>
    sharedConnectionPool().use(toEndpoint(spec.connection), fn);

  /** The object, read; undefined only when libvirt says it does not exist. */
  const readLive = async (conn: LibvirtConnection, id: string, spec: Spec) => {
    const ref = await unlessGone(def.lookup(conn, id));
    return ref === undefined ? undefined : def.read(conn, ref, spec);
  };

  const nameOf = (inputs: Inputs): string => (typeof inputs.name === "string" ? inputs.name : "?");
  /** What an error is about: the kind and the object's name (the host is in the transport's part). */
  const subjectOf = (inputs: Inputs): string => `${def.kind} ${nameOf(inputs)}`;

  /** Diff: the live object against the program; drift is reported, never thrown. */
  async function diff(id: string, olds: Inputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
    const oldSpec = specOf(olds, "stored state");
    if (containsUnknown(news)) {
      const unknown = Object.keys(news).filter((k) => containsUnknown(news[k]));
      return { changes: true, replaces: unknown.filter((k) => k === "name" || k === "connection") };
    }
    const newSpec = specOf(news, "inputs");
    const replaces = replacementsOf(def, oldSpec, newSpec);
    if (hostIdentity(oldSpec.connection) !== hostIdentity(newSpec.connection)) replaces.push("connection");
    if (replaces.length > 0) {
      progress(def.kind, nameOf(news), `must be replaced: ${replaces.join(", ")} cannot change in place`);
      return { changes: true, replaces, deleteBeforeReplace: true };
    }
    const live = await withHost(newSpec, (conn) => readLive(conn, id, newSpec));
    if (!live) {
      progress(def.kind, nameOf(news), "is gone from the host: it will be created again");
      return { changes: true };
    }
    const drift = def.drift(newSpec, live.state);
    const reported: Readonly<Record<string, unknown>> = def.outputs(newSpec, live);
    for (const key of def.reportedOutputs ?? []) {
      if (JSON.stringify(olds[key]) !== JSON.stringify(reported[key])) {
        drift.push({ property: key, detail: `is ${JSON.stringify(reported[key])} on the host, ${JSON.stringify(olds[key])} in state` });
      }
    }
    for (const d of drift) progress(def.kind, nameOf(news), `${d.property}: ${d.detail}`);
    // Stored state holds the outputs too; an input the program no longer sets is a change.
    const inputChanges = changedKeys(olds, news, outputNames);
    return { changes: drift.length > 0 || inputChanges.length > 0 };
  }

  return {
    async check(olds: Inputs, news: Inputs): Promise<pulumi.dynamic.CheckResult> {
      const { spec, problems } = parse(news, true);
      // The previous run's inputs, when they still parse: a change from them may break a rule.
      const oldSpec = spec && def.checkChange && Object.keys(olds).length > 0 ? parse(olds, false).spec : undefined;
      if (spec && oldSpec) def.checkChange?.(oldSpec, spec, problems);
      // During a preview some inputs are not known yet; they are checked once known.
      const unknownKeys = Object.keys(news).filter((k) => containsUnknown(news[k]));
      const failures = problems.all
        .filter((p) => !unknownKeys.some((k) => p.property === k || p.property.startsWith(`${k}.`) || p.property.startsWith(`${k}[`)))
        .map((p) => ({ property: p.property, reason: `${p.property} ${p.reason}` }));
      return { inputs: news, failures };
    },

    diff: (id: string, olds: Inputs, news: Inputs) => naming(subjectOf(news), () => diff(id, olds, news)),

    async create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult> {
      try {
        const spec = specOf(inputs, "inputs");
        const live = await withHost(spec, (conn) => def.create(conn, spec));
        return { id: live.id, outs: outputsOf(inputs, def.outputs(spec, live)) };
      } catch (err) {
        // A partial create names its object already, and must keep its shape.
        if (err instanceof PartialCreateError) throw partialCreate(err, inputs);
        throw namedError(subjectOf(inputs), err);
      }
    },

    read: (id: string, props: Inputs) =>
      naming(subjectOf(props), async (): Promise<pulumi.dynamic.ReadResult> => {
        const spec = specOf(props, "stored state");
        const live = await withHost(spec, (conn) => readLive(conn, id, spec));
        if (!live) return {};
        return { id: live.id, props: outputsOf(props, def.outputs(spec, live)) };
      }),

    update: (id: string, olds: Inputs, news: Inputs) =>
      naming(subjectOf(news), async (): Promise<pulumi.dynamic.UpdateResult> => {
        const oldSpec = specOf(olds, "stored state");
        const spec = specOf(news, "inputs");
        const live = await withHost(spec, async (conn) => {
          const current = await readLive(conn, id, spec);
          if (!current) {
            progress(def.kind, nameOf(news), "was gone from the host: creating it again");
            return def.create(conn, spec, id);
          }
          return def.update(conn, id, oldSpec, spec, current.state);
        });
        return { outs: outputsOf(news, def.outputs(spec, live)) };
      }),

    delete: (id: string, props: Inputs) =>
      naming(subjectOf(props), async (): Promise<void> => {
        const spec = specOf(props, "stored state");
        await withHost(spec, async (conn) => {
          const ref = await unlessGone(def.lookup(conn, id));
          if (ref !== undefined) await def.remove(conn, ref, spec);
        });
      }),
  };
}

/** Runs one provider method so that its failure names the object it was about. */
async function naming<T>(subject: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw namedError(subject, err);
  }
}

/**
 * The error with `subject: ` in front. A new error rather than an edited one: a
 * failure to connect is one error shared by every resource waiting on that host.
 */
function namedError(subject: string, err: unknown): Error {
  const message = messageOf(err);
  if (message.startsWith(`${subject}: `)) return err instanceof Error ? err : new Error(message);
  return new Error(`${subject}: ${message}`, { cause: err });
}

/**
 * State keeps the inputs as the program gave them (so the next diff compares
 * like with like, defaults included only where the user wrote them) plus
 * what the host reports.
 */
function outputsOf(inputs: Inputs, reported: Record<string, unknown>): Inputs {
  const echo = Object.fromEntries(Object.entries(inputs).filter(([k, v]) => k !== "__provider" && v !== undefined));
  return { ...echo, ...reported };
}

/** Pulumi's partial-create shape: the engine keeps the resource with this id. */
function partialCreate(err: PartialCreateError, inputs: Inputs): Error {
  return Object.assign(new Error(err.message), { id: err.id, properties: inputs, reasons: [messageOf(err)] });
}

/**
 * Top-level input keys whose values differ (deep), set or removed, ignoring
 * the serialized provider and the `outputs` stored beside the inputs. A key
 * that is both an input and an output (a pool's `path`, a network's
 * `bridge`) holds what the host reported, in the host's spelling, so it is
 * not compared here: the kind's `replaceOn` and `drift` judge it on the
 * parsed values.
 */
export function changedKeys(olds: Inputs, news: Inputs, outputs: ReadonlySet<string> = new Set()): string[] {
  const keys = new Set([...Object.keys(news), ...Object.keys(olds)]);
  return [...keys].filter((k) => k !== "__provider" && !outputs.has(k) && JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
}
