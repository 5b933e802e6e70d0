import { EventEmitter } from 'node:events';

/** What subscribers learn when the sync controller saw a run change. */
export interface RunUpdateEvent {
  readonly runId: string;
  readonly namespace: string;
  readonly state: string;
  /** The Workflow's phase and resourceVersion the update came from. */
  readonly phase: string;
  readonly resourceVersion: string;
}

const EVENT = 'run';

/**
 * In-process pub/sub of run updates, fed by the sync controller, read by `Subscription.runUpdated`. Every replica
 * runs the controller's watch (only the leader writes), so every replica publishes and a subscriber connected to
 * any replica sees the updates; no shared bus is needed.
 */
export class RunEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    // One listener per open subscription; the default limit of 10 would warn on an ordinary dashboard.
    this.#emitter.setMaxListeners(0);
  }

  publish(event: RunUpdateEvent): void {
    this.#emitter.emit(EVENT, event);
  }

  get listenerCount(): number {
    return this.#emitter.listenerCount(EVENT);
  }

  /**
   * The updates of one namespace (and run, when given), as an async iterator. `return()` (graphql-ws calls it
   * when the client completes or disconnects) unsubscribes at once, even while a `next()` is waiting: an async
   * generator would queue the return behind the pending event and keep the listener until one arrives.
   * At most `maxBuffered` undelivered events are kept; a consumer slower than that loses the oldest.
   */
  subscribe(namespace: string, runId: string | null, maxBuffered = 1_000): AsyncIterableIterator<RunUpdateEvent> {
    const buffered: RunUpdateEvent[] = [];
    const waiting: ((result: IteratorResult<RunUpdateEvent>) => void)[] = [];
    let closed = false;
    const listener = (event: RunUpdateEvent): void => {
      if (event.namespace !== namespace || (runId !== null && event.runId !== runId)) return;
      const next = waiting.shift();
      if (next) next({ value: event, done: false });
      else {
        buffered.push(event);
        if (buffered.length > maxBuffered) buffered.shift();
      }
    };
    this.#emitter.on(EVENT, listener);
    const close = (): Promise<IteratorResult<RunUpdateEvent>> => {
      if (!closed) {
        closed = true;
        this.#emitter.off(EVENT, listener);
        buffered.length = 0;
        for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
      }
      return Promise.resolve({ value: undefined, done: true });
    };
    const iterator: AsyncIterableIterator<RunUpdateEvent> = {
      next: () => {
        const event = buffered.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiting.push(resolve));
      },
      return: close,
      throw: async (error: unknown) => {
        await close();
        throw error;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}
