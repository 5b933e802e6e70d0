import type { NamespaceDirectory } from '../../src/kube/namespace-directory.js';

const RBAC = 'rbac.authorization.k8s.io';

/** A Kubeflow Profile and its namespace, as the profile controller leaves them (owner annotation, labels). */
export function profileManifests(namespace: string, owner: string): unknown[] {
  return [
    { apiVersion: 'kubeflow.org/v1', kind: 'Profile', metadata: { name: namespace }, spec: { owner: { kind: 'User', name: owner } } },
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: namespace,
        labels: { 'app.kubernetes.io/part-of': 'kubeflow-profile', 'pipelines.kubeflow.org/enabled': 'true' },
        annotations: { owner },
      },
    },
  ];
}

/** The binding KFAM/the profile controller writes for a user: `namespaceAdmin` → kubeflow-admin for the owner. */
export function userBinding(
  namespace: string,
  user: string,
  role: 'admin' | 'edit' | 'view' = 'admin',
  name = role === 'admin' ? 'namespaceAdmin' : `user-${user.replace(/[@.]/g, '-')}-clusterrole-${role}`,
): unknown {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: { name, namespace, annotations: { role, user } },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: `kubeflow-${role}` },
    subjects: [{ kind: 'User', apiGroup: RBAC, name: user }],
  };
}

/** The directory learns Profiles from a watch: wait until it has every one of `namespaces`. */
export async function waitForDirectory(directory: NamespaceDirectory, namespaces: readonly string[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!namespaces.every((n) => directory.has(n))) {
    if (Date.now() > deadline)
      throw new Error(
        `the namespace directory never saw ${namespaces
          .filter((n) => !directory.has(n))
          .slice(0, 5)
          .join(', ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
