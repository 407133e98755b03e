import { progress } from "./progress";
import { createTransactionally } from "./transaction";

/** libvirt's calls on a persistent object that is defined, then started: a network, a pool, a domain. */
export interface DefinedObjectCalls<Ref> {
  /** Defines (or redefines) the object from its XML. */
  define(xml: string): Promise<Ref>;
  /** Whether it runs. */
  isActive(ref: Ref): Promise<boolean>;
  /** Stops it at once. */
  destroy(ref: Ref): Promise<void>;
  /** Removes its definition. */
  undefine(ref: Ref): Promise<void>;
}

/** libvirt's calls that bring a defined object up: start it, set its autostart. */
export interface StartableCalls<Ref> {
  /** Starts it (for a pool: builds its storage first). */
  start(ref: Ref): Promise<void>;
  /** Starts it with the host, or not. */
  setAutostart(ref: Ref, on: boolean): Promise<void>;
}

/** Starts the object unless `live` says it runs, and sets its autostart unless `live` says it is as wanted. */
export async function bringUp<Ref>(
  calls: StartableCalls<Ref>,
  ref: Ref,
  autostart: boolean,
  live?: { active: boolean; autostart: boolean },
): Promise<void> {
  if (!live?.active) await calls.start(ref);
  if (live?.autostart !== autostart) await calls.setAutostart(ref, autostart);
}

/** What a create writes, and what it does once the definition exists. */
export interface DefineThenStart<Ref, T> {
  /** The kind and the object's name, for progress lines and errors. */
  kind: string;
  /** What the object is called in messages (`network`, `pool`, `virtual machine`). */
  what: string;
  /** The object's name. */
  name: string;
  /** The UUID, chosen before anything is written so the object can always be found again. */
  uuid: string;
  /** The definition's XML for that UUID. */
  xml: string;
  /** Starts it (and sets autostart) once defined. */
  bringUp(ref: Ref): Promise<void>;
  /** Reads the object back. */
  readBack(ref: Ref): Promise<T>;
}

/**
 * Creates a persistent object transactionally: define, bring up, read back;
 * a refusal after the definition stops and undefines the object (see
 * `createTransactionally` for what happens when the link drops instead).
 */
export function defineThenStart<Ref, T>(calls: DefinedObjectCalls<Ref>, plan: DefineThenStart<Ref, T>): Promise<T> {
  return createTransactionally(plan.what, plan.name, plan.uuid, async () => {
    progress(plan.kind, plan.name, "defining");
    const ref = await calls.define(plan.xml);
    return {
      run: async () => {
        await plan.bringUp(ref);
        return plan.readBack(ref);
      },
      undo: async () => {
        progress(plan.kind, plan.name, "undoing the definition");
        if (await calls.isActive(ref)) await calls.destroy(ref);
        await calls.undefine(ref);
      },
    };
  });
}
