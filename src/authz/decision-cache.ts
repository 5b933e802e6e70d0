import { LRUCache } from 'lru-cache';
import type { Identity } from '../identity/identity.js';
import { accessKey, type AccessRequest } from './access-request.js';
import type { Authorizer } from './authorizer.js';

export interface DecisionCacheOptions {
  readonly allowedTtlMs: number;
  readonly deniedTtlMs: number;
  readonly maxEntries: number;
  /** The clock TTLs are measured with, in ms; `performance.now` unless a test drives time. */
  readonly now?: () => number;
}

/** An answer and whether it may be remembered: a denial because the API server failed must not be. */
export interface Decision {
  readonly allowed: boolean;
  readonly cacheable: boolean;
}

/** An authorizer that can tell a real answer from a fail-closed one (SubjectAccessReviewAuthorizer). */
export interface DecisionSource {
  decide(identity: Identity, request: AccessRequest): Promise<Decision>;
}

function isDecisionSource(value: Authorizer): value is Authorizer & DecisionSource {
  return typeof (value as Partial<DecisionSource>).decide === 'function';
}

/**
 * Remembers decisions across requests, as kube-apiserver's webhook authorizer does (allowed 5 min, denied 30 s by
 * default): a revoked binding takes effect within the allowed TTL, a new one within the denied TTL. Concurrent
 * identical questions share one review.
 */
export class CachingAuthorizer implements Authorizer {
  readonly #inner: Authorizer;
  readonly #options: DecisionCacheOptions;
  readonly #decisions: LRUCache<string, boolean>;
  readonly #inFlight = new Map<string, Promise<boolean>>();
  /** Questions answered from the cache, joined to one already being asked, or sent on (the metrics read them). */
  readonly stats = { hits: 0, shared: 0, misses: 0 };

  constructor(inner: Authorizer, options: DecisionCacheOptions) {
    this.#inner = inner;
    this.#options = options;
    this.#decisions = new LRUCache<string, boolean>({
      max: options.maxEntries,
      ttlAutopurge: false,
      // A given clock is read on every check: lru-cache otherwise reuses one reading for `ttlResolution` ms.
      ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    });
  }

  isAllowed(identity: Identity, request: AccessRequest): Promise<boolean> {
    const key = accessKey(identity, request);
    const cached = this.#decisions.get(key);
    if (cached !== undefined) {
      this.stats.hits += 1;
      return Promise.resolve(cached);
    }
    const pending = this.#inFlight.get(key);
    if (pending) {
      this.stats.shared += 1;
      return pending;
    }
    this.stats.misses += 1;
    const inner = this.#inner;
    // `new Promise` turns a synchronous throw into a rejection as well.
    const decision = new Promise<Decision>((resolve) =>
      resolve(isDecisionSource(inner) ? inner.decide(identity, request) : inner.isAllowed(identity, request).then((allowed) => ({ allowed, cacheable: true }))),
    )
      .then(({ allowed, cacheable }) => {
        const ttl = allowed ? this.#options.allowedTtlMs : this.#options.deniedTtlMs;
        if (cacheable && ttl > 0) this.#decisions.set(key, allowed, { ttl });
        return allowed;
      })
      // A failure (or an inner authorizer that breaks its promise not to throw) denies and is not cached.
      .catch(() => false)
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, decision);
    return decision;
  }

  /** Forgets everything; used when RBAC objects are known to have changed (tests, admin action). */
  clear(): void {
    this.#decisions.clear();
  }
}
