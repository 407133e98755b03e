import { LibvirtError } from "../../rpc";
import { PartialCreateError, messageOf } from "./errors";

/** The steps after the first write of a create, and how to take that write back. */
export interface CreateSteps<T> {
  /** Everything after the first write (start, autostart, read back). */
  run(): Promise<T>;
  /** Removes what the first write made. */
  undo(): Promise<void>;
  /**
   * Whether a failure of `run` is undone. By default only the daemon's
   * refusals are: anything else (a dropped link, a guest that took too long)
   * leaves the object for the next run to finish. An upload undoes every
   * failure, since a volume with part of its data must not stay.
   */
  undoesFailure?(err: unknown): boolean;
}

/**
 * Runs a create so that nothing is lost on failure.
 *
 * The id is chosen before anything is written (a UUID we put into the
 * definition), so whatever happens the object can be found again:
 * - the daemon refused a step (or, for an upload, anything failed) → the
 *   first write is undone and the error thrown;
 * - the undo failed too, or the link dropped (the write may or may not have
 *   happened, and nothing can be undone) → a {@link PartialCreateError}
 *   carrying the id, so Pulumi keeps the resource in state and the next run
 *   finds the object, or finds it gone and creates it again.
 * @param first performs the first write and returns the remaining steps
 */
export async function createTransactionally<T>(
  what: string,
  name: string,
  id: string,
  first: (id: string) => Promise<CreateSteps<T>>,
): Promise<T> {
  let steps: CreateSteps<T>;
  try {
    steps = await first(id);
  } catch (err) {
    if (err instanceof LibvirtError) throw err; // refused: nothing was written
    throw new PartialCreateError(`${what} ${name}: ${messageOf(err)} (it may or may not exist on the host; the next run checks)`, id);
  }
  try {
    return await steps.run();
  } catch (err) {
    if (!(steps.undoesFailure?.(err) ?? err instanceof LibvirtError)) {
      throw new PartialCreateError(`${what} ${name}: ${messageOf(err)} (left as it is; the next run finishes or recreates it)`, id);
    }
    try {
      await steps.undo();
    } catch (undoErr) {
      throw new PartialCreateError(`${what} ${name}: ${messageOf(err)}; undoing the create failed too: ${messageOf(undoErr)}`, id);
    }
    throw err;
  }
}
