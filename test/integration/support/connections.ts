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

/** The stack configuration (`kvm:*` keys) that reaches a test host over SSH, for resources without a `connection`. */
export function configFor(host: TestHost): Record<string, string> {
  return {
    "kvm:host": host.host,
    "kvm:port": String(host.port),
    "kvm:user": host.user,
    "kvm:privateKeyPath": host.keyPath,
    "kvm:knownHostsPath": host.knownHostsPath,
  };
}
