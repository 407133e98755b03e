/**
 * Watches the exec channel that runs the remote proxy: its exit status, the tail of
 * its stderr, and the moment the server closes the channel.
 *
 * The close is observed on stderr, which we always drain, not on the channel itself:
 * ssh2 emits a channel's 'close' only after its readable side has been consumed to
 * the end, so a consumer that pauses (or never reads) would otherwise hide a dead
 * proxy forever.
 */
import type { ClientChannel } from "ssh2";

/** How much of the proxy's stderr is kept for error messages. */
const STDERR_TAIL_BYTES = 4096;
/** How long to wait, after the proxy's stderr ended, for its exit status. */
const EXIT_STATUS_GRACE_MS = 1000;

/** What is known about the proxy process so far. */
export interface ProxyChannelWatch {
  /** Exit status, once the server reported it. */
  exitCode(): number | undefined;
  /** Terminating signal (e.g. `SIGKILL`), once the server reported it. */
  exitSignal(): string | undefined;
  /** The last few KiB of stderr, trimmed. */
  stderrTail(): string;
  /** The first 'error' the channel emitted, if any. */
  streamError(): Error | undefined;
  /** Settles once the server closed the channel (or it was destroyed locally). */
  readonly closed: Promise<void>;
}

/**
 * Starts watching. Must be called synchronously in the exec callback: ssh2 emits
 * 'exit' as soon as the packet is parsed, and a fast-failing proxy's exit status can
 * arrive in the same read as the exec confirmation.
 */
export function watchProxyChannel(channel: ClientChannel): ProxyChannelWatch {
  let stderr = Buffer.alloc(0);
  let code: number | undefined;
  let signal: string | undefined;
  let error: Error | undefined;

  channel.stderr.on("data", (chunk: Buffer) => {
    // Keep only the tail: a chatty proxy must not grow memory without bound.
    stderr = Buffer.concat([stderr, chunk]);
    if (stderr.length > STDERR_TAIL_BYTES) stderr = stderr.subarray(stderr.length - STDERR_TAIL_BYTES);
  });
  channel.on("exit", (exitCode: number | null, exitSignal?: string) => {
    if (typeof exitCode === "number") code = exitCode;
    else if (typeof exitSignal === "string") signal = exitSignal;
  });
  // Errors surface through Link.closed; this listener also keeps a consumer that has
  // not attached its own from crashing the process on an 'error' event.
  channel.on("error", (e: Error) => void (error ??= e));

  const closed = new Promise<void>((resolve) => {
    channel.once("close", () => resolve());
    // The channel's own 'close' waits until its output is consumed, which a link
    // nobody reads never is; the end of stderr says the proxy is gone. sshd sends
    // the exit status just after that end, so wait briefly for it: without it a
    // failed proxy would read as a plain disconnect.
    let stderrEnded = false;
    const afterStderr = (): void => {
      if (stderrEnded) return;
      stderrEnded = true;
      if (code !== undefined || signal !== undefined) return resolve();
      const timer = setTimeout(resolve, EXIT_STATUS_GRACE_MS);
      channel.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    };
    channel.stderr.once("end", afterStderr);
    channel.stderr.once("close", afterStderr);
  });
  return {
    exitCode: () => code,
    exitSignal: () => signal,
    stderrTail: () => stderr.toString("utf8").trim(),
    streamError: () => error,
    closed,
  };
}
