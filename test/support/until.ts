/**
 * Waits until `condition` holds, checking every few milliseconds.
 * @throws Error naming `what` when it does not hold within `timeoutMs`
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
