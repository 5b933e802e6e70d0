import { describe, expect, it } from 'vitest';
import { RetryBackoff, WATCH_BACKOFF } from '../../src/kube/retry-backoff.js';

describe('watch restart backoff', () => {
  it('doubles from 800 ms to 30 s with up to ±50% jitter, and starts over after a success', () => {
    const low = new RetryBackoff(WATCH_BACKOFF, () => 0);
    const high = new RetryBackoff(WATCH_BACKOFF, () => 0.999);
    const lows = Array.from({ length: 8 }, () => low.next());
    const highs = Array.from({ length: 8 }, () => high.next());
    expect(lows).toEqual([400, 800, 1600, 3200, 6400, 12800, 15000, 15000]);
    expect(highs.slice(0, 3)).toEqual([1199, 2398, 4797]);
    expect(Math.max(...highs)).toBe(30_000);
    low.reset();
    expect(low.attempts).toBe(0);
    expect(low.next()).toBe(400);
  });

  it('costs a handful of attempts, not 20, over a 40 s outage', () => {
    const backoff = new RetryBackoff();
    let elapsed = 0;
    let attempts = 0;
    while (elapsed < 40_000) {
      elapsed += backoff.next();
      attempts += 1;
    }
    expect(attempts).toBeLessThanOrEqual(10);
  });
});
