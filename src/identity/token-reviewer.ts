import type { AuthenticationV1Api } from '@kubernetes/client-node';
import type { Identity } from './identity.js';

/** Turns a bearer token into an identity, or null when the token is not valid for every required audience. */
export interface TokenReviewer {
  review(token: string): Promise<Identity | null>;
}

/**
 * TokenReview against the API server (what KFP does for `Authorization: Bearer`, e.g. the projected token at
 * KF_PIPELINES_SA_TOKEN_PATH). Every configured audience must come back, so a token minted for another
 * service is refused. The user's groups are kept: RBAC group bindings must match callers with tokens too.
 */
export class KubeTokenReviewer implements TokenReviewer {
  readonly #api: AuthenticationV1Api;
  readonly #audiences: readonly string[];

  constructor(api: AuthenticationV1Api, audiences: readonly string[]) {
    this.#api = api;
    this.#audiences = audiences;
  }

  async review(token: string): Promise<Identity | null> {
    const review = await this.#api.createTokenReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: [...this.#audiences] } },
    });
    const status = review.status;
    if (!status?.authenticated || !status.user?.username) return null;
    const granted = new Set(status.audiences ?? []);
    if (this.#audiences.some((audience) => !granted.has(audience))) return null;
    return { user: status.user.username, groups: status.user.groups ?? [], source: 'token' };
  }
}
