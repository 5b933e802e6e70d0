import type { AuthorizationV1Api, V1SubjectAccessReview } from '@kubernetes/client-node';
import type { Identity } from '../identity/identity.js';
import { KFP_API_GROUP, KFP_API_VERSION, type AccessRequest } from './access-request.js';
import type { Authorizer } from './authorizer.js';
import type { Decision, DecisionSource } from './decision-cache.js';

export interface SubjectAccessReviewOptions {
  /** How long one review may take once sent; past it the answer is a denial. */
  readonly timeoutMs: number;
  /**
   * Reviews in flight at once; the rest wait their turn (the timeout starts when a review is sent). A cold
   * `namespaces` over 1,000 Profiles asks 1,000 questions at once: sent together they time out in the API
   * server's (or the emulator's) queue and every one of them denies.
   */
  readonly maxInFlight?: number;
  readonly onError?: (error: unknown, request: AccessRequest) => void;
  /** Each review's answer and how long the API server took (the metrics); a failure is `error`. */
  readonly onReviewed?: (outcome: ReviewOutcome, seconds: number) => void;
}

export type ReviewOutcome = 'allowed' | 'denied' | 'error';

export const DEFAULT_MAX_IN_FLIGHT = 32;

/**
 * Asks the Kubernetes API server. Unlike KFP's apiserver, `spec.groups` is sent too, so RoleBindings to groups
 * match (kubeflow/kubeflow#7085). A timeout or any error denies, and that denial is marked not cacheable, so a
 * slow moment of the API server is not remembered as "no" for the denied TTL.
 */
export class SubjectAccessReviewAuthorizer implements Authorizer, DecisionSource {
  readonly #api: AuthorizationV1Api;
  readonly #options: SubjectAccessReviewOptions;
  readonly #maxInFlight: number;
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];
  /** Reviews sent to the API server; tests and benchmarks read it. */
  reviewsSent = 0;

  constructor(api: AuthorizationV1Api, options: SubjectAccessReviewOptions) {
    this.#api = api;
    this.#options = options;
    this.#maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  }

  async isAllowed(identity: Identity, request: AccessRequest): Promise<boolean> {
    return (await this.decide(identity, request)).allowed;
  }

  async decide(identity: Identity, request: AccessRequest): Promise<Decision> {
    const body: V1SubjectAccessReview = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: identity.user,
        groups: [...identity.groups],
        resourceAttributes: {
          group: KFP_API_GROUP,
          version: KFP_API_VERSION,
          resource: request.resource,
          verb: request.verb,
          ...(request.namespace !== null ? { namespace: request.namespace } : {}),
          ...(request.name ? { name: request.name } : {}),
        },
      },
    };
    await this.#acquire();
    this.reviewsSent += 1;
    let timer: NodeJS.Timeout | undefined;
    const sent = performance.now();
    const reviewed = (outcome: ReviewOutcome): void => this.#options.onReviewed?.(outcome, (performance.now() - sent) / 1000);
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`SubjectAccessReview timed out after ${this.#options.timeoutMs} ms`)), this.#options.timeoutMs);
      });
      const review = await Promise.race([this.#api.createSubjectAccessReview({ body }), timeout]);
      const allowed = review.status?.allowed === true && review.status.denied !== true;
      reviewed(allowed ? 'allowed' : 'denied');
      return { allowed, cacheable: true };
    } catch (error) {
      reviewed('error');
      this.#options.onError?.(error, request);
      return { allowed: false, cacheable: false };
    } finally {
      clearTimeout(timer);
      this.#release();
    }
  }

  async #acquire(): Promise<void> {
    if (this.#inFlight < this.#maxInFlight) {
      this.#inFlight += 1;
      return;
    }
    // The slot is handed over by #release, so #inFlight never exceeds the limit.
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#inFlight -= 1;
  }
}
