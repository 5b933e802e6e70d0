import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CONTROL_PLANE_NAMESPACE, DEMO_ADMIN, DEMO_TENANTS, type DemoTenant } from '../demo/tenants.js';
import { DEFAULT_CRD_DIR } from './emulator-server.js';
import { isRecord } from './kube-object.js';

type Manifest = Record<string, unknown>;

/** The KFP multi-user RBAC shipped by kubeflow/manifests and kubeflow/pipelines (vendored in test/fixtures/upstream and deploy/emulator). */
export const RBAC_FIXTURE_FILES: readonly string[] = [
  'kubeflow-roles-cluster-roles.yaml',
  'kfp-view-edit-cluster-roles.yaml',
  'kfp-api-server-cluster-role.yaml',
  'kfp-api-server-cluster-role-binding.yaml',
];

const RBAC = 'rbac.authorization.k8s.io';

/** Every document of a (multi-document) YAML file, skipping empty ones. */
export function readYamlDocuments(path: string): Manifest[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((doc) => doc.toJS() as unknown)
    .filter((o): o is Manifest => isRecord(o));
}

/**
 * What a Kubeflow install plus its profile controller and KFAM would have written for `DEMO_TENANTS`:
 * the Kubeflow and KFP ClusterRoles (aggregated by the emulator), the KFP api-server ServiceAccount
 * `kubeflow/ml-pipeline` and its binding (kustomize fills the subject namespace), `cluster-admin` for
 * DEMO_ADMIN, and per tenant a Profile, its namespace,
 * the default-editor/default-viewer ServiceAccounts and the RoleBindings the profile controller and KFAM create.
 * kube-apiserver's own bootstrap roles are not part of it: the emulator writes them at every start.
 */
export function demoSeed(options: { readonly rbacDir?: string; readonly tenants?: readonly DemoTenant[] } = {}): Manifest[] {
  const rbacDir = options.rbacDir ?? join(DEFAULT_CRD_DIR, 'kfp-multi-user-rbac');
  const fixtures = RBAC_FIXTURE_FILES.flatMap((f) => readYamlDocuments(join(rbacDir, f))).map(withServiceAccountNamespace);
  return [
    namespace(CONTROL_PLANE_NAMESPACE, {}, {}),
    serviceAccount(CONTROL_PLANE_NAMESPACE, 'ml-pipeline'),
    ...fixtures,
    // cluster-admin, system:basic-user and the other bootstrap roles come with the emulator (bootstrap-policy.ts).
    clusterRoleBinding('demo-admin-cluster-admin', 'cluster-admin', [{ kind: 'User', apiGroup: RBAC, name: DEMO_ADMIN }]),
    ...(options.tenants ?? DEMO_TENANTS).flatMap(tenantObjects),
  ];
}

/** KFAM's binding name: `user-<email, @ and . as ->-clusterrole-<role>`, lower-cased. */
export function kfamBindingName(user: string, role: string): string {
  return `user-${user.replace(/[@.]/g, '-').toLowerCase()}-clusterrole-${role}`;
}

function tenantObjects(tenant: DemoTenant): Manifest[] {
  const ns = tenant.namespace;
  return [
    {
      apiVersion: 'kubeflow.org/v1',
      kind: 'Profile',
      metadata: { name: ns },
      spec: { owner: { kind: 'User', name: tenant.owner } },
    },
    namespace(
      ns,
      {
        'app.kubernetes.io/part-of': 'kubeflow-profile',
        'pipelines.kubeflow.org/enabled': 'true',
        'katib.kubeflow.org/metrics-collector-injection': 'enabled',
      },
      { owner: tenant.owner },
    ),
    serviceAccount(ns, 'default-editor'),
    serviceAccount(ns, 'default-viewer'),
    roleBinding(ns, 'namespaceAdmin', 'kubeflow-admin', { kind: 'User', apiGroup: RBAC, name: tenant.owner }, { role: 'admin', user: tenant.owner }),
    roleBinding(ns, 'default-editor', 'kubeflow-edit', { kind: 'ServiceAccount', name: 'default-editor', namespace: ns }),
    roleBinding(ns, 'default-viewer', 'kubeflow-view', { kind: 'ServiceAccount', name: 'default-viewer', namespace: ns }),
    ...tenant.contributors.map((c) =>
      roleBinding(ns, kfamBindingName(c.user, c.role), `kubeflow-${c.role}`, { kind: 'User', apiGroup: RBAC, name: c.user }, { role: c.role, user: c.user }),
    ),
    ...tenant.groupBindings.map((g) =>
      roleBinding(
        ns,
        `group-${g.group.toLowerCase()}-clusterrole-${g.role}`,
        `kubeflow-${g.role}`,
        { kind: 'Group', apiGroup: RBAC, name: g.group },
        { role: g.role, group: g.group },
      ),
    ),
  ];
}

/** The api-server binding's ServiceAccount subject has no namespace in the fixture; kustomize sets `kubeflow`. */
function withServiceAccountNamespace(doc: Manifest): Manifest {
  if (doc.kind !== 'ClusterRoleBinding' || !Array.isArray(doc.subjects)) return doc;
  const subjects = doc.subjects.map((s: unknown) =>
    isRecord(s) && s.kind === 'ServiceAccount' && s.namespace === undefined ? { ...s, namespace: CONTROL_PLANE_NAMESPACE } : s,
  );
  return { ...doc, subjects };
}

function namespace(name: string, labels: Record<string, string>, annotations: Record<string, string>): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, annotations } };
}

function serviceAccount(ns: string, name: string): Manifest {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } };
}

function clusterRoleBinding(name: string, role: string, subjects: readonly unknown[]): Manifest {
  return { apiVersion: `${RBAC}/v1`, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role }, subjects };
}

function roleBinding(ns: string, name: string, role: string, subject: unknown, annotations: Record<string, string> = {}): Manifest {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: { name, namespace: ns, annotations },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
    subjects: [subject],
  };
}
