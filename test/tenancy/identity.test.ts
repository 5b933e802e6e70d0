import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import WebSocket from 'ws';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveIdentity, type IdentitySettings, type RequestHeaders } from '../../src/identity/resolve-identity.js';
import type { TokenReviewer } from '../../src/identity/token-reviewer.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** POST with raw headers (arrays are sent as repeated header lines, which fetch would merge into one). */
function rawPost(
  url: string,
  headers: Record<string, string | string[]>,
  query: string,
): Promise<{ status: number; body: { data?: unknown; errors?: { extensions?: { code?: string }; message: string }[] } }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as never }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query }));
  });
}

const VIEWER = '{ viewer { user groups } namespaces { nodes { name } } }';

/** A JWT shaped like the ones Dex issues through oauth2-proxy: RS256, Dex's in-cluster issuer, email and groups claims. */
function dexStyleJwt(email: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: 'http://dex.auth.svc.cluster.local:5556/dex',
    sub: 'CiRkZXgtdXNlcg',
    aud: 'kubeflow-oidc-authservice',
    exp: now + 3600,
    iat: now,
    email,
    email_verified: true,
    groups: ['research-readers'],
  };
  return `${part({ alg: 'RS256', kid: 'dex-signing-key' })}.${part(claims)}.${randomBytes(256).toString('base64url')}`;
}

/** Runs `{ viewer { user } }` over graphql-ws with the given upgrade headers: the user, or 'refused'. */
function wsViewer(httpUrl: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('graphql-ws timed out'));
    }, 10_000);
    const done = (value: string) => {
      clearTimeout(timer);
      socket.close();
      resolve(value);
    };
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: { data?: { viewer?: { user?: string } } } };
      if (message.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ viewer { user } }' } }));
      if (message.type === 'next') done(message.payload?.data?.viewer?.user ?? 'no user');
    });
    socket.once('close', () => done('refused'));
    socket.once('error', reject);
  });
}

