/**
 * Human-readable names for targets and endpoints, used in errors, logs and
 * `Link.description`. Built only from host, port, user and paths: never from auth.
 */
import type { LibvirtEndpoint, SshTarget } from "./types";

/** The daemon socket libvirt's system daemons listen on. */
export const DEFAULT_SOCKET_PATH = "/var/run/libvirt/libvirt-sock";

/** The port of a target, defaulted. */
export function targetPort(target: SshTarget): number {
  return target.port ?? 22;
}

/** `user@host:port`, with IPv6 literals bracketed: `user@[::1]:22`. */
export function describeTarget(target: SshTarget): string {
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  return `${target.user}@${host}:${targetPort(target)}`;
}

/** `user@host:port`, followed by ` via user@bastion:port` for each jump host. */
export function describeRoute(target: SshTarget): string {
  const hops: string[] = [];
  for (let jump = target.jump; jump !== undefined; jump = jump.jump) hops.push(describeTarget(jump));
  return hops.length === 0 ? describeTarget(target) : `${describeTarget(target)} via ${hops.join(" via ")}`;
}

/** What {@link Link.description} says for an endpoint. */
export function describeEndpoint(endpoint: LibvirtEndpoint): string {
  return endpoint.ssh === undefined ? `unix:${endpoint.socketPath ?? DEFAULT_SOCKET_PATH}` : describeRoute(endpoint.ssh);
}
