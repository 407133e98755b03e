import type { LibvirtConnection } from "../../libvirt";
import type { ConnectionSpec } from "./connection";
import type { FieldTable, StoredOutputsOf, ValuesOf } from "./fields";
import type { Problems } from "./problems";
import type { VariantUnion } from "./variants";

/** Validated inputs of any resource: its own fields plus where it lives. */
export interface SpecBase {
  /** The effective connection (resource fields over stack defaults). */
  connection: ConnectionSpec;
}

/** One difference between the program and the host, for the preview. */
export interface Drift {
  /** The input property it concerns, e.g. `ipv4.dhcp.hosts`. */
  property: string;
  /** What differs, e.g. `on the host: 52:54:00:… missing`. */
  detail: string;
}

/**
 * A difference between the program and an existing object that only replacing
 * the object could remove (a volume's format, a pool's path): adopting the
 * object refuses it rather than touch the object.
 */
export interface ReplacingDifference {
  /** The input, e.g. `format`. */
  property: string;
  /** What the program declares, as the message shows it. */
  declared: string;
  /** What the host has. */
  host: string;
}

/** What a live read found. */
export interface LiveObject<State> {
  /** The object's current id on the host. */
  id: string;
  /** Its state, in the kind's own terms. */
  state: State;
}

/**
 * What state holds for an object a `get` read (see `get.ts`): every output of the kind's
 * table and every input it reports, plus the inputs that name and place the object (its
 * `name`; a volume's and a seed's `pool`), all as the host has them.
 */
export type ExistingOf<Table extends FieldTable> = StoredOutputsOf<Table> & { name: string; pool?: string };

/** How a kind reads an object the stack does not manage (a class's `get`). */
export interface ExistingReader<Table extends FieldTable, Ref> {
  /** What a `get`'s id may be, for messages: `"UUID or name"`, `"key or path"`. */
  readonly by: string;
  /** Finds the object by such an id; libvirt's not-found error when there is none. */
  find(conn: LibvirtConnection, id: string): Promise<Ref>;
  /** Reads the object found, without a program's spec. */
  read(conn: LibvirtConnection, ref: Ref): Promise<LiveObject<ExistingOf<Table>>>;
}

/** What a kind's {@link HostMove.assess} decided for an object whose host changes. */
export type HostMoveDecision =
  /**
   * The object moves in an update; `how` says how (`migrates live`) and `detail` what it
   * carries (`copying 2 disks, 20.0 GiB`): the preview prints `how from A to B, detail`.
   */
  | { move: true; how: string; detail?: string }
  /** The object is replaced (new one first); `why` says why it cannot move, for the preview. */
  | { move: false; why: string }
  /**
   * The move cannot work (and the program asked for it): `refused` names the property, the
   * rule and the way out, and `diff` fails with it before either host is touched.
   */
  | { move: false; refused: string };

/** The new host and the program's spec for it, as {@link HostMove.assess} gets them once the inputs are known. */
export interface HostMoveTarget<Spec> {
  /** The new host. */
  conn: LibvirtConnection;
  /** The program's spec (its `connection` names the new host). */
  news: Spec;
}

/**
 * How a kind moves an object to another host in an update rather than by a
 * replacement (a running VM, live-migrated). A kind without it is replaced.
 */
export interface HostMove<Spec extends SpecBase> {
  /**
   * Why the program's inputs ask for a replacement whatever the old host holds
   * (`onHostChange is "replace"`), or undefined: then `assess` asks that host.
   * The inputs may hold values a preview does not know yet: read only the kind's
   * own choice among them. Called by `diff` when nothing else forces a replacement.
   */
  replacedBy(inputs: Readonly<Record<string, unknown>>): string | undefined;
  /** How a program asks for a replacement instead, for messages: `onHostChange: "replace"`. */
  readonly replaceInstead: string;
  /**
   * Whether the object, as the old host has it (`olds`: its stored spec), moves in place, and
   * how. `to` is given when the program's inputs are known (not in a preview that waits for
   * other objects): then what the new host lacks can be refused too. Only reads.
   */
  assess(from: LibvirtConnection, id: string, olds: Spec, to?: HostMoveTarget<Spec>): Promise<HostMoveDecision>;
  /**
   * Moves the object from `from` to `to`, where it keeps its id; afterwards the
   * kind's `update` converges it on `to`. On failure the object stays on `from`
   * and this throws.
   */
  move(from: LibvirtConnection, to: LibvirtConnection, id: string, olds: Spec, news: Spec): Promise<void>;
}

