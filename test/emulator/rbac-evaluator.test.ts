import { UPSTREAM_KUBERNETES } from '../support/upstream-fixtures.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  aggregateClusterRoles,
  authorize,
  type ClusterRole,
  type RbacPolicy,
  type RequestAttributes,
  type RoleBinding,
  type UserInfo,
} from '../../src/authz/rbac/index.js';
import { readYamlDocuments, RBAC_FIXTURE_FILES } from '../../src/emulator/index.js';

// The real ClusterRoles of kubeflow/manifests and kubeflow/pipelines, aggregated as the controller would.
const fixtures = RBAC_FIXTURE_FILES.flatMap((f) => readYamlDocuments(join(UPSTREAM_KUBERNETES, 'kfp-multi-user-rbac', f)));
const clusterRoles = aggregateClusterRoles(fixtures.filter((d) => d.kind === 'ClusterRole') as unknown as ClusterRole[]);

function binding(name: string, namespace: string, role: string, subject: RoleBinding['subjects']): RoleBinding {
  return { metadata: { name, namespace }, roleRef: { kind: 'ClusterRole', name: role }, subjects: subject };
}

const policy: RbacPolicy = {
  roles: [
    {
      metadata: { name: 'cm-reader', namespace: 'alice' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['kfp-launcher'], verbs: ['get'] }],
    },
  ],
  clusterRoles,
  roleBindings: [
    binding('viewer', 'alice', 'kubeflow-view', [{ kind: 'User', name: 'viewer@example.com' }]),
    binding('editor', 'alice', 'kubeflow-edit', [{ kind: 'User', name: 'editor@example.com' }]),
    binding('admin', 'alice', 'kubeflow-admin', [{ kind: 'User', name: 'owner@example.com' }]),
    binding('readers', 'alice', 'kubeflow-view', [{ kind: 'Group', name: 'research-readers' }]),
    binding('default-editor', 'alice', 'kubeflow-edit', [{ kind: 'ServiceAccount', name: 'default-editor' }]),
    { metadata: { name: 'cm', namespace: 'alice' }, roleRef: { kind: 'Role', name: 'cm-reader' }, subjects: [{ kind: 'User', name: 'launcher' }] },
  ],
  clusterRoleBindings: [
    {
      metadata: { name: 'ml-pipeline' },
      roleRef: { kind: 'ClusterRole', name: 'ml-pipeline' },
      subjects: [{ kind: 'ServiceAccount', name: 'ml-pipeline', namespace: 'kubeflow' }],
    },
    { metadata: { name: 'no-namespace' }, roleRef: { kind: 'ClusterRole', name: 'kubeflow-admin' }, subjects: [{ kind: 'ServiceAccount', name: 'orphan' }] },
    { metadata: { name: 'health' }, roleRef: { kind: 'ClusterRole', name: 'healthz' }, subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
  ],
};
const withHealthz: RbacPolicy = {
  ...policy,
  clusterRoles: [...clusterRoles, { metadata: { name: 'healthz' }, rules: [{ nonResourceURLs: ['/healthz', '/healthz/*'], verbs: ['get'] }] }],
};

const user = (username: string, groups: readonly string[] = ['system:authenticated']): UserInfo => ({ username, groups });
const kfp = (verb: string, resource = 'runs', namespace = 'alice', name?: string): RequestAttributes => ({
  kind: 'resource',
  verb,
  apiGroup: 'pipelines.kubeflow.org',
  resource,
  namespace,
  ...(name ? { name } : {}),
});

describe('aggregation of the real Kubeflow ClusterRoles', () => {
  const rulesOf = (name: string) => clusterRoles.find((r) => r.metadata?.name === name)?.rules ?? [];
  it('fills kubeflow-view from kubeflow-pipelines-view and kubeflow-kubernetes-view', () => {
    const groups = new Set(rulesOf('kubeflow-view').flatMap((r) => r.apiGroups ?? []));
    expect(groups).toContain('pipelines.kubeflow.org');
    expect(groups).toContain('apps');
  });
  it('chains view → edit → admin', () => {
    expect(rulesOf('kubeflow-edit').length).toBeGreaterThan(rulesOf('kubeflow-view').length);
    expect(rulesOf('kubeflow-admin').length).toBeGreaterThan(rulesOf('kubeflow-edit').length);
    expect(rulesOf('kubeflow-admin').some((r) => r.resources?.includes('rolebindings'))).toBe(true);
  });
});

