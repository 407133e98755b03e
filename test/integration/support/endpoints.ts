import type { LibvirtEndpoint } from "../../../provider/transport";
import { testHosts, TestHost } from "./hosts";

/** The endpoint that reaches a test host over SSH with the generated key and known_hosts. */
export function sshEndpoint(host: TestHost): LibvirtEndpoint {
  return {
    uri: host.uri,
    ssh: {
      host: host.host,
      port: host.port,
      user: host.user,
      auth: { privateKeyFile: host.keyPath },
      hostKey: { kind: "known-hosts", file: host.knownHostsPath },
    },
  };
}

/** The endpoint of host A through this machine's libvirt unix socket. */
export function localEndpoint(): LibvirtEndpoint {
  return { uri: testHosts().a.uri };
}

/** Every way the tests reach a daemon: A and B over SSH, A through the local socket. */
export function allEndpoints(): Array<{ label: string; endpoint: LibvirtEndpoint; host: TestHost }> {
  const { a, b } = testHosts();
  return [
    { label: "host A over SSH", endpoint: sshEndpoint(a), host: a },
    { label: "host B over SSH", endpoint: sshEndpoint(b), host: b },
    { label: "host A through the local socket", endpoint: localEndpoint(), host: a },
  ];
}
