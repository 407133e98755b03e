import type { Writable } from "node:stream";

/**
 * Puts packets on the link: call packets batched per turn of the event loop, every other
 * packet at once, and waiting for 'drain' for senders that must not outrun the link.
 */
export class LinkWriter {
  private queued: Buffer[] = [];
  private flushScheduled = false;
  private readonly drainWaiters: Array<() => void> = [];

  /**
   * @param link the stream to write to
   * @param failed whether the link has failed (then nothing is written)
   */
  constructor(
    private readonly link: Writable,
    private readonly failed: () => boolean,
  ) {
    link.on("drain", () => this.releaseDrainWaiters());
  }

  /**
   * Sends a call packet with the others made in the same turn of the event loop, as one
   * write: a diff issues its reads together, and over SSH every write is a packet of its
   * own, encrypted and padded, so a fleet's preview would pay that per call. A call waits
   * at most until the loop's next check phase. (Stream packets go through {@link write}:
   * their sender waits for the link to drain.)
   */
  queueCall(bytes: Buffer): void {
    this.queued.push(bytes);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const batch = this.queued;
      this.queued = [];
      this.write(batch.length === 1 ? batch[0]! : Buffer.concat(batch));
    });
  }

  /**
   * Writes one packet now, in one or more parts (a stream packet's header, then its data
   * uncopied): all in the same turn, so no other packet can come between them. Returns false
   * when the link asks the writer to wait for 'drain'.
   */
  write(...parts: Buffer[]): boolean {
    if (this.failed()) return false;
    let more = true;
    for (const part of parts) more = this.link.write(part);
    return more;
  }

  /** Resolves on the link's next 'drain', or when the link fails ({@link releaseDrainWaiters}). */
  waitForDrain(): Promise<void> {
    return new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  /** Lets every waiting sender go on. */
  releaseDrainWaiters(): void {
    for (const waiter of this.drainWaiters.splice(0)) waiter();
  }
}
