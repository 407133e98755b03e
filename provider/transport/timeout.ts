/**
 * Small promise helpers shared by the link implementations, so that no step of
 * opening or closing a link can wait forever.
 */

/** Resolves with the promise's value, or rejects with `onTimeout()` after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Resolves true when the promise settles within `ms`, false otherwise; never rejects. */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(done, done);
  });
}

/** Resolves on the emitter's first `event`; never rejects. */
export function onceEvent(emitter: NodeJS.EventEmitter, event: string): Promise<void> {
  return new Promise<void>((resolve) => emitter.once(event, () => resolve()));
}

/** A duration for messages: `30 s`, `2.5 s`, `0.3 s`. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
}

/**
 * One time budget shared by the steps of opening a connection, so the whole opening
 * (not each step) is bounded by what the user configured.
 */
export class Deadline {
  private readonly endsAt: number;

  /** @param totalMs the whole budget, counted from now */
  constructor(readonly totalMs: number) {
    this.endsAt = Date.now() + totalMs;
  }

  /** What is left, at least 1 ms so a late step still fails by the timer, not at once. */
  remainingMs(): number {
    return Math.max(1, this.endsAt - Date.now());
  }

  /** The smaller of what is left and a step's own cap. */
  capped(stepMs: number): number {
    return Math.min(stepMs, this.remainingMs());
  }
}
