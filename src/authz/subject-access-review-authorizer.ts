import type { AuthorizationV1Api, V1SubjectAccessReview } from '@kubernetes/client-node';
import type { Identity } from '../identity/identity.js';
import { KFP_API_GROUP, KFP_API_VERSION, type AccessRequest } from './access-request.js';
import type { Authorizer } from './authorizer.js';

export interface SubjectAccessReviewOptions {
  readonly timeoutMs: number;
  readonly onError?: (error: unknown, request: AccessRequest) => void;
}

/**
 * Asks the Kubernetes API server. Unlike KFP's apiserver, `spec.groups` is sent too, so RoleBindings to groups
 * match (kubeflow/kubeflow#7085). A timeout or any error denies.
 */
export class SubjectAccessReviewAuthorizer implements Authorizer {
  readonly #api: AuthorizationV1Api;
  readonly #options: SubjectAccessReviewOptions;
  /** Reviews sent to the API server; tests and benchmarks read it. */
  reviewsSent = 0;

  constructor(api: AuthorizationV1Api, options: SubjectAccessReviewOptions) {
    this.#api = api;
    this.#options = options;
  }

  async isAllowed(identity: Identity, request: AccessRequest): Promise<boolean> {
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
    this.reviewsSent += 1;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`SubjectAccessReview timed out after ${this.#options.timeoutMs} ms`)), this.#options.timeoutMs);
      });
      const review = await Promise.race([this.#api.createSubjectAccessReview({ body }), timeout]);
      return review.status?.allowed === true && review.status.denied !== true;
    } catch (error) {
      this.#options.onError?.(error, request);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
