import type { AuthorizationV1Api, V1SubjectAccessReview } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import type { AccessRequest } from '../../src/authz/access-request.js';
import type { Authorizer } from '../../src/authz/authorizer.js';
import { CachingAuthorizer } from '../../src/authz/decision-cache.js';
import { RequestAuthorizer } from '../../src/authz/request-authorizer.js';
import { SubjectAccessReviewAuthorizer } from '../../src/authz/subject-access-review-authorizer.js';
import { StaticNamespaceDirectory } from '../../src/kube/namespace-directory.js';
import type { Identity } from '../../src/identity/identity.js';

const ALICE: Identity = { user: 'alice@example.com', groups: ['team-b', 'team-a'], source: 'header' };
const LIST_RUNS: AccessRequest = { namespace: 'alice', resource: 'runs', verb: 'list' };

/** A stand-in for the generated client: only createSubjectAccessReview is used. */
function stubApi(answer: (body: V1SubjectAccessReview) => Promise<V1SubjectAccessReview>): { api: AuthorizationV1Api; bodies: V1SubjectAccessReview[] } {
  const bodies: V1SubjectAccessReview[] = [];
  const api = {
    createSubjectAccessReview: ({ body }: { body: V1SubjectAccessReview }) => {
      bodies.push(body);
      return answer(body);
    },
  } as unknown as AuthorizationV1Api;
  return { api, bodies };
}

const reviewed =
  (status: V1SubjectAccessReview['status']) =>
  async (body: V1SubjectAccessReview): Promise<V1SubjectAccessReview> => ({ ...body, status });

describe('SubjectAccessReviewAuthorizer', () => {
  it("sends KFP's resource attributes with the user and its groups", async () => {
    const { api, bodies } = stubApi(reviewed({ allowed: true }));
    const sar = new SubjectAccessReviewAuthorizer(api, { timeoutMs: 1000 });
    expect(await sar.isAllowed(ALICE, { namespace: 'alice', resource: 'runs', verb: 'get', name: 'r1' })).toBe(true);
    expect(bodies[0]?.spec).toEqual({
      user: 'alice@example.com',
      groups: ['team-b', 'team-a'],
      resourceAttributes: { group: 'pipelines.kubeflow.org', version: 'v1beta1', resource: 'runs', verb: 'get', namespace: 'alice', name: 'r1' },
    });
    expect(sar.reviewsSent).toBe(1);
  });

  it('a cluster-wide question sends no namespace', async () => {
    const { api, bodies } = stubApi(reviewed({ allowed: false }));
    await new SubjectAccessReviewAuthorizer(api, { timeoutMs: 1000 }).isAllowed(ALICE, { namespace: null, resource: 'runs', verb: 'list' });
    expect(bodies[0]?.spec.resourceAttributes).not.toHaveProperty('namespace');
  });

  it.each([
    ['allowed', { allowed: true }, true],
    ['not allowed', { allowed: false }, false],
    ['allowed but explicitly denied', { allowed: true, denied: true }, false],
    ['no status at all', undefined, false],
  ] as const)('%s → %s', async (_, status, expected) => {
    const { api } = stubApi(reviewed(status));
    expect(await new SubjectAccessReviewAuthorizer(api, { timeoutMs: 1000 }).isAllowed(ALICE, LIST_RUNS)).toBe(expected);
  });

  it('an API error denies and is reported', async () => {
    const onError = vi.fn();
    const { api } = stubApi(async () => {
      throw new Error('connect ECONNREFUSED');
    });
    const sar = new SubjectAccessReviewAuthorizer(api, { timeoutMs: 1000, onError });
    expect(await sar.isAllowed(ALICE, LIST_RUNS)).toBe(false);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'connect ECONNREFUSED' }), LIST_RUNS);
  });

  it('a synchronous throw from the client denies too', async () => {
    const api = {
      createSubjectAccessReview: () => {
        throw new TypeError('bad client');
      },
    } as unknown as AuthorizationV1Api;
    expect(await new SubjectAccessReviewAuthorizer(api, { timeoutMs: 1000 }).isAllowed(ALICE, LIST_RUNS)).toBe(false);
  });

  it('an API server that never answers denies after the timeout', async () => {
    vi.useFakeTimers();
    try {
      const onError = vi.fn();
      const { api } = stubApi(() => new Promise<never>(() => undefined));
      const pending = new SubjectAccessReviewAuthorizer(api, { timeoutMs: 2000, onError }).isAllowed(ALICE, LIST_RUNS);
      let settled: boolean | undefined;
      void pending.then((v) => (settled = v));
      await vi.advanceTimersByTimeAsync(1999);
      expect(settled).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(settled).toBe(false);
      expect(onError.mock.calls[0]?.[0]).toMatchObject({ message: expect.stringMatching(/timed out after 2000 ms/) });
    } finally {
      vi.useRealTimers();
    }
  });
});

