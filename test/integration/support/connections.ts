import type { ConnectionArgs } from "../../../provider";
import { TestHost } from "./hosts";

/** The `connection` input that reaches a test host over SSH. */
export function connectionTo(host: TestHost): ConnectionArgs {
  return {
    host: host.host,
    port: host.port,
    user: host.user,
    privateKeyPath: host.keyPath,
    knownHostsPath: host.knownHostsPath,
    uri: host.uri,
  };
}
