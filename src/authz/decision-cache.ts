import { LRUCache } from 'lru-cache';
import type { Identity } from '../identity/identity.js';
import { accessKey, type AccessRequest } from './access-request.js';
import type { Authorizer } from './authorizer.js';

export interface DecisionCacheOptions {
  readonly allowedTtlMs: number;
  readonly deniedTtlMs: number;
  readonly maxEntries: number;
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

  constructor(inner: Authorizer, options: DecisionCacheOptions) {
    this.#inner = inner;
    this.#options = options;
    this.#decisions = new LRUCache<string, boolean>({ max: options.maxEntries, ttlAutopurge: false });
  }

  isAllowed(identity: Identity, request: AccessRequest): Promise<boolean> {
    const key = accessKey(identity, request);
    const cached = this.#decisions.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const decision = this.#inner
      .isAllowed(identity, request)
      .then((allowed) => {
        const ttl = allowed ? this.#options.allowedTtlMs : this.#options.deniedTtlMs;
        if (ttl > 0) this.#decisions.set(key, allowed, { ttl });
        return allowed;
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, decision);
    return decision;
  }

  /** Forgets everything; used when RBAC objects are known to have changed (tests, admin action). */
  clear(): void {
    this.#decisions.clear();
  }
}