describe('identity over HTTP, default settings (kubeflow-userid, no prefix)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  it('the trusted header names the user; kubeflow-groups its groups', async () => {
    const res = await rawPost(t.url, { 'kubeflow-userid': 'frank@example.com', 'kubeflow-groups': 'research-readers, other ,research-readers' }, VIEWER);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      viewer: { user: 'frank@example.com', groups: ['research-readers', 'other'] },
      namespaces: { nodes: [{ name: 'ml-research' }] },
    });
  });

  it('a repeated kubeflow-userid is 400 BAD_USER_INPUT, even when both values agree', async () => {
    for (const values of [
      ['alice@example.com', 'eve@example.com'],
      ['alice@example.com', 'alice@example.com'],
    ]) {
      const res = await rawPost(t.url, { 'kubeflow-userid': values }, VIEWER);
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.body.data ?? null).toBeNull();
    }
  });

  it('a repeated kubeflow-groups is 400 too', async () => {
    const res = await rawPost(t.url, { 'kubeflow-userid': 'frank@example.com', 'kubeflow-groups': ['research-readers', 'admins'] }, VIEWER);
    expect(res.status).toBe(400);
  });

  it('a repeated Authorization header is 400', async () => {
    const token = t.emulator.issueToken('alice', 'default-editor', ['pipelines.kubeflow.org']);
    const res = await rawPost(t.url, { authorization: [`Bearer ${token}`, `Bearer ${token}`] }, VIEWER);
    expect(res.status).toBe(400);
  });

  it('no identity is 401 UNAUTHENTICATED; an empty header too', async () => {
    for (const headers of [{}, { 'kubeflow-userid': '' }] as Record<string, string>[]) {
      const res = await rawPost(t.url, headers, VIEWER);
      expect(res.status).toBe(401);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('without DANGEROUSLY_ALLOW_ANONYMOUS_USER there is no anonymous user', async () => {
    const res = await rawPost(t.url, {}, '{ viewer { user } }');
    expect(res.status).toBe(401);
  });

  it("behind Kubeflow's gateway (Dex JWT in Authorization and kubeflow-userid) the header decides, as in KFP", async () => {
    // KFP: backend/src/apiserver/auth/auth.go tries the header authenticator before TokenReview; oauth2-proxy sends
    // the Dex JWT and Istio copies its email claim into kubeflow-userid (test/fixtures/upstream/kubeflow-istio).
    const res = await rawPost(
      t.url,
      { authorization: `Bearer ${dexStyleJwt('carol@example.com')}`, 'kubeflow-userid': 'carol@example.com', 'kubeflow-groups': 'research-readers' },
      VIEWER,
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ viewer: { user: 'carol@example.com', groups: ['research-readers'] }, namespaces: { nodes: [{ name: 'ml-research' }] } });
  });

  it("with the header present a valid Kubernetes token is not reviewed: the header's user is served", async () => {
    const token = t.emulator.issueToken('bob', 'default-editor', ['pipelines.kubeflow.org']);
    const res = await rawPost(t.url, { authorization: `Bearer ${token}`, 'kubeflow-userid': 'alice@example.com' }, VIEWER);
    expect(res.status).toBe(200);
    expect((res.body.data as { viewer: { user: string } }).viewer.user).toBe('alice@example.com');
  });

  it('without the header a bearer token is reviewed: a valid one is its service account', async () => {
    const token = t.emulator.issueToken('bob', 'default-editor', ['pipelines.kubeflow.org']);
    for (const headers of [{ authorization: `Bearer ${token}` }, { authorization: `Bearer ${token}`, 'kubeflow-userid': '' }] as Record<string, string>[]) {
      const res = await rawPost(t.url, headers, VIEWER);
      expect(res.status).toBe(200);
      expect((res.body.data as { viewer: { user: string } }).viewer.user).toBe('system:serviceaccount:bob:default-editor');
      expect((res.body.data as { namespaces: { nodes: { name: string }[] } }).namespaces.nodes.map((n) => n.name)).toEqual(['bob']);
    }
  });

  it('a token that fails review and no header is 401', async () => {
    const res = await rawPost(t.url, { authorization: `Bearer ${dexStyleJwt('carol@example.com')}` }, VIEWER);
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('the WebSocket upgrade resolves identity the same way: the header beside a Dex JWT decides', async () => {
    // Queries over the socket are off by default (only subscriptions run there); this server allows them so the
    // identity a socket runs as can be read back with `viewer`.
    const ws = await startTestServer({ env: { WEBSOCKET_ALLOW_QUERIES_AND_MUTATIONS: 'true' } });
    try {
      const jwt = dexStyleJwt('carol@example.com');
      expect(await wsViewer(ws.url, { authorization: `Bearer ${jwt}`, 'kubeflow-userid': 'carol@example.com' })).toBe('carol@example.com');
      expect(await wsViewer(ws.url, { authorization: `Bearer ${jwt}` })).toBe('refused');
    } finally {
      await ws.close();
    }
  });

  it('a malformed Authorization header is 401', async () => {
    const res = await rawPost(t.url, { authorization: 'Basic YWxpY2U6cGFzcw==' }, VIEWER);
    expect(res.status).toBe(401);
  });
});

describe('identity over HTTP with IAP settings (x-goog-authenticated-user-email, prefix accounts.google.com:)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { KUBEFLOW_USERID_HEADER: 'x-goog-authenticated-user-email', KUBEFLOW_USERID_PREFIX: 'accounts.google.com:' } });
  });
  afterAll(async () => t?.close());

  it('accepts the prefixed value and strips the prefix', async () => {
    const res = await rawPost(t.url, { 'x-goog-authenticated-user-email': 'accounts.google.com:alice@example.com' }, VIEWER);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ viewer: { user: 'alice@example.com', groups: [] }, namespaces: { nodes: [{ name: 'alice' }, { name: 'ml-research' }] } });
  });

  it('a value without the prefix is 400', async () => {
    const res = await rawPost(t.url, { 'x-goog-authenticated-user-email': 'alice@example.com' }, VIEWER);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('the default kubeflow-userid header is not trusted under this configuration', async () => {
    const res = await rawPost(t.url, { 'kubeflow-userid': 'admin@example.com' }, VIEWER);
    expect(res.status).toBe(401);
  });

  it('the prefix alone names nobody: 401', async () => {
    const res = await rawPost(t.url, { 'x-goog-authenticated-user-email': 'accounts.google.com:' }, VIEWER);
    expect(res.status).toBe(401);
  });
});

describe('identity with DANGEROUSLY_ALLOW_ANONYMOUS_USER', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { DANGEROUSLY_ALLOW_ANONYMOUS_USER: 'alice@example.com' } });
  });
  afterAll(async () => t?.close());

  it('a request without identity is that user', async () => {
    const res = await rawPost(t.url, {}, VIEWER);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ viewer: { user: 'alice@example.com', groups: [] }, namespaces: { nodes: [{ name: 'alice' }, { name: 'ml-research' }] } });
  });

  it('a request with identity is still that identity', async () => {
    const res = await rawPost(t.url, { 'kubeflow-userid': 'bob@example.com' }, '{ viewer { user } }');
    expect(res.body.data).toEqual({ viewer: { user: 'bob@example.com' } });
  });

  it('the anonymous user does not bypass header rules: a repeated header is still 400', async () => {
    const res = await rawPost(t.url, { 'kubeflow-userid': ['a@example.com', 'b@example.com'] }, VIEWER);
    expect(res.status).toBe(400);
  });
});

