/**
 * Transport: byte streams to libvirt daemons, locally or over SSH. Knows nothing of
 * the RPC protocol carried on them.
 */
export { openLink, DEFAULT_LINK_OPTIONS, DEFAULT_CONNECT_TIMEOUT_MS } from "./openLink";
export { formatSeconds } from "./timeout";
export { openDebugLog, transportDebugEnabled, NO_DEBUG } from "./debugLog";
export type { DebugLog, DebugLogOptions } from "./debugLog";
export { DEFAULT_CONNECT_ATTEMPTS, MAX_CONNECT_ATTEMPTS, MIN_CONNECT_ATTEMPTS } from "./dialRetry";
export { keepaliveSchedule, DEFAULT_KEEPALIVE_TIMEOUT_MS } from "./keepaliveTimeout";
export type { KeepaliveSchedule } from "./keepaliveTimeout";
export { validateEndpoint } from "./validate";
export { TransportError, isTransportError } from "./errors";
export type { TransportErrorKind, TransportErrorDetails, HostKeyProblem, HostKeyRefusal } from "./errors";
export type {
  HostKeyPolicy,
  HostKeyType,
  KnownHostsPolicy,
  LibvirtEndpoint,
  Link,
  OpenLinkOptions,
  PinnedFingerprintPolicy,
  RemoteProxy,
  SshAuth,
  SshTarget,
} from "./types";
export { sha256Fingerprint, normalizeFingerprint, keyTypeOfBlob } from "./fingerprint";
export { parseKnownHosts, checkHostKey } from "./knownHosts";
export type { KnownHosts, KnownHostsEntry, KnownHostsProblem, HostKeyVerdict, ExpectedKey, KnownHostsHosts } from "./knownHosts";
export { knownHostName } from "./hostPatterns";
export { expandHome } from "./hostKeyCheck";
export { remoteProxyCommand, shellQuote, validateDaemonUri, validateSocketPath } from "./remoteCommand";
export type { RemoteCommandInput } from "./remoteCommand";
export { describeEndpoint, targetPort, DEFAULT_SOCKET_PATH } from "./describe";
export { parseSshConfig, SshConfigError } from "./sshConfigFile";
export type { SshConfig, SshConfigEntry, SshConfigSection } from "./sshConfigFile";
export { resolveSshHost } from "./sshConfig";
export type { SshConfigContext, SshConfigHost, SshHostRequest } from "./sshConfig";
