import type { LibvirtConnection } from "../../libvirt";
import type { ConnectionSpec } from "./connection";
import type { ResourceKind } from "./kinds";
import type { Problem } from "./problems";

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

/** What a live read found. */
export interface LiveObject<State> {
  /** The object's current id on the host. */
  id: string;
  /** Its state, in the kind's own terms. */
  state: State;
}

/**
 * What a resource kind supplies; the generic adapter (`adapter.ts`) turns it
 * into Pulumi's provider methods with the shared rules: validate before any
 * host is touched, read the live object in every diff, treat only libvirt's
 * not-found as "gone", and put each step's progress on the user's console.
 */
export interface KindDefinition<Spec extends SpecBase, State> {
  /** The kind's name. */
  readonly kind: ResourceKind;
  /** Validates raw inputs (without the connection) and returns the spec, or every problem. */
  parse(inputs: Record<string, unknown>, connection: ConnectionSpec): { spec?: Spec; problems: Problem[] };
  /** Input properties whose change cannot be applied in place. */
  replaceOn(olds: Spec, news: Spec): string[];
  /** Reads the object; undefined only when libvirt says it does not exist. */
  read(conn: LibvirtConnection, id: string, spec: Spec): Promise<LiveObject<State> | undefined>;
  /** What differs between the program and the live object. */
  drift(spec: Spec, live: State): Drift[];
  /** Creates the object; on failure undoes what it did, then throws. */
  create(conn: LibvirtConnection, spec: Spec, id?: string): Promise<LiveObject<State>>;
  /** Brings the live object to the spec in place. */
  update(conn: LibvirtConnection, id: string, olds: Spec, news: Spec, live: State): Promise<LiveObject<State>>;
  /** Removes the object; succeeds when it is gone already. */
  remove(conn: LibvirtConnection, id: string, spec: Spec): Promise<void>;
  /**
   * Every output name, as stored beside the inputs in state; an output only
   * sometimes reported (a volume's `sha256`) is still listed, so the diff never
   * takes it for an input the program stopped setting.
   */
  readonly outputNames: readonly string[];
  /**
   * Outputs that report host state the program acts on (e.g. a pending
   * restart): when the stored value no longer matches the host, the next
   * diff counts it as a change, so the update stores the current value.
   */
  readonly reportedOutputs?: readonly string[];
  /** The outputs stored in state (inputs echoed plus what the host reports). */
  outputs(spec: Spec, live: LiveObject<State>): Record<string, unknown>;
}
