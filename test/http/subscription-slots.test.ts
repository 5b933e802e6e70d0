import { describe, expect, it } from 'vitest';
import { SubscriptionSlots, releasingOnEnd } from '../../src/server/subscription-slots.js';

async function* events(n: number, fail = false): AsyncGenerator<number> {
  for (let i = 0; i < n; i += 1) yield i;
  if (fail) throw new Error('stream failed');
}

describe('SubscriptionSlots', () => {
  it('hands out at most max slots; a release (once, however often called) frees one', () => {
    const slots = new SubscriptionSlots(2);
    const a = slots.acquire();
    const b = slots.acquire();
    expect(a).toBeTypeOf('function');
    expect(b).toBeTypeOf('function');
    expect(slots.open).toBe(2);
    expect(slots.acquire()).toBeNull();
    a?.();
    a?.();
    expect(slots.open).toBe(1);
    expect(slots.acquire()).not.toBeNull();
    expect(slots.acquire()).toBeNull();
  });

  it('releases when the stream ends, fails, or is returned, even before its first event', async () => {
    const slots = new SubscriptionSlots(10);
    const ended = releasingOnEnd(events(2), slots.acquire() as () => void);
    const seen: number[] = [];
    for await (const value of ended) seen.push(value);
    expect(seen).toEqual([0, 1]);
    const failed = releasingOnEnd(events(1, true), slots.acquire() as () => void);
    await expect(
      (async () => {
        for await (const _ of failed) void _;
      })(),
    ).rejects.toThrow('stream failed');
    const early = releasingOnEnd(events(5), slots.acquire() as () => void);
    await early.return?.(undefined);
    const midway = releasingOnEnd(events(5), slots.acquire() as () => void);
    await midway.next();
    await midway.return?.(undefined);
    expect(slots.open).toBe(0);
  });
});