describe('deploy/base: only the gateway may send the trusted header', () => {
  it('the AuthorizationPolicy admits the ingress gateway, and anyone else only without kubeflow-userid (as KFP ml-pipeline)', () => {
    const base = new URL('../../deploy/base/', import.meta.url);
    const kustomization = parse(readFileSync(new URL('kustomization.yaml', base), 'utf8')) as { resources: string[] };
    expect(kustomization.resources).toContain('istio-authorization-policy.yaml');
    const [policy] = parseAllDocuments(readFileSync(new URL('istio-authorization-policy.yaml', base), 'utf8')).map((d) => d.toJS()) as {
      kind: string;
      spec: {
        selector: { matchLabels: Record<string, string> };
        action: string;
        rules: { from?: { source: { principals: string[] } }[]; when?: { key: string; notValues: string[] }[] }[];
      };
    }[];
    expect(policy?.kind).toBe('AuthorizationPolicy');
    expect(policy?.spec.selector.matchLabels).toEqual({ app: 'kfp-graph' });
    expect(policy?.spec.action).toBe('ALLOW');
    expect(policy?.spec.rules[0]?.from?.[0]?.source.principals).toContain('cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account');
    expect(policy?.spec.rules[1]?.when).toContainEqual({ key: 'request.headers[kubeflow-userid]', notValues: ['*'] });
  });
});

describe('resolveIdentity', () => {
  const settings: IdentitySettings = { userHeader: 'kubeflow-userid', userPrefix: '', groupsHeader: 'kubeflow-groups' };
  const noTokens: TokenReviewer = { review: async () => null };

  it('groups are ignored unless a groups header is configured', async () => {
    const headers: RequestHeaders = { 'kubeflow-userid': ['frank@example.com'], 'kubeflow-groups': ['admins'] };
    expect(await resolveIdentity(headers, { ...settings, groupsHeader: '' }, noTokens)).toEqual({ user: 'frank@example.com', groups: [], source: 'header' });
    expect(await resolveIdentity(headers, settings, noTokens)).toEqual({ user: 'frank@example.com', groups: ['admins'], source: 'header' });
  });

  it('with the header present the token reviewer is never asked (KFP: auth.go, header authenticator first)', async () => {
    let asked = 0;
    const counting: TokenReviewer = {
      review: async () => {
        asked += 1;
        return null;
      },
    };
    const headers: RequestHeaders = { authorization: ['Bearer not-a-kubernetes-token'], 'kubeflow-userid': ['frank@example.com'] };
    expect(await resolveIdentity(headers, settings, counting)).toEqual({ user: 'frank@example.com', groups: [], source: 'header' });
    expect(asked).toBe(0);
  });

  it('a header without the prefix is still 400 beside a token: the header decides, the token is no fallback', async () => {
    const reviewer: TokenReviewer = { review: async () => ({ user: 'system:serviceaccount:alice:default-editor', groups: [], source: 'token' }) };
    await expect(
      resolveIdentity(
        { authorization: ['Bearer abc'], 'kubeflow-userid': ['alice@example.com'] },
        { ...settings, userPrefix: 'accounts.google.com:' },
        reviewer,
      ),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('a token reviewer that fails is UNAVAILABLE, not an anonymous fallback', async () => {
    const broken: TokenReviewer = { review: async () => Promise.reject(new Error('apiserver down')) };
    await expect(resolveIdentity({ authorization: ['Bearer abc'] }, { ...settings, anonymousUser: 'alice@example.com' }, broken)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });

  it('an invalid token is UNAUTHENTICATED even when an anonymous user is configured', async () => {
    await expect(resolveIdentity({ authorization: ['Bearer abc'] }, { ...settings, anonymousUser: 'alice@example.com' }, noTokens)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('a token reviewer result keeps its groups', async () => {
    const reviewer: TokenReviewer = {
      review: async () => ({ user: 'system:serviceaccount:alice:default-editor', groups: ['system:serviceaccounts:alice'], source: 'token' }),
    };
    expect(await resolveIdentity({ authorization: ['Bearer abc'] }, settings, reviewer)).toEqual({
      user: 'system:serviceaccount:alice:default-editor',
      groups: ['system:serviceaccounts:alice'],
      source: 'token',
      bearerToken: 'abc',
    });
  });

  it('the header name is matched case-insensitively (Node lower-cases header names)', async () => {
    expect(
      (
        await resolveIdentity(
          { 'x-goog-authenticated-user-email': ['accounts.google.com:a@example.com'] },
          { ...settings, userHeader: 'X-Goog-Authenticated-User-Email', userPrefix: 'accounts.google.com:' },
          noTokens,
        )
      ).user,
    ).toBe('a@example.com');
  });
});
