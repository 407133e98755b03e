import type * as pulumi from "@pulumi/pulumi";
import { LibvirtConnection, sharedConnectionPool } from "../../libvirt";
import { SshConfigError } from "../../transport";
import { ADOPT_INPUT, adoptRequested, checkAdopt, createOrAdopt } from "./adopt";
import { ConnectionSpec, checkConnection, checkInheritedDefaults, resolveConnection, toEndpoint } from "./connection";
import { COMMON_OUTPUT_NAMES, connectionAt, describeIdentity, HostIdentity, identityOf, isHostOf, storedIdentity } from "./hostIdentity";
import { PartialCreateError, messageOf } from "./errors";
import { bothGenerated, withGeneratedName } from "./generatedName";
import { GET_INPUT, isGet } from "./get";
import { unlessGone } from "./gone";
import { storedOutputNames } from "./fieldTable";
import type { FieldTable } from "./fields";
import type { HostMoveDecision, KindDefinition, SpecBase } from "./kindDefinition";
import { parseSpec, replacementsOf } from "./kindSpec";
import { isObject, Problems } from "./problems";
import { progress } from "./progress";
import { containsUnknown } from "./unknowns";

type Inputs = Record<string, unknown>;

/**
 * Inputs `check` writes beside the program's, so the state's inputs record the host
 * even when a run changes nothing (the engine then keeps the old outputs): `__host`,
 * the host the inputs resolve to, and `__movedFrom`, the previous run's `__host` when
 * it was another one — which is how a state whose outputs predate `hostIdentity` still
 * tells a move. Never echoed into the outputs.
 */