/** An inner authorizer with a scripted answer and a count of questions. */
function scripted(answer: (request: AccessRequest) => boolean | Promise<boolean>): Authorizer & { calls: number } {
  const inner = {
    calls: 0,
    async isAllowed(_identity: Identity, request: AccessRequest) {
      inner.calls += 1;
      return answer(request);
    },
  };
  return inner;
}

describe('SubjectAccessReviewAuthorizer under load', () => {
  it('keeps at most maxInFlight reviews in flight; the timeout runs from the moment a review is sent', async () => {
    vi.useFakeTimers();
    try {
      let inFlight = 0;
      let peak = 0;
      const { api } = stubApi(async (body) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 500)); // each review takes 500 ms
        inFlight -= 1;
        return { ...body, status: { allowed: true } };
      });
      const sar = new SubjectAccessReviewAuthorizer(api, { timeoutMs: 1000, maxInFlight: 4 });
      const all = Promise.all(Array.from({ length: 20 }, (_, i) => sar.isAllowed(ALICE, { ...LIST_RUNS, namespace: `ns-${i}` })));
      await vi.advanceTimersByTimeAsync(5 * 500);
      // 20 reviews of 500 ms, 4 at a time: 2.5 s in all, and none timed out although the last waited 2 s.
      expect(await all).toEqual(Array.from({ length: 20 }, () => true));
      expect(peak).toBe(4);
      expect(sar.reviewsSent).toBe(20);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a review that failed denies but is not cached: the next request asks again', async () => {
    let fail = true;
    const { api, bodies } = stubApi(async (body) => {
      if (fail) throw new Error('503 Service Unavailable');
      return { ...body, status: { allowed: true } };
    });
    const cache = new CachingAuthorizer(new SubjectAccessReviewAuthorizer(api, { timeoutMs: 1000 }), {
      allowedTtlMs: 300_000,
      deniedTtlMs: 30_000,
      maxEntries: 10,
    });
    expect(await cache.isAllowed(ALICE, LIST_RUNS)).toBe(false);
    fail = false;
    expect(await cache.isAllowed(ALICE, LIST_RUNS)).toBe(true);
    expect(await cache.isAllowed(ALICE, LIST_RUNS)).toBe(true);
    expect(bodies).toHaveLength(2);
  });

  it('a real denial is cached for the denied TTL', async () => {
    const { api, bodies } = stubApi(reviewed({ allowed: false }));
    const cache = new CachingAuthorizer(new SubjectAccessReviewAuthorizer(api, { timeoutMs: 1000 }), {
      allowedTtlMs: 300_000,
      deniedTtlMs: 30_000,
      maxEntries: 10,
    });
    expect(await cache.isAllowed(ALICE, LIST_RUNS)).toBe(false);
    expect(await cache.isAllowed(ALICE, LIST_RUNS)).toBe(false);
    expect(bodies).toHaveLength(1);
  });
});

