import { AuthenticationV1Api, AuthorizationV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_AUDIENCE, type RunningEmulator } from '../../src/emulator/index.js';
import { failure, kubeConfigFor, startDemoEmulator } from './emulator-harness.js';

let clock = Date.now();
let emu: RunningEmulator;
let asKfp: { authz: AuthorizationV1Api; authn: AuthenticationV1Api };

beforeAll(async () => {
  emu = await startDemoEmulator({ now: () => clock });
  // kfp-graph runs as kubeflow/ml-pipeline; the seeded KFP api-server ClusterRole lets it create reviews.
  const kc = kubeConfigFor(emu, emu.issueToken('kubeflow', 'ml-pipeline'));
  asKfp = { authz: kc.makeApiClient(AuthorizationV1Api), authn: kc.makeApiClient(AuthenticationV1Api) };
});
afterAll(async () => emu.close());

const sa = (ns: string, name: string) => ({
  user: `system:serviceaccount:${ns}:${name}`,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
});

// [who, user, groups, namespace, may get runs, may create runs]
const matrix: readonly [string, string, readonly string[], string, boolean, boolean][] = [
  ['owner', 'alice@example.com', [], 'alice', true, true],
  ['owner of another namespace', 'bob@example.com', [], 'bob', true, true],
  ['edit contributor (KFAM binding)', 'alice@example.com', [], 'ml-research', true, true],
  ['view contributor', 'bob@example.com', [], 'alice', true, false],
  ['view contributor', 'dave@example.com', [], 'ml-research', true, false],
  ['stranger', 'eve@example.com', ['system:authenticated'], 'alice', false, false],
  ['owner outside their namespace', 'alice@example.com', [], 'bob', false, false],
  ['group member via spec.groups', 'frank@example.com', ['research-readers'], 'ml-research', true, false],
  ['group member without groups (KFP sends none)', 'frank@example.com', [], 'ml-research', false, false],
  ['SA default-editor', sa('alice', 'default-editor').user, sa('alice', 'default-editor').groups, 'alice', true, true],
  ['SA default-editor elsewhere', sa('alice', 'default-editor').user, sa('alice', 'default-editor').groups, 'bob', false, false],
  ['SA default-viewer', sa('alice', 'default-viewer').user, sa('alice', 'default-viewer').groups, 'alice', true, false],
  ['admin (cluster-admin)', 'admin@example.com', [], 'ml-research', true, true],
];

describe('SubjectAccessReview on the demo seed', () => {
  it.each(matrix)('%s: %s in %s', async (_who, user, groups, namespace, mayGet, mayCreate) => {
    for (const [verb, expected] of [
      ['get', mayGet],
      ['create', mayCreate],
    ] as const) {
      const review = await asKfp.authz.createSubjectAccessReview({
        body: {
          spec: { user, groups: [...groups], resourceAttributes: { group: 'pipelines.kubeflow.org', version: 'v1beta1', resource: 'runs', verb, namespace } },
        },
      });
      expect(review.status?.allowed, `${verb} runs`).toBe(expected);
      if (expected) expect(review.status?.reason).toMatch(/^RBAC: allowed by (Cluster)?RoleBinding/);
    }
  });

  it('rejects a review without user or groups (422)', async () => {
    const { code } = await failure(asKfp.authz.createSubjectAccessReview({ body: { spec: { resourceAttributes: { verb: 'get', resource: 'runs' } } } }));
    expect(code).toBe(422);
  });
});

