import { UnavailableError } from '../errors/domain-errors.js';

/**
 * How a mutation tells the request it is about to write (src/server/request-deadline.ts implements it). Past
 * the request's deadline nothing new may start: `beginWrite` throws UNAVAILABLE, so the timeout answer is
 * true (nothing was done). Once a write began the request answers only when the mutation has finished (or
 * undone itself), so a client is never told 503 about a run that then exists.
 */
export interface WriteGuard {
  beginWrite(): void;
}

/** For callers without a deadline (the sync controller, tests, subscriptions). */
export const NO_DEADLINE: WriteGuard = { beginWrite: () => undefined };

export function expiredError(timeoutMs: number): UnavailableError {
  return new UnavailableError(`the request took longer than ${timeoutMs} ms; nothing was changed`);
}
