/**
 * The entry point: validate the endpoint, then open a local or SSH link.
 */
import { describeEndpoint } from "./describe";
import { TransportError } from "./errors";
import { openLocalLink } from "./localLink";
import { openSshLink } from "./sshLink";
import type { RouteSettings } from "./route";
import type { LibvirtEndpoint, Link, OpenLinkOptions } from "./types";
import { validateEndpoint } from "./validate";

/**
 * Defaults for {@link OpenLinkOptions}. Keepalives every 15 s, 3 unanswered: a dead
 * host (or a NAT that forgot the flow) is noticed within about a minute, and idle
 * links in a pool are not dropped by middleboxes.
 */
export const DEFAULT_LINK_OPTIONS = {
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  channelTimeoutMs: 10_000,
  closeTimeoutMs: 3_000,
} as const;

/**
 * Opens a byte stream to the libvirt daemon described by `endpoint`: over SSH (through
 * any jump hosts, running `virt-ssh-helper` or `nc` on the host) when `endpoint.ssh`
 * is set, else over the local unix socket.
 *
 * Rejects with a {@link TransportError}: `config` (listing every problem) before
 * anything is attempted, else `connect`, `timeout`, `host-key`, `auth` or `channel`.
 * Nothing stays open after a rejection.
 */
export async function openLink(endpoint: LibvirtEndpoint, options: OpenLinkOptions = {}): Promise<Link> {
  const problems = [...validateEndpoint(endpoint), ...validateOptions(options)];
  if (problems.length > 0) {
    throw new TransportError("config", describeEndpoint(endpoint), `invalid libvirt endpoint: ${problems.join("; ")}`);
  }
  const log = options.log ?? (() => undefined);
  const closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_LINK_OPTIONS.closeTimeoutMs;
  const channelTimeoutMs = options.channelTimeoutMs ?? DEFAULT_LINK_OPTIONS.channelTimeoutMs;
  if (endpoint.ssh === undefined) {
    return openLocalLink(endpoint, { connectTimeoutMs: channelTimeoutMs, closeTimeoutMs, log });
  }
  const settings: RouteSettings = {
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? DEFAULT_LINK_OPTIONS.keepaliveIntervalMs,
    keepaliveCountMax: options.keepaliveCountMax ?? DEFAULT_LINK_OPTIONS.keepaliveCountMax,
    channelTimeoutMs,
    closeTimeoutMs,
    log,
  };
  return openSshLink(endpoint, endpoint.ssh, settings);
}

function validateOptions(options: OpenLinkOptions): string[] {
  const problems: string[] = [];
  const check = (name: keyof OpenLinkOptions, value: number | undefined, allowZero: boolean): void => {
    if (value === undefined) return;
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
      problems.push(`options.${name} must be a ${allowZero ? "non-negative" : "positive"} number`);
    }
  };
  check("keepaliveIntervalMs", options.keepaliveIntervalMs, true);
  check("keepaliveCountMax", options.keepaliveCountMax, true);
  check("channelTimeoutMs", options.channelTimeoutMs, false);
  check("closeTimeoutMs", options.closeTimeoutMs, false);
  return problems;
}