/**
 * What a resource kind supplies; the generic adapter (`adapter.ts`) turns it
 * into Pulumi's provider methods with the shared rules: validate before any
 * host is touched, read the live object in every diff, treat only libvirt's
 * not-found as "gone", and put each step's progress on the user's console.
 * `Ref` is libvirt's handle of the object.
 */
export interface KindDefinition<Table extends FieldTable, Spec extends SpecBase, State, Ref = unknown> {
  /** The kind's name, as the registry (`resources/kinds.ts`) files it. */
  readonly kind: string;
  /** Every input and output of the kind, each declared once (see `fields.ts`). */
  readonly fields: Table;
  /**
   * When the inputs are a discriminated union (a pool's `type`): which rows of
   * the table each member requires and takes (see `variants.ts`), checked
   * before `toSpec` runs.
   */
  readonly variants?: VariantUnion;
  /**
   * The spec from the fields' valid values: rules across fields (each
   * problem recorded) and values derived from several fields. Called only
   * when every field passed its own check.
   */
  toSpec(values: ValuesOf<Table>, problems: Problems, inputs: Readonly<Record<string, unknown>>): Omit<Spec, "connection"> | undefined;
  /**
   * Rules on the change from the previous run's inputs, each problem recorded
   * by `check` before any host is touched (a volume's capacity never shrinks).
   */
  checkChange?(olds: Spec, news: Spec, problems: Problems): void;
  /** Finds the object by its id; libvirt's not-found error when there is none (the only error that means "gone"). */
  lookup(conn: LibvirtConnection, id: string): Promise<Ref>;
  /**
   * Finds an object named as the spec names this one (a volume: in its pool),
   * whoever made it; undefined only on libvirt's not-found. `create` looks
   * before it writes (see `common/adopt.ts`).
   */
  findExisting(conn: LibvirtConnection, spec: Spec): Promise<Ref | undefined>;
  /** How messages name such an object: `a network named "lab"`, `a volume named "a.qcow2" in pool "images"`. */
  describeExisting(spec: Spec): string;
  /**
   * What differs between the spec and an existing object that only a
   * replacement could remove; adopting the object is refused while any does.
   */
  replacingDifferences(conn: LibvirtConnection, spec: Spec, live: LiveObject<State>): Promise<ReplacingDifference[]>;
  /** Reads the object found. */
  read(conn: LibvirtConnection, ref: Ref, spec: Spec): Promise<LiveObject<State>>;
  /** What differs between the program and the live object. */
  drift(spec: Spec, live: State): Drift[];
  /** Creates the object (under `id` when it is re-created); on failure undoes what it did, then throws. */
  create(conn: LibvirtConnection, spec: Spec, id?: string): Promise<LiveObject<State>>;
  /** Brings the live object to the spec in place; `olds` is the previous run's spec. */
  update(conn: LibvirtConnection, id: string, olds: Spec, news: Spec, live: State): Promise<LiveObject<State>>;
  /** Removes the object found; succeeds when it disappears meanwhile. */
  remove(conn: LibvirtConnection, ref: Ref, spec: Spec): Promise<void>;
  /**
   * Outputs that report host state the program acts on (e.g. a pending
   * restart): when the stored value no longer matches the host, the next
   * diff counts it as a change, so the update stores the current value.
   */
  readonly reportedOutputs?: readonly string[];
  /** What the host reports, stored in state beside the inputs: exactly the table's outputs and reported inputs. */
  outputs(spec: Spec, live: LiveObject<State>): StoredOutputsOf<Table>;
  /** How an object moves to another host in place; without it a host change is a replacement. */
  readonly hostMove?: HostMove<Spec>;
  /** How a `get` finds and reads an object of this kind. */
  readonly existing: ExistingReader<Table, Ref>;
}
