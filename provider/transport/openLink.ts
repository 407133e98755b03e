/**
 * The entry point: validate the endpoint, then open a local or SSH link.
 */
import { openDebugLog } from "./debugLog";
import { describeEndpoint } from "./describe";
import { DEFAULT_CONNECT_ATTEMPTS } from "./dialRetry";
import { TransportError } from "./errors";
import { openLocalLink } from "./localLink";
import { openSshLink } from "./sshLink";
import type { RouteSettings } from "./route";
import { keepaliveSchedule } from "./keepaliveTimeout";
import { Deadline } from "./timeout";
import type { LibvirtEndpoint, Link, OpenLinkOptions } from "./types";
import { validateEndpoint } from "./validate";

/**
 * Defaults for {@link OpenLinkOptions}. Keepalives as the default silence budget sets
 * them (every 5 s, 3 unanswered): a dead host (or a NAT that forgot the flow) is noticed
 * within about 20 s, before libvirt's own keepalive gives up on the daemon (30 s), so a
 * frozen link is reported as the link's failure; and a live link is heard from every few
 * seconds, which is how the layers above tell a silent daemon behind it from a silent link.
 */
export const DEFAULT_LINK_OPTIONS = {
  keepaliveIntervalMs: keepaliveSchedule().intervalMs,
  keepaliveCountMax: keepaliveSchedule().sshCountMax,
  channelTimeoutMs: 10_000,
  closeTimeoutMs: 3_000,
} as const;

/**
 * Default of {@link LibvirtEndpoint.connectTimeoutMs}: long enough for a slow login
 * through a jump host, short enough that a daemon frozen before the run fails it soon.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

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
  const deadline = new Deadline(endpoint.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
  // Read per open, not at load, so the switch can be flipped without a restart.
  const debug = openDebugLog();
  if (endpoint.ssh === undefined) {
    return openLocalLink(endpoint, { connectTimeoutMs: deadline.capped(channelTimeoutMs), closeTimeoutMs, log });
  }
  // The endpoint's silence budget sets the SSH keepalive unless the caller tuned it itself.
  const schedule = endpoint.keepaliveTimeoutMs === undefined ? undefined : keepaliveSchedule(endpoint.keepaliveTimeoutMs);
  const settings: RouteSettings = {
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? schedule?.intervalMs ?? DEFAULT_LINK_OPTIONS.keepaliveIntervalMs,
    keepaliveCountMax: options.keepaliveCountMax ?? schedule?.sshCountMax ?? DEFAULT_LINK_OPTIONS.keepaliveCountMax,
    channelTimeoutMs,
    closeTimeoutMs,
    deadline,
    log,
    connectAttempts: endpoint.connectAttempts ?? DEFAULT_CONNECT_ATTEMPTS,
    debug,
  };
  try {
    return await openSshLink(endpoint, endpoint.ssh, settings);
  } catch (error) {
    debug(describeEndpoint(endpoint), `link failed: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
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