describe('SelfSubjectAccessReview and request authorization', () => {
  it('answers for the caller', async () => {
    const kc = kubeConfigFor(emu, emu.issueToken('alice', 'default-viewer'));
    const authz = kc.makeApiClient(AuthorizationV1Api);
    const ask = async (verb: string) =>
      (
        await authz.createSelfSubjectAccessReview({
          body: { spec: { resourceAttributes: { group: 'pipelines.kubeflow.org', resource: 'runs', verb, namespace: 'alice' } } },
        })
      ).status?.allowed;
    expect(await ask('get')).toBe(true);
    expect(await ask('create')).toBe(false);
  });

  it('authorizes API calls with RBAC: 403 Forbidden worded like kube-apiserver, 401 for unknown tokens', async () => {
    const editor = kubeConfigFor(emu, emu.issueToken('alice', 'default-editor')).makeApiClient(CustomObjectsApi);
    const wf = { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows' } as const;
    await editor.listNamespacedCustomObject({ ...wf, namespace: 'alice' });
    const denied = await failure(editor.listNamespacedCustomObject({ ...wf, namespace: 'bob' }));
    expect(denied.status).toMatchObject({
      reason: 'Forbidden',
      code: 403,
      message:
        'workflows.argoproj.io is forbidden: User "system:serviceaccount:alice:default-editor" cannot list resource "workflows" in API group "argoproj.io" in the namespace "bob"',
    });
    const anonymous = kubeConfigFor(emu, 'not-a-token').makeApiClient(CoreV1Api);
    expect((await failure(anonymous.listNamespace())).code).toBe(401);
  });
});

describe('TokenRequest and TokenReview', () => {
  it('issues a token for pipelines.kubeflow.org that TokenReview authenticates, with the intersected audiences', async () => {
    const core = kubeConfigFor(emu).makeApiClient(CoreV1Api);
    const request = await core.createNamespacedServiceAccountToken({
      namespace: 'alice',
      name: 'default-editor',
      body: { spec: { audiences: ['pipelines.kubeflow.org'], expirationSeconds: 3600 } },
    });
    const token = request.status?.token ?? '';
    expect(token).not.toBe('');
    expect(request.status?.expirationTimestamp).toBeDefined();

    const ok = await asKfp.authn.createTokenReview({ body: { spec: { token, audiences: ['pipelines.kubeflow.org', 'other'] } } });
    expect(ok.status).toMatchObject({
      authenticated: true,
      audiences: ['pipelines.kubeflow.org'],
      user: {
        username: 'system:serviceaccount:alice:default-editor',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:alice', 'system:authenticated'],
      },
    });
    expect(ok.status?.user?.uid).toMatch(/\S/);

    const wrong = await asKfp.authn.createTokenReview({ body: { spec: { token, audiences: ['somebody-else'] } } });
    expect(wrong.status?.authenticated).toBe(false);
    // Without spec.audiences the API server's own audience is required, which this token lacks.
    expect((await asKfp.authn.createTokenReview({ body: { spec: { token } } })).status?.authenticated).toBe(false);
    // … and so it cannot call the Kubernetes API either.
    expect((await failure(kubeConfigFor(emu, token).makeApiClient(CoreV1Api).listNamespace())).code).toBe(401);
  });

  it('rejects expired tokens, tokens of deleted ServiceAccounts and short TokenRequests', async () => {
    const token = emu.issueToken('bob', 'default-viewer', ['pipelines.kubeflow.org', API_AUDIENCE], 600);
    const review = () => asKfp.authn.createTokenReview({ body: { spec: { token, audiences: ['pipelines.kubeflow.org'] } } });
    expect((await review()).status?.authenticated).toBe(true);
    clock += 601_000;
    try {
      expect((await review()).status?.authenticated).toBe(false);
      expect((await failure(kubeConfigFor(emu, token).makeApiClient(CoreV1Api).listNamespace())).code).toBe(401);
    } finally {
      clock -= 601_000;
    }
    const core = kubeConfigFor(emu).makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace: 'bob', body: { metadata: { name: 'short-lived' } } });
    const doomed = emu.issueToken('bob', 'short-lived', ['pipelines.kubeflow.org']);
    await core.deleteNamespacedServiceAccount({ namespace: 'bob', name: 'short-lived' });
    expect((await asKfp.authn.createTokenReview({ body: { spec: { token: doomed, audiences: ['pipelines.kubeflow.org'] } } })).status?.authenticated).toBe(
      false,
    );
    const tooShort = await failure(
      core.createNamespacedServiceAccountToken({ namespace: 'bob', name: 'default-viewer', body: { spec: { audiences: [], expirationSeconds: 60 } } }),
    );
    expect(tooShort.code).toBe(422);
  });
});
