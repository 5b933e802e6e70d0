/**
 * The part of kube-apiserver's bootstrap RBAC policy that clients depend on, written at every start before any
 * seed, as kube-apiserver reconciles it whatever else is in the cluster (Kubernetes:
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go `ClusterRoles`, `ClusterRoleBindings`):
 *
 * - `cluster-admin` (everything), bound to the group `system:masters`;
 * - `system:basic-user`: create SelfSubjectAccessReviews/RulesReviews/Reviews — what `kubectl auth can-i` and
 *   `kubectl auth whoami` send — bound to `system:authenticated`;
 * - `system:discovery`: the discovery and OpenAPI paths kubectl reads before anything else, bound to
 *   `system:authenticated` (not to `system:unauthenticated` since Kubernetes 1.14);
 * - `system:public-info-viewer`: `/healthz`, `/livez`, `/readyz`, `/version`, bound to both
 *   `system:authenticated` and `system:unauthenticated`.
 *
 * Without these a seed that does not spell them out (a directory of a tenant's YAML) left every non-admin
 * kubectl call, and every `kubectl --as USER auth can-i`, refused.
 */
const RBAC = 'rbac.authorization.k8s.io';
const BOOTSTRAP_METADATA = {
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
} as const;

type Manifest = Record<string, unknown>;
type Rule = Record<string, readonly string[]>;
type Subject = { readonly kind: 'Group' | 'User'; readonly apiGroup: string; readonly name: string };

export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';

function clusterRole(name: string, rules: readonly Rule[]): Manifest {
  return { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name, ...BOOTSTRAP_METADATA }, rules };
}

function clusterRoleBinding(name: string, groups: readonly string[]): Manifest {
  const subjects: Subject[] = groups.map((group) => ({ kind: 'Group', apiGroup: RBAC, name: group }));
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, ...BOOTSTRAP_METADATA },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name },
    subjects,
  };
}

export function bootstrapPolicy(): Manifest[] {
  return [
    clusterRole('cluster-admin', [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]),
    clusterRoleBinding('cluster-admin', ['system:masters']),
    clusterRole('system:basic-user', [
      { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
    ]),
    clusterRoleBinding('system:basic-user', [ALL_AUTHENTICATED]),
    clusterRole('system:discovery', [
      {
        nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'],
        verbs: ['get'],
      },
    ]),
    clusterRoleBinding('system:discovery', [ALL_AUTHENTICATED]),
    clusterRole('system:public-info-viewer', [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }]),
    clusterRoleBinding('system:public-info-viewer', [ALL_AUTHENTICATED, ALL_UNAUTHENTICATED]),
  ];
}
