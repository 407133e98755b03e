/**
 * What a resource class's `get` and the provider's `read` share: the input that says an object
 * is only read (never created, changed or deleted by the stack), and the lookups by the ids a
 * `get` accepts.
 */
import { unlessGone } from "./gone";

/**
 * The input a `get` sets beside its `connection`, and the output its read keeps: props holding
 * it are read from the id alone (`read` in `adapter.ts`), never parsed as a managed object's
 * stored state — in the program's read and in a refresh of what that read stored alike.
 */
export const GET_INPUT = "__get";

/** Whether props are a `get`'s: the program's, or what its read stored. */
export function isGet(props: Readonly<Record<string, unknown>>): boolean {
  return props[GET_INPUT] === true;
}

/** Whether text is a UUID as the wire codec takes it (`uuidToBytes`): 32 hex digits, dashes ignored. */
const isUuid = (text: string): boolean => /^[0-9a-fA-F]{32}$/.test(text.replace(/-/g, ""));

/** libvirt's lookups of a kind whose names are unique on the host (`conn.pools`, `conn.networks`, `conn.domains`). */
export interface UuidOrNameLookups<Ref> {
  lookupByUuid(uuid: string): Promise<Ref>;
  lookupByName(name: string): Promise<Ref>;
}

/**
 * Finds an object whose name is unique on the host (a pool, a network, a domain) by a UUID or
 * its name: an id shaped like a UUID is looked up as one first, then, when no object has that
 * UUID, as a name (a name may look like a UUID). libvirt's not-found when neither finds one.
 */
export async function byUuidOrName<Ref>(lookups: UuidOrNameLookups<Ref>, id: string): Promise<Ref> {
  const found = isUuid(id) ? await unlessGone(lookups.lookupByUuid(id)) : undefined;
  return found ?? lookups.lookupByName(id);
}