const HOST_INPUT = "__host";
const MOVED_FROM_INPUT = "__movedFrom";

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
  const outputNames = new Set<string>([...storedOutputNames(def.fields), ...COMMON_OUTPUT_NAMES]);
  /**
   * Objects this run found moving from a host that only the state's inputs recorded:
   * their delete (the old half of the replacement, later in the same run) gets no
   * such input, so it looks here.
   */
  const movedFrom = new Map<string, HostIdentity>();

  const parse = (inputs: Inputs, program: boolean): { spec?: Spec; problems: Problems } => {
    const problems = new Problems();
    const { connection } = inputs;
    const fromConfig = defaults();
    checkConnection(problems, "connection", connection, process.env, program, fromConfig.sshConfigPath);
    checkAdopt(problems, inputs);
    // Checked just above: the connection's fields are as its table declares them.
    const own = connection as ConnectionSpec | undefined;
    // What a connection that is no object (refused above, or not known yet in a preview) inherits cannot be told.
    if (connection === undefined || isObject(connection)) checkInheritedDefaults(problems, own, fromConfig, program);
    const resolved = resolveConnection(own, fromConfig);
    // A host that comes from kvm:host is resolved through the ssh config only here.
    if (problems.all.length === 0) checkSshConfig(problems, resolved);
    const result = parseSpec(def, inputs, resolved, program);
    problems.addAll("", result.problems);
    return { spec: problems.all.length === 0 ? result.spec : undefined, problems };
  };

  const specOf = (inputs: Inputs, what: string): Spec => {
    const { spec, problems } = parse(inputs, what === "inputs");
    if (!spec) throw new Error(`invalid ${what}: ${problems.all.map((p) => `${p.property}: ${p.reason}`).join("; ")}`);
    return spec;
  };

  const withHost = <T>(connection: ConnectionSpec, fn: (conn: LibvirtConnection) => Promise<T>): Promise<T> =>
    sharedConnectionPool().use(toEndpoint(connection), fn);

  /** The host state recorded for a stored object, if any (outputs first, then what `check` carried, then this run's moves). */
  const recordedHost = (id: string, stored: Inputs, news?: Inputs): HostIdentity | undefined =>
    storedIdentity(stored.hostIdentity) ?? storedIdentity(news?.[MOVED_FROM_INPUT]) ?? movedFrom.get(id);

  /**
   * The connection to a stored object: its recorded host, reached the way the resource's
   * connection reaches hosts today; without a record (a state from before records were
   * kept), the connection as resolved today.
   */
  const storedConnection = (id: string, stored: Inputs, spec: Spec): ConnectionSpec => {
    const recorded = recordedHost(id, stored);
    return recorded ? connectionAt(recorded, spec.connection) : spec.connection;
  };

  /** The object, read; undefined only when libvirt says it does not exist. */
  const readLive = async (conn: LibvirtConnection, id: string, spec: Spec) => {
    const ref = await unlessGone(def.lookup(conn, id));
    return ref === undefined ? undefined : def.read(conn, ref, spec);
  };

  /**
   * A `get`'s read (see `get.ts`): the object the id names, found and read by the kind's
   * `existing` reader without a spec, and stored as a managed object of the kind is (its name,
   * every output, the connection, the host), marked as a `get`'s. Without a recorded host the
   * props are the program's: a missing object then fails naming the kind, the id and the host
   * (the engine's own message would name the id only). With one, this is a refresh of what
   * such a read stored: the object is read on that host, and a missing one is gone.
   */
  const readExisting = async (id: string, props: Inputs): Promise<pulumi.dynamic.ReadResult> => {
    const recorded = storedIdentity(props.hostIdentity);
    const program = recorded === undefined;
    const problems = new Problems();
    checkConnection(problems, "connection", props.connection, process.env, program, defaults().sshConfigPath);
    // Checked just above: the connection's fields are as its table declares them.
    const own = props.connection as ConnectionSpec | undefined;
    if (own === undefined || isObject(own)) checkInheritedDefaults(problems, own, defaults(), program);
    if (problems.all.length > 0) throw new Error(`invalid connection: ${problems.all.map((p) => `${p.property}: ${p.reason}`).join("; ")}`);
    const resolved = resolveConnection(own, defaults());
    const connection = recorded ? connectionAt(recorded, resolved) : resolved;
    const host = identityOf(connection);
    const found = await withHost(connection, async (conn) => {
      const ref = await unlessGone(def.existing.find(conn, id));
      return ref === undefined ? undefined : def.existing.read(conn, ref);
    });
    if (found) return { id: found.id, props: { ...outputsOf({ connection: own }, found.state, host), [GET_INPUT]: true } };
    if (!program) return {};
    throw new Error(`does not exist on ${describeIdentity(host)} (looked up by ${def.existing.by})`);
  };

  const nameOf = (inputs: Inputs): string => (typeof inputs.name === "string" ? inputs.name : "?");
  /** What an error is about: the kind and the object's name (the host is in the transport's part). */
  const subjectOf = (inputs: Inputs): string => `${def.kind} ${nameOf(inputs)}`;

  /**
   * Whether an object whose host changes moves there in an update (the kind's `hostMove`
   * says so for the object as its old host has it), saying how or why not in the preview.
   */
  async function movesInPlace(
    id: string,
    lives: HostIdentity,
    target: HostIdentity,
    oldSpec: Spec,
    news: Inputs,
    newSpec?: Spec,
  ): Promise<boolean> {
    const hostMove = def.hostMove;
    if (!hostMove) return false;
    const replacedBy = hostMove.replacedBy(news);
    // With the program's spec known, the new host is read too: what it lacks is refused now.
    const assess = (conn: LibvirtConnection) =>
      newSpec === undefined
        ? hostMove.assess(conn, id, oldSpec)
        : withHost(newSpec.connection, (to) => hostMove.assess(conn, id, oldSpec, { conn: to, news: newSpec }));
    const decision: HostMoveDecision =
      replacedBy !== undefined
        ? { move: false, why: replacedBy }
        : await withHost(connectionAt(lives, oldSpec.connection), assess).catch((err: unknown) => {
            // Moving in place needs the old host; a replacement can do without it (its delete there fails later).
            throw new Error(
              `cannot tell whether it moves in place from ${describeIdentity(lives)}: ${messageOf(err)} (${hostMove.replaceInstead} moves it by a replacement)`,
              { cause: err },
            );
          });
    const route = `from ${describeIdentity(lives)} to ${describeIdentity(target)}`;
    if ("refused" in decision) throw new Error(`cannot move ${route}: ${decision.refused}`);
    if (decision.move) progress(def.kind, nameOf(news), `${decision.how} ${route}${decision.detail ? `, ${decision.detail}` : ""}`);
    else progress(def.kind, nameOf(news), `${decision.why}: replaced instead`);
    return decision.move;
  }

  /** Diff: the live object against the program; drift is reported, never thrown. */
  async function diff(id: string, olds: Inputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
    const oldSpec = specOf(olds, "stored state");
    const recorded = recordedHost(id, olds, news);
    const lives = recorded ?? identityOf(oldSpec.connection);
    if (containsUnknown(news)) {
      // A preview before other objects exist: what is known already may still tell a move.
      const unknown = Object.keys(news).filter((k) => containsUnknown(news[k]));
      const replaces = unknown.filter((k) => k === "name" || k === "connection");
      const connection = news.connection as ConnectionSpec | undefined;
      if (!replaces.includes("connection") && !isHostOf(lives, resolveConnection(connection, defaults()))) {
        const target = identityOf(resolveConnection(connection, defaults()));
        if (replaces.length === 0 && (await movesInPlace(id, lives, target, oldSpec, news))) return { changes: true };
        replaces.push("connection");
      }
      return { changes: true, replaces };
    }
    const newSpec = specOf(news, "inputs");
    const replaces = replacementsOf(def, oldSpec, newSpec);
    const target = identityOf(newSpec.connection);
    const moves = !isHostOf(lives, newSpec.connection);
    if (moves && replaces.length === 0 && (await movesInPlace(id, lives, target, oldSpec, news, newSpec))) return { changes: true };
    if (moves) {
      replaces.push("connection");
      if (recorded && storedIdentity(olds.hostIdentity) === undefined) movedFrom.set(id, recorded);
      const order = replaces.length === 1 ? ": created there first, then deleted here" : "";
      progress(def.kind, nameOf(news), `moves from ${describeIdentity(lives)} to ${describeIdentity(target)}${order}`);
    }
    if (replaces.length > 0) {
      if (replaces.some((r) => r !== "connection")) {
        progress(def.kind, nameOf(news), `must be replaced: ${replaces.join(", ")} cannot change in place`);
      }
      // On another host the name is free, so the new object can come first; on the same host it cannot,
      // unless its name is generated: the replacement is checked afresh and gets another one.
      const newFirst = (moves && replaces.length === 1) || bothGenerated(def.fields, olds, news);
      return { changes: true, replaces, deleteBeforeReplace: !newFirst };
    }
    const live = await withHost(newSpec.connection, (conn) => readLive(conn, id, newSpec));
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
    // `adopt` matters only to a create: changing it later changes nothing.
    const inputChanges = changedKeys(olds, news, outputNames).filter((k) => k !== ADOPT_INPUT);
    return { changes: drift.length > 0 || inputChanges.length > 0 };
  }

  return {
    async check(olds: Inputs, news: Inputs): Promise<pulumi.dynamic.CheckResult> {
      // A name the program leaves unset is generated, or kept from the previous run's inputs.
      const named = withGeneratedName(def.fields, olds, news);
      const { spec, problems } = parse(named, true);
      // The previous run's inputs, when they still parse: a change from them may break a rule.
      const oldSpec = spec && def.checkChange && Object.keys(olds).length > 0 ? parse(olds, false).spec : undefined;
      if (spec && oldSpec) def.checkChange?.(oldSpec, spec, problems);
      // During a preview some inputs are not known yet; they are checked once known.
      const unknownKeys = Object.keys(news).filter((k) => containsUnknown(news[k]));
      const failures = problems.all
        .filter((p) => !unknownKeys.some((k) => p.property === k || p.property.startsWith(`${k}.`) || p.property.startsWith(`${k}[`)))
        .map((p) => ({ property: p.property, reason: `${p.property} ${p.reason}` }));
      return { inputs: withHostRecord(olds, named, spec?.connection), failures };
    },

    diff: (id: string, olds: Inputs, news: Inputs) => naming(subjectOf(news), () => diff(id, olds, news)),

    async create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult> {
      try {
        const spec = specOf(inputs, "inputs");
        const live = await withHost(spec.connection, (conn) => createOrAdopt(def, conn, spec, nameOf(inputs), adoptRequested(inputs)));
        return { id: live.id, outs: outputsOf(inputs, def.outputs(spec, live), identityOf(spec.connection)) };
      } catch (err) {
        // A partial create names its object already, and must keep its shape.
        if (err instanceof PartialCreateError) throw partialCreate(err, inputs, hostOfInputs(inputs));
        throw namedError(subjectOf(inputs), err);
      }
    },

    read: (id: string, props: Inputs) =>
      naming(isGet(props) ? `${def.kind} ${id}` : subjectOf(props), async (): Promise<pulumi.dynamic.ReadResult> => {
        if (isGet(props)) return readExisting(id, props);
        const spec = specOf(props, "stored state");
        const connection = storedConnection(id, props, spec);
        const live = await withHost(connection, (conn) => readLive(conn, id, spec));
        if (!live) return {};
        return { id: live.id, props: outputsOf(props, def.outputs(spec, live), identityOf(connection)) };
      }),

    async update(id: string, olds: Inputs, news: Inputs): Promise<pulumi.dynamic.UpdateResult> {
      /** Where the object was moved to by this update, once it was. */
      let movedTo: HostIdentity | undefined;
      try {
        const oldSpec = specOf(olds, "stored state");
        const spec = specOf(news, "inputs");
        // A move to another host is a replacement, unless the kind moves the object (`diff` asked it):
        // it is moved first, and then it is where the new inputs lead.
        const from = recordedHost(id, olds, news);
        const hostMove = def.hostMove;
        if (hostMove && from && !isHostOf(from, spec.connection)) {
          await withHost(connectionAt(from, oldSpec.connection), (source) =>
            withHost(spec.connection, (dest) => hostMove.move(source, dest, id, oldSpec, spec)),
          );
          movedTo = identityOf(spec.connection);
        }
        const live = await withHost(spec.connection, async (conn) => {
          const current = await readLive(conn, id, spec);
          if (!current) {
            progress(def.kind, nameOf(news), "was gone from the host: creating it again");
            return def.create(conn, spec, id);
          }
          return def.update(conn, id, oldSpec, spec, current.state);
        });
        return { outs: outputsOf(news, def.outputs(spec, live), identityOf(spec.connection)) };
      } catch (err) {
        const named = namedError(subjectOf(news), err);
        // Moved, but not converged there: the state must follow the object to its new host.
        throw movedTo ? partialUpdate(named, id, olds, news, movedTo) : named;
      }
    },

    delete: (id: string, props: Inputs) =>
      naming(subjectOf(props), async (): Promise<void> => {
        const spec = specOf(props, "stored state");
        await withHost(storedConnection(id, props, spec), async (conn) => {
          const ref = await unlessGone(def.lookup(conn, id));
          if (ref !== undefined) await def.remove(conn, ref, spec);
        });
        movedFrom.delete(id);
      }),
  };
}

