import type { AuthenticationV1Api } from '@kubernetes/client-node';
import { abortOptions } from '../kube/abort-options.js';
import type { Identity } from './identity.js';

/** Turns a bearer token into an identity, or null when the token is not valid for every required audience. */
export interface TokenReviewer {
  /**
   * Rejects when the API server does not answer: after the reviewer's own timeout, or as soon as `signal`
   * (the request's deadline) fires, whichever comes first.
   */
  review(token: string, signal?: AbortSignal): Promise<Identity | null>;
}

export class TokenReviewTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`TokenReview got no answer within ${timeoutMs} ms`);
    this.name = 'TokenReviewTimeoutError';
  }
}

/**
 * TokenReview against the API server (what KFP does for `Authorization: Bearer`, e.g. the projected token at
 * KF_PIPELINES_SA_TOKEN_PATH). Every configured audience must come back, so a token minted for another
 * service is refused. The user's groups are kept: RBAC group bindings must match callers with tokens too.
 *
 * Bounded like a SubjectAccessReview: kube-apiserver's own webhook token authenticator gives up after a
 * timeout (--authentication-token-webhook-config-file's 10 s default) rather than hang the request; here the
 * HTTP request is aborted, so a silent API server leaves no socket behind either.
 */
export class KubeTokenReviewer implements TokenReviewer {
  readonly #api: AuthenticationV1Api;
  readonly #audiences: readonly string[];
  readonly #timeoutMs: number;

  constructor(api: AuthenticationV1Api, audiences: readonly string[], timeoutMs: number) {
    this.#api = api;
    this.#audiences = audiences;
    this.#timeoutMs = timeoutMs;
  }

  async review(token: string, signal?: AbortSignal): Promise<Identity | null> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TokenReviewTimeoutError(this.#timeoutMs)), this.#timeoutMs);
    const abortWithCaller = (): void => controller.abort(signal?.reason);
    if (signal?.aborted) abortWithCaller();
    else signal?.addEventListener('abort', abortWithCaller, { once: true });
    // The fetch rejects once aborted, but only when the request got that far; the race makes the abort
    // decisive whatever stage the client library is at.
    const aborted = new Promise<never>((_, reject) => {
      const fail = (): void => reject(controller.signal.reason instanceof Error ? controller.signal.reason : new TokenReviewTimeoutError(this.#timeoutMs));
      if (controller.signal.aborted) fail();
      else controller.signal.addEventListener('abort', fail, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      const review = await Promise.race([
        this.#api.createTokenReview(
          { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: [...this.#audiences] } } },
          abortOptions(controller.signal),
        ),
        aborted,
      ]);
      const status = review.status;
      if (!status?.authenticated || !status.user?.username) return null;
      const granted = new Set(status.audiences ?? []);
      if (this.#audiences.some((audience) => !granted.has(audience))) return null;
      return { user: status.user.username, groups: status.user.groups ?? [], source: 'token' };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abortWithCaller);
    }
  }
}
