import { isNotFoundError } from "../../rpc";

/**
 * The value of a lookup, or undefined when libvirt says the object does not
 * exist. Every other failure (a dropped link, a refused call) is rethrown:
 * only libvirt's own "not found" means gone.
 */
export async function unlessGone<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup;
  } catch (err) {
    if (isNotFoundError(err)) return undefined;
    throw err;
  }
}

/** Runs a removal step, treating "already gone" as done. */
export async function ignoringGone(step: Promise<unknown>): Promise<void> {
  await unlessGone(step);
}
