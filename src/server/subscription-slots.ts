/**
 * The process-wide cap on open subscriptions (MAX_SUBSCRIPTIONS): each holds a socket, an event-bus listener and
 * its authorization state for as long as the client likes, so their number is bounded like any other resource.
 */
export class SubscriptionSlots {
  readonly #max: number;
  #open = 0;

  constructor(max: number) {
    this.#max = max;
  }

  get open(): number {
    return this.#open;
  }

  /** A release function (idempotent), or null when every slot is taken. */
  acquire(): (() => void) | null {
    if (this.#open >= this.#max) return null;
    this.#open += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#open -= 1;
    };
  }
}

/**
 * Wraps a subscription's event stream so that its slot is released however it ends: completed by the client,
 * the socket closed, the stream finished or failed, or `return` called before the first event was asked for
 * (which an async generator wrapper would skip, never running its `finally`).
 */
export function releasingOnEnd<T>(source: AsyncIterable<T>, release: () => void): AsyncIterableIterator<T, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  const wrapped: AsyncIterableIterator<T, undefined> = {
    async next() {
      try {
        const step = await iterator.next();
        if (step.done) release();
        return step.done ? { done: true, value: undefined } : step;
      } catch (error) {
        release();
        throw error;
      }
    },
    async return() {
      release();
      await iterator.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      release();
      if (iterator.throw) await iterator.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return wrapped;
    },
  };
  return wrapped;
}
