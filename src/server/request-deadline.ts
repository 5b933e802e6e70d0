import { expiredError, type WriteGuard } from '../app/write-guard.js';

/**
 * One deadline for a whole HTTP request (REQUEST_TIMEOUT_MS): identity, then execution, share it, so a slow
 * TokenReview cannot push the answer past the limit the operator set. `signal` aborts the Kubernetes calls
 * that take it; `race` stops waiting for anything else.
 */
export class RequestDeadline implements WriteGuard {
  readonly #controller = new AbortController();
  #writing = false;
  readonly #timer: NodeJS.Timeout;
  readonly #expired: Promise<'timeout'>;
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
    this.#expired = new Promise((resolve) => {
      this.#controller.signal.addEventListener('abort', () => resolve('timeout'), { once: true });
    });
    this.#timer = setTimeout(() => this.#controller.abort(new Error(`the request took longer than ${timeoutMs} ms`)), timeoutMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Past the deadline nothing may start writing; before it, a write makes the request wait for its end. */
  beginWrite(): void {
    if (this.#controller.signal.aborted) throw expiredError(this.timeoutMs);
    this.#writing = true;
  }

  /** Whether a mutation began writing: its answer must then be awaited, whatever the deadline says. */
  get writing(): boolean {
    return this.#writing;
  }

  /** The work's result, or 'timeout' once the deadline passed (the work itself is left to its own bounds). */
  race<T>(work: Promise<T>): Promise<T | 'timeout'> {
    return Promise.race([work, this.#expired]);
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}
