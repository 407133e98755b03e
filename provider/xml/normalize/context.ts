/** What a normalize rule sees besides the document it rewrites. */
import type { Domain } from "../domain/types";
import type { Network } from "../network/types";
import type { Pool } from "../storage/pool";
import type { Volume } from "../storage/volume";

/** The document kinds rules apply to. */
export interface DocTypes {
  domain: Domain;
  network: Network;
  pool: Pool;
  volume: Volume;
}

/** A kind of document. */
export type DocKind = keyof DocTypes;

/**
 * `role` says which copy is being normalized; `desired` is always the user's
 * definition, so a rule can keep what the user declared.
 */
export interface RuleContext<T> {
  role: "live" | "desired";
  desired: T;
}