describe('CachingAuthorizer', () => {
  const options = (now: () => number) => ({ allowedTtlMs: 300_000, deniedTtlMs: 30_000, maxEntries: 100, now });

  it('keeps an allow for 5 minutes and a denial for 30 seconds', async () => {
    let clock = 1_000_000;
    let allowed = true;
    const inner = scripted(() => allowed);
    const cache = new CachingAuthorizer(
      inner,
      options(() => clock),
    );
    const deny: AccessRequest = { namespace: 'bob', resource: 'runs', verb: 'list' };
    const innerDeny = scripted(() => false);
    const denyCache = new CachingAuthorizer(
      innerDeny,
      options(() => clock),
    );

    expect(await cache.isAllowed(ALICE, LIST_RUNS)).toBe(true);
    expect(await denyCache.isAllowed(ALICE, deny)).toBe(false);
    allowed = false; // revoked in RBAC: the cached allow still answers until its TTL
    clock += 29_999;
    expect(await cache.isAllowed(ALICE, LIST_RUNS)).toBe(true);
    expect(await denyCache.isAllowed(ALICE, deny)).toBe(false);
    expect([inner.calls, innerDeny.calls]).toEqual([1, 1]);
    clock += 2; // 30 001 ms: the denial is asked again, the allow is not
    expect(await denyCache.isAllowed(ALICE, deny)).toBe(false);
    expect(await cache.isAllowed(ALICE, LIST_RUNS)).toBe(true);
    expect([inner.calls, innerDeny.calls]).toEqual([1, 2]);
    clock += 300_000 - 30_001 - 1; // 299 999 ms after the first answer
    expect(await cache.isAllowed(ALICE, LIST_RUNS)).toBe(true);
    expect(inner.calls).toBe(1);
    clock += 2; // past 5 minutes: asked again, and now denied
    expect(await cache.isAllowed(ALICE, LIST_RUNS)).toBe(false);
    expect(inner.calls).toBe(2);
  });

  it('keys on user, groups (in any order), namespace, resource, verb and name', async () => {
    const inner = scripted(() => true);
    const cache = new CachingAuthorizer(
      inner,
      options(() => 0),
    );
    await cache.isAllowed(ALICE, LIST_RUNS);
    await cache.isAllowed({ ...ALICE, groups: ['team-a', 'team-b'] }, LIST_RUNS);
    expect(inner.calls).toBe(1);
    await cache.isAllowed({ ...ALICE, groups: ['team-a'] }, LIST_RUNS);
    await cache.isAllowed({ ...ALICE, user: 'bob@example.com' }, LIST_RUNS);
    await cache.isAllowed(ALICE, { ...LIST_RUNS, namespace: 'bob' });
    await cache.isAllowed(ALICE, { ...LIST_RUNS, resource: 'experiments' });
    await cache.isAllowed(ALICE, { ...LIST_RUNS, verb: 'get' });
    await cache.isAllowed(ALICE, { ...LIST_RUNS, name: 'r1' });
    expect(inner.calls).toBe(7);
  });

  it('concurrent identical questions share one review', async () => {
    let release: (v: boolean) => void = () => undefined;
    const inner = scripted(() => new Promise<boolean>((r) => (release = r)));
    const cache = new CachingAuthorizer(
      inner,
      options(() => 0),
    );
    const all = Promise.all([cache.isAllowed(ALICE, LIST_RUNS), cache.isAllowed(ALICE, LIST_RUNS), cache.isAllowed(ALICE, LIST_RUNS)]);
    release(true);
    expect(await all).toEqual([true, true, true]);
    expect(inner.calls).toBe(1);
  });

  it('is bounded: the least recently used decision is evicted', async () => {
    const inner = scripted(() => true);
    const cache = new CachingAuthorizer(inner, { allowedTtlMs: 300_000, deniedTtlMs: 30_000, maxEntries: 2 });
    for (const ns of ['a', 'b', 'c']) await cache.isAllowed(ALICE, { ...LIST_RUNS, namespace: ns });
    await cache.isAllowed(ALICE, { ...LIST_RUNS, namespace: 'c' });
    expect(inner.calls).toBe(3);
    await cache.isAllowed(ALICE, { ...LIST_RUNS, namespace: 'a' });
    expect(inner.calls).toBe(4);
  });

  it('an inner authorizer that throws (sync or async) denies, and the failure is not cached', async () => {
    let mode: 'throw' | 'reject' | 'allow' = 'throw';
    const inner: Authorizer = {
      isAllowed: (() => {
        if (mode === 'throw') throw new Error('sync');
        if (mode === 'reject') return Promise.reject(new Error('async'));
        return Promise.resolve(true);
      }) as Authorizer['isAllowed'],
    };
    const cache = new CachingAuthorizer(
      inner,
      options(() => 0),
    );
    expect(await cache.isAllowed(ALICE, LIST_RUNS)).toBe(false);
    mode = 'reject';
    expect(await cache.isAllowed(ALICE, LIST_RUNS)).toBe(false);
    mode = 'allow';
    expect(await cache.isAllowed(ALICE, LIST_RUNS)).toBe(true);
  });

  it('TTL 0 disables caching', async () => {
    const inner = scripted(() => true);
    const cache = new CachingAuthorizer(inner, { allowedTtlMs: 0, deniedTtlMs: 0, maxEntries: 10 });
    await cache.isAllowed(ALICE, LIST_RUNS);
    await cache.isAllowed(ALICE, LIST_RUNS);
    expect(inner.calls).toBe(2);
  });
});

describe('RequestAuthorizer', () => {
  it('asks each distinct question once per request, and a failing authorizer denies', async () => {
    const inner = scripted((r) => {
      if (r.namespace === 'broken') throw new Error('boom');
      return r.namespace === 'alice';
    });
    const authz = new RequestAuthorizer(ALICE, inner, new StaticNamespaceDirectory(['alice', 'bob', 'broken']), 'kubeflow');
    const answers = await Promise.all([authz.allows(LIST_RUNS), authz.allows(LIST_RUNS), authz.allows({ ...LIST_RUNS, namespace: 'broken' })]);
    expect(answers).toEqual([true, true, false]);
    expect(await authz.visibleNamespaces('runs', 'list')).toEqual(['alice']);
    expect(inner.calls).toBe(3);
    await expect(authz.require({ ...LIST_RUNS, namespace: 'bob' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(authz.requireVisible({ ...LIST_RUNS, namespace: 'bob' }, 'Run')).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Run not found' });
  });

  it('shared pipelines: reads need no review; writes are asked in the control-plane namespace; nothing else is shared', async () => {
    const inner = scripted((r) => r.namespace === 'kubeflow' && r.verb === 'create');
    const authz = new RequestAuthorizer(ALICE, inner, new StaticNamespaceDirectory(['alice']), 'kubeflow');
    expect(await authz.allows({ namespace: '', resource: 'pipelines', verb: 'get' })).toBe(true);
    expect(inner.calls).toBe(0);
    expect(await authz.allows({ namespace: '', resource: 'pipelines', verb: 'create' })).toBe(true);
    expect(await authz.allows({ namespace: '', resource: 'pipelines', verb: 'delete' })).toBe(false);
    expect(await authz.allows({ namespace: '', resource: 'runs', verb: 'get' })).toBe(false);
    expect(inner.calls).toBe(2);
  });
});
