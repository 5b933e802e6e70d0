import type { Identity } from '../identity/identity.js';
import type { TokenReviewer } from '../identity/token-reviewer.js';
import type { ServerMetrics } from './metrics.js';

/**
 * Counts and times the TokenReviews of any reviewer from outside it (the reviewer's own timeout and error
 * handling stay its own): authenticated, rejected (null), or error (it threw, which the caller maps).
 */
export function observedTokenReviewer(inner: TokenReviewer, metrics: ServerMetrics): TokenReviewer {
  return {
    async review(token: string, signal?: AbortSignal): Promise<Identity | null> {
      const stop = metrics.tokenReviewDuration.startTimer();
      try {
        const identity = await inner.review(token, signal);
        metrics.tokenReviews.inc({ outcome: identity ? 'authenticated' : 'rejected' });
        return identity;
      } catch (error) {
        metrics.tokenReviews.inc({ outcome: 'error' });
        throw error;
      } finally {
        stop();
      }
    },
  };
}