/** Records, under `connection`, why the connection's ssh config file cannot resolve its host. */
function checkSshConfig(problems: Problems, connection: ConnectionSpec): void {
  try {
    toEndpoint(connection);
  } catch (error) {
    if (!(error instanceof SshConfigError)) throw error;
    problems.add("connection", `reads ${error.message}`);
  }
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
 * The checked inputs: the program's, with the host they resolve to recorded (and the
 * previous one, when it differs). Keys of those names the program sent are replaced.
 */
function withHostRecord(olds: Inputs, news: Inputs, connection: ConnectionSpec | undefined): Inputs {
  const { [HOST_INPUT]: _host, [MOVED_FROM_INPUT]: _moved, ...program } = news;
  if (connection === undefined) return program;
  const host = identityOf(connection);
  const before = storedIdentity(olds[HOST_INPUT]);
  return { ...program, [HOST_INPUT]: host, ...(before && !isHostOf(before, connection) ? { [MOVED_FROM_INPUT]: before } : {}) };
}

/** The host recorded in checked inputs, if any. */
function hostOfInputs(inputs: Inputs): HostIdentity | undefined {
  return storedIdentity(inputs[HOST_INPUT]);
}

/**
 * State keeps the inputs as the program gave them (so the next diff compares
 * like with like, defaults included only where the user wrote them) plus
 * what the host reports, and the host the object lives on. Keys Pulumi and
 * `check` add (`__…`) are not echoed.
 */
