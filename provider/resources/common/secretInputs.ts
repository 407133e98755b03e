import * as pulumi from "@pulumi/pulumi";
import { ConnectionArgs, SECRET_CONNECTION_FIELDS } from "./connection";

/** Whether a connection (or a jump host in it) holds key text, a passphrase or a password. */
export function carriesCredentials(connection: pulumi.Unwrap<ConnectionArgs> | undefined): boolean {
  if (connection === undefined) return false;
  return SECRET_CONNECTION_FIELDS.some((field) => connection[field] !== undefined) || carriesCredentials(connection.jump);
}

/**
 * The program's inputs with every secret-bearing one wrapped as a Pulumi
 * secret, so the state's inputs, the outputs and a preview's diff all hold
 * them encrypted: `secretInputs` (the table's secret rows, see
 * `registration.ts`), and the whole `connection` when
 * it carries credentials (a host name alone stays readable in a preview).
 * `additionalSecretOutputs` would mark the outputs only; Pulumi keeps the
 * inputs as the program sent them.
 */
export function withSecretInputs(secretInputs: readonly string[], args: pulumi.Inputs): pulumi.Inputs {
  const out: pulumi.Inputs = { ...args };
  for (const key of secretInputs) if (out[key] !== undefined) out[key] = pulumi.secret(out[key]);
  if (out.connection !== undefined) {
    out.connection = pulumi
      .output(out.connection as pulumi.Input<ConnectionArgs>)
      .apply((connection) => (carriesCredentials(connection) ? pulumi.secret(connection) : connection));
  }
  return out;
}
