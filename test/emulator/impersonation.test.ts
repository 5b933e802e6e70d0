import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RBAC_FIXTURE_FILES, readYamlDocuments, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { UPSTREAM_KUBERNETES } from '../support/upstream-fixtures.js';

/**
 * The emulator as kube-apiserver for clients that impersonate (`kubectl --as`, raw `Impersonate-*` headers), over
 * raw HTTPS so it runs without kubectl. The seed is deliberately bare: KFP's roles, one tenant namespace, bindings —
 * no bootstrap roles — because kube-apiserver brings those itself (Kubernetes:
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go) and so must the emulator.
 */
const RBAC = 'rbac.authorization.k8s.io';
const KFP = 'pipelines.kubeflow.org';

let emu: RunningEmulator;
let impersonator: string;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

function call(method: string, path: string, headers: Record<string, string | string[]>, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${emu.url}${path}`,
      { method, ca: emu.caPem, headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: Record<string, unknown>;
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            parsed = { text };
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** `kubectl auth can-i VERB runs.pipelines.kubeflow.org -n NS` as kubectl sends it: a SelfSubjectAccessReview. */
async function canI(headers: Record<string, string | string[]>, verb: string, namespace: string): Promise<Answer> {
  return call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', headers, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { group: KFP, resource: 'runs', verb, namespace } },
  });
}

beforeAll(async () => {
  const kfpRoles = RBAC_FIXTURE_FILES.filter((f) => f.includes('cluster-roles')).flatMap((f) =>
    readYamlDocuments(join(UPSTREAM_KUBERNETES, 'kfp-multi-user-rbac', f)),
  );
  const binding = (ns: string, name: string, role: string, subject: Record<string, string>) => ({
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: { name, namespace: ns },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
    subjects: [subject],
  });
  emu = await startEmulator({
    seed: [
      ...kfpRoles,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'alice' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ops' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default-editor', namespace: 'alice' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'impersonator', namespace: 'ops' } },
      binding('alice', 'owner', 'kubeflow-admin', { kind: 'User', apiGroup: RBAC, name: 'alice@example.com' }),
      binding('alice', 'viewer', 'kubeflow-view', { kind: 'User', apiGroup: RBAC, name: 'bob@example.com' }),
      binding('alice', 'readers', 'kubeflow-view', { kind: 'Group', apiGroup: RBAC, name: 'research-readers' }),
      binding('alice', 'default-editor', 'kubeflow-edit', { kind: 'ServiceAccount', name: 'default-editor', namespace: 'alice' }),
      // What an operator grants a support account: impersonate alice and bob, the research-readers group and
      // alice's default-editor; nobody else.
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRole',
        metadata: { name: 'impersonate-tenants' },
        rules: [
          { apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['alice@example.com', 'bob@example.com', 'frank@example.com'] },
          { apiGroups: [''], resources: ['groups'], verbs: ['impersonate'], resourceNames: ['research-readers'] },
        ],
      },
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'impersonate-tenants' },
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'impersonate-tenants' },
        subjects: [{ kind: 'ServiceAccount', name: 'impersonator', namespace: 'ops' }],
      },
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'RoleBinding',
        metadata: { name: 'impersonate-default-editor', namespace: 'alice' },
        roleRef: { apiGroup: RBAC, kind: 'Role', name: 'impersonate-default-editor' },
        subjects: [{ kind: 'ServiceAccount', name: 'impersonator', namespace: 'ops' }],
      },
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'Role',
        metadata: { name: 'impersonate-default-editor', namespace: 'alice' },
        rules: [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'], resourceNames: ['default-editor'] }],
      },
    ],
  });
  impersonator = emu.issueToken('ops', 'impersonator');
});
afterAll(async () => emu?.close());

describe('bootstrap policy', () => {
  it('holds system:basic-user, system:discovery and system:public-info-viewer with their bindings, though the seed had none', async () => {
    const admin = bearer(emu.adminToken);
    const subjects = async (name: string) =>
      ((await call('GET', `/apis/${RBAC}/v1/clusterrolebindings/${name}`, admin)).body.subjects as { name: string }[]).map((s) => s.name);
    expect(await subjects('system:basic-user')).toEqual(['system:authenticated']);
    expect(await subjects('system:discovery')).toEqual(['system:authenticated']);
    expect(await subjects('system:public-info-viewer')).toEqual(['system:authenticated', 'system:unauthenticated']);
    expect(await subjects('cluster-admin')).toEqual(['system:masters']);
    const discovery = await call('GET', `/apis/${RBAC}/v1/clusterroles/system:discovery`, admin);
    expect(discovery.body.rules).toEqual([
      expect.objectContaining({ nonResourceURLs: expect.arrayContaining(['/api', '/api/*', '/apis', '/apis/*', '/openapi/*', '/version']), verbs: ['get'] }),
    ]);
  });

  it('without credentials a request is system:anonymous: /version and /healthz yes, discovery and resources 403; a bad token 401', async () => {
    expect((await call('GET', '/version', {})).status).toBe(200);
    expect((await call('GET', '/healthz', {})).status).toBe(200);
    expect((await call('GET', '/apis', {})).status).toBe(403);
    const namespaces = await call('GET', '/api/v1/namespaces', {});
    expect(namespaces.status).toBe(403);
    expect(namespaces.body.message).toContain('User "system:anonymous" cannot list resource "namespaces"');
    expect((await call('GET', '/version', bearer('not-a-token'))).status).toBe(401);
  });

  it('any authenticated caller reads discovery and asks can-i about itself', async () => {
    const sa = bearer(emu.issueToken('alice', 'default-editor'));
    expect((await call('GET', '/apis', sa)).status).toBe(200);
    expect((await call('GET', `/apis/${KFP}/v1beta1`, sa)).status).toBe(200);
    expect((await canI(sa, 'create', 'alice')).body.status).toMatchObject({ allowed: true });
  });
});

describe('impersonation (Impersonate-User / Impersonate-Group)', () => {
  it('is answered for the impersonated user: the owner may create runs, a viewer may not', async () => {
    const self = await canI(bearer(impersonator), 'create', 'alice');
    expect(self.status).toBe(201);
    expect(self.body.status).toMatchObject({ allowed: false });
    const owner = await canI({ ...bearer(impersonator), 'impersonate-user': 'alice@example.com' }, 'create', 'alice');
    expect(owner.status).toBe(201);
    expect(owner.body.status).toMatchObject({ allowed: true });
    const viewer = await canI({ ...bearer(impersonator), 'impersonate-user': 'bob@example.com' }, 'create', 'alice');
    expect(viewer.body.status).toMatchObject({ allowed: false });
    expect((await canI({ ...bearer(impersonator), 'impersonate-user': 'bob@example.com' }, 'get', 'alice')).body.status).toMatchObject({ allowed: true });
  });

  it('the impersonated user reads discovery (kubectl resolves runs.pipelines.kubeflow.org first) and is who SelfSubjectReview says', async () => {
    const asAlice = { ...bearer(impersonator), 'impersonate-user': 'alice@example.com' };
    expect((await call('GET', '/apis', asAlice)).status).toBe(200);
    const whoami = await call('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', asAlice, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    expect(whoami.body.status).toEqual({ userInfo: { username: 'alice@example.com', groups: ['system:authenticated'] } });
  });

  it('groups are impersonated too, each one checked: a group binding answers', async () => {
    const headers = { ...bearer(impersonator), 'impersonate-user': 'frank@example.com', 'impersonate-group': 'research-readers' };
    expect((await canI(headers, 'list', 'alice')).body.status).toMatchObject({ allowed: true });
    expect((await canI({ ...bearer(impersonator), 'impersonate-user': 'frank@example.com' }, 'list', 'alice')).body.status).toMatchObject({
      allowed: false,
    });
    const admins = await canI({ ...headers, 'impersonate-group': ['research-readers', 'admins'] }, 'list', 'alice');
    expect(admins.status).toBe(403);
    expect(admins.body.message).toBe(
      'groups "admins" is forbidden: User "system:serviceaccount:ops:impersonator" cannot impersonate resource "groups" in API group "" at the cluster scope',
    );
  });

  it('needs the impersonate verb for that very user: anyone else is 403 Forbidden, worded as kube-apiserver', async () => {
    const denied = await canI({ ...bearer(impersonator), 'impersonate-user': 'admin@example.com' }, 'create', 'alice');
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      message:
        'users "admin@example.com" is forbidden: User "system:serviceaccount:ops:impersonator" cannot impersonate resource "users" in API group "" at the cluster scope',
    });
    const tenant = bearer(emu.issueToken('alice', 'default-editor'));
    expect((await canI({ ...tenant, 'impersonate-user': 'alice@example.com' }, 'create', 'alice')).status).toBe(403);
    expect((await canI({ 'impersonate-user': 'alice@example.com' }, 'create', 'alice')).status).toBe(403);
  });

  it('a service account is checked in its namespace and gets its service-account groups', async () => {
    const headers = { ...bearer(impersonator), 'impersonate-user': 'system:serviceaccount:alice:default-editor' };
    const whoami = await call('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', headers, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    expect(whoami.body.status).toEqual({
      userInfo: {
        username: 'system:serviceaccount:alice:default-editor',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:alice', 'system:authenticated'],
      },
    });
    expect((await canI(headers, 'create', 'alice')).body.status).toMatchObject({ allowed: true });
    const other = await canI({ ...bearer(impersonator), 'impersonate-user': 'system:serviceaccount:alice:default-viewer' }, 'get', 'alice');
    expect(other.status).toBe(403);
    expect(other.body.message).toContain('cannot impersonate resource "serviceaccounts" in API group "" in the namespace "alice"');
  });

  it('Impersonate-Group without Impersonate-User is 400', async () => {
    expect((await canI({ ...bearer(impersonator), 'impersonate-group': 'research-readers' }, 'list', 'alice')).status).toBe(400);
  });
});
