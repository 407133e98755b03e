/**
 * Thrown by a create whose undo failed too: the object may still exist on
 * the host. The adapter turns it into Pulumi's partial-create error (an
 * error carrying `id`, `properties` and `reasons`), so the engine keeps the
 * resource in state instead of forgetting an object that lives on.
 */
export class PartialCreateError extends Error {
  /**
   * @param message what failed, and that the undo failed too
   * @param id the id of the object that may remain
   */
  constructor(
    message: string,
    readonly id: string,
  ) {
    super(message);
    this.name = "PartialCreateError";
  }
}

/** Thrown for a request that can never succeed as asked (e.g. shrinking a volume). */
export class RefusedChangeError extends Error {
  /** @param message which property, and why it cannot change that way */
  constructor(message: string) {
    super(message);
    this.name = "RefusedChangeError";
  }
}

/** The message of any thrown value. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