function outputsOf(inputs: Inputs, reported: Record<string, unknown>, host: HostIdentity | undefined): Inputs {
  const echo = Object.fromEntries(Object.entries(inputs).filter(([k, v]) => !k.startsWith("__") && v !== undefined));
  return { ...echo, ...reported, ...(host ? { hostIdentity: host } : {}) };
}

/**
 * Pulumi's partial-create shape: the engine keeps the resource with this id and these
 * properties, so they carry where it lives and the serialized provider (the provider
 * host adds that to a create's outputs, not to an error's), which its delete needs.
 */
function partialCreate(err: PartialCreateError, inputs: Inputs, host: HostIdentity | undefined): Error {
  const properties = { ...outputsOf(inputs, {}, host), ...(inputs.__provider === undefined ? {} : { __provider: inputs.__provider }) };
  return Object.assign(new Error(err.message), { id: err.id, properties, reasons: [messageOf(err)] });
}

/**
 * A partial update's error (see `partialCreate`): the object moved to `host` but the update
 * failed after, so the state keeps the previous outputs with the new host, where the next
 * run finds it and converges it.
 */
function partialUpdate(err: Error, id: string, olds: Inputs, news: Inputs, host: HostIdentity): Error {
  const properties = { ...outputsOf(olds, {}, host), ...(news.__provider === undefined ? {} : { __provider: news.__provider }) };
  return Object.assign(new Error(err.message, { cause: err }), { id, properties, reasons: [err.message] });
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
  // Keys Pulumi and `check` add (`__provider`, `__host`, …) are not the program's inputs.
  return [...keys].filter((k) => !k.startsWith("__") && !outputs.has(k) && JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
}
