import { randomBytes } from 'node:crypto';
import {
  aggregateClusterRoles,
  authorize,
  serviceAccountUsername,
  type ClusterRole,
  type RbacDecision,
  type RbacPolicy,
  type RequestAttributes,
  type Role,
  type RoleBinding,
  type UserInfo,
} from '../authz/rbac/index.js';
import { parseCrd, type CrdDefinition } from '../kube/crd-schema/index.js';
import type { KubeObject } from './kube-object.js';
import { ObjectStore } from './object-store.js';
import { ResourceRegistry } from './resource-registry.js';
import { API_AUDIENCE, TokenAuthority, type TokenClaims } from './token-authority.js';

export const ADMIN_USER: UserInfo = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

const CLUSTER_ROLES = 'rbac.authorization.k8s.io/clusterroles';
const CRDS = 'apiextensions.k8s.io/customresourcedefinitions';
const SERVICE_ACCOUNTS = '/serviceaccounts';
const RBAC_KINDS: ReadonlySet<string> = new Set([
  'rbac.authorization.k8s.io/roles',
  CLUSTER_ROLES,
  'rbac.authorization.k8s.io/rolebindings',
  'rbac.authorization.k8s.io/clusterrolebindings',
]);

export interface ClusterOptions {
  readonly crds: readonly CrdDefinition[];
  readonly historySize: number;
  readonly now: () => number;
}

/**
 * The emulated cluster's state and the controllers the emulator keeps in-process: the store, the served
 * resources (CRDs register themselves when a CustomResourceDefinition is written), the ClusterRole aggregation
 * controller, token issuing/authentication and the RBAC authorizer.
 */
export class EmulatorCluster {
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  readonly tokens: TokenAuthority;
  readonly adminToken = `admin.${randomBytes(24).toString('base64url')}`;
  readonly now: () => number;
  #aggregating = false;
  /** The RBAC objects as last read; dropped whenever one of them changes, so reviews never copy the store. */
  #policy: RbacPolicy | undefined;

  constructor(options: ClusterOptions) {
    this.now = options.now;
    this.store = new ObjectStore(options.historySize);
    this.registry = new ResourceRegistry(options.crds);
    this.tokens = new TokenAuthority(options.now);
    this.store.subscribe((event) => {
      if (RBAC_KINDS.has(event.storageKey)) this.#policy = undefined;
      if (event.storageKey === CLUSTER_ROLES) this.#aggregateClusterRoles();
      if (event.storageKey === CRDS) {
        if (event.type === 'DELETED') this.registry.removeCrd(event.object.metadata.name ?? '');
        else this.registry.addCrd(parseCrd(event.object));
      }
    });
  }

  /** Snapshot of the RBAC objects; ClusterRoles are stored already aggregated. */
  policy(): RbacPolicy {
    this.#policy ??= {
      roles: this.store.list('rbac.authorization.k8s.io/roles') as readonly Role[],
      clusterRoles: this.store.list(CLUSTER_ROLES) as readonly ClusterRole[],
      roleBindings: this.store.list('rbac.authorization.k8s.io/rolebindings') as unknown as readonly RoleBinding[],
      clusterRoleBindings: this.store.list('rbac.authorization.k8s.io/clusterrolebindings') as unknown as readonly RoleBinding[],
    };
    return this.#policy;
  }

  authorize(user: UserInfo, attributes: RequestAttributes): RbacDecision {
    return authorize(this.policy(), user, attributes);
  }

  /** Bearer token → user, for calls to the Kubernetes API itself (the token must carry the API audience). */
  authenticate(token: string): UserInfo | undefined {
    if (token === this.adminToken) return ADMIN_USER;
    const review = this.reviewToken(token, [API_AUDIENCE]);
    return review?.user;
  }

  /**
   * TokenReview semantics: the token must be valid, unexpired, its ServiceAccount must still exist with the
   * same uid, and it must share at least one audience with the requested ones (the API audience when none).
   */
  reviewToken(token: string, requested: readonly string[]): { user: UserInfo; audiences: string[] } | undefined {
    const claims = this.tokens.verify(token);
    if (!claims) return undefined;
    const sa = this.store.get(SERVICE_ACCOUNTS, claims.namespace, claims.serviceAccount);
    if (!sa || sa.metadata.uid !== claims.serviceAccountUid) return undefined;
    const wanted = requested.length > 0 ? requested : [API_AUDIENCE];
    const audiences = wanted.filter((a) => claims.audiences.includes(a));
    if (audiences.length === 0) return undefined;
    return { user: serviceAccountUser(claims), audiences };
  }

  /** TokenRequest: a bound token for an existing ServiceAccount; undefined when it does not exist. */
  issueToken(namespace: string, name: string, audiences: readonly string[], expirationSeconds: number): { token: string; claims: TokenClaims } | undefined {
    const sa = this.store.get(SERVICE_ACCOUNTS, namespace, name);
    if (!sa) return undefined;
    return this.tokens.issue(
      {
        namespace,
        serviceAccount: name,
        serviceAccountUid: sa.metadata.uid ?? '',
        audiences: audiences.length > 0 ? audiences : [API_AUDIENCE],
      },
      expirationSeconds,
    );
  }

  /**
   * kube-controller-manager's clusterrole-aggregation controller: rewrite every aggregated ClusterRole whose
   * computed rules differ from the stored ones. Its own writes trigger this again and find nothing to change.
   */
  #aggregateClusterRoles(): void {
    if (this.#aggregating) return;
    this.#aggregating = true;
    try {
      const stored = this.store.list(CLUSTER_ROLES);
      const aggregated = aggregateClusterRoles(stored as (KubeObject & ClusterRole)[]);
      aggregated.forEach((role, i) => {
        const before = stored[i];
        if (before && role.aggregationRule && JSON.stringify(role.rules) !== JSON.stringify(before.rules ?? [])) {
          this.store.put(CLUSTER_ROLES, { ...before, rules: [...(role.rules ?? [])] });
        }
      });
    } finally {
      this.#aggregating = false;
    }
  }
}

function serviceAccountUser(claims: TokenClaims): UserInfo {
  return {
    username: serviceAccountUsername(claims.namespace, claims.serviceAccount),
    uid: claims.serviceAccountUid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${claims.namespace}`, 'system:authenticated'],
  };
}
