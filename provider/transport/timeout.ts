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