describe('authorize on the real roles', () => {
  it('kubeflow-view allows get runs but not create runs', () => {
    const viewer = user('viewer@example.com');
    const decision = authorize(policy, viewer, kfp('get'));
    expect(decision).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "viewer/alice" of ClusterRole "kubeflow-view" to User "viewer@example.com"',
    });
    expect(authorize(policy, viewer, kfp('create')).allowed).toBe(false);
    expect(authorize(policy, viewer, kfp('readArtifact')).allowed).toBe(true);
    expect(authorize(policy, viewer, kfp('terminate')).allowed).toBe(false);
  });

  it('kubeflow-edit allows create runs, readArtifact, terminate, create jobs', () => {
    const editor = user('editor@example.com');
    for (const verb of ['create', 'readArtifact', 'terminate', 'retry', 'archive']) {
      expect(authorize(policy, editor, kfp(verb)).allowed, verb).toBe(true);
    }
    expect(authorize(policy, editor, kfp('create', 'jobs')).allowed).toBe(true);
    expect(authorize(policy, editor, kfp('create', 'runs', 'bob')).allowed).toBe(false);
  });

  it('kubeflow-admin (the namespace owner) may manage RoleBindings, editors may not', () => {
    const attrs: RequestAttributes = { kind: 'resource', verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'alice' };
    expect(authorize(policy, user('owner@example.com'), attrs).allowed).toBe(true);
    expect(authorize(policy, user('editor@example.com'), attrs).allowed).toBe(false);
  });

  it('matches Group subjects only through the groups given', () => {
    expect(authorize(policy, user('dave@example.com', ['research-readers']), kfp('list')).allowed).toBe(true);
    expect(authorize(policy, user('dave@example.com'), kfp('list')).allowed).toBe(false);
  });

  it('a ServiceAccount subject without namespace takes the RoleBinding namespace, but matches nobody in a ClusterRoleBinding', () => {
    expect(authorize(policy, user('system:serviceaccount:alice:default-editor'), kfp('create')).allowed).toBe(true);
    expect(authorize(policy, user('system:serviceaccount:bob:default-editor'), kfp('create')).allowed).toBe(false);
    expect(authorize(policy, user('system:serviceaccount::orphan'), kfp('create')).allowed).toBe(false);
  });

  it('ml-pipeline ClusterRoleBinding: workflows anywhere, subjectaccessreviews, pods/log subresource', () => {
    const sa = user('system:serviceaccount:kubeflow:ml-pipeline');
    const decision = authorize(policy, sa, { kind: 'resource', verb: 'create', apiGroup: 'argoproj.io', resource: 'workflows', namespace: 'bob' });
    expect(decision.reason).toBe('RBAC: allowed by ClusterRoleBinding "ml-pipeline" of ClusterRole "ml-pipeline" to ServiceAccount "ml-pipeline/kubeflow"');
    expect(authorize(policy, sa, { kind: 'resource', verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'subjectaccessreviews' }).allowed).toBe(true);
    expect(
      authorize(policy, sa, { kind: 'resource', verb: 'get', apiGroup: '', resource: 'pods', subresource: 'log', namespace: 'bob', name: 'p' }).allowed,
    ).toBe(true);
    expect(
      authorize(policy, sa, { kind: 'resource', verb: 'get', apiGroup: '', resource: 'pods', subresource: 'exec', namespace: 'bob', name: 'p' }).allowed,
    ).toBe(false);
  });

  it('resourceNames match only requests naming one of them (never list or create)', () => {
    const launcher = user('launcher');
    const cm = (verb: string, name?: string, namespace = 'alice'): RequestAttributes => ({
      kind: 'resource',
      verb,
      apiGroup: '',
      resource: 'configmaps',
      namespace,
      ...(name ? { name } : {}),
    });
    expect(authorize(policy, launcher, cm('get', 'kfp-launcher')).allowed).toBe(true);
    expect(authorize(policy, launcher, cm('get', 'other')).allowed).toBe(false);
    expect(authorize(policy, launcher, cm('list')).allowed).toBe(false);
    const sa = user('system:serviceaccount:kubeflow:ml-pipeline');
    expect(authorize(policy, sa, cm('get', 'kfp-launcher', 'ml-research')).allowed).toBe(true);
  });

  it('nonResourceURLs with a * suffix, from cluster bindings only', () => {
    const anyone = user('x');
    expect(authorize(withHealthz, anyone, { kind: 'nonResource', verb: 'get', path: '/healthz/etcd' }).allowed).toBe(true);
    expect(authorize(withHealthz, anyone, { kind: 'nonResource', verb: 'get', path: '/metrics' }).allowed).toBe(false);
  });

  it('system:masters is allowed everything; strangers nothing', () => {
    expect(authorize(policy, user('root', ['system:masters']), kfp('delete', 'runs', 'anywhere')).allowed).toBe(true);
    expect(authorize(policy, user('stranger@example.com'), kfp('get'))).toEqual({ allowed: false, reason: '' });
  });
});
