import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveIdentity, type IdentitySettings, type RequestHeaders } from '../../src/identity/resolve-identity.js';
import type { TokenReviewer } from '../../src/identity/token-reviewer.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** POST with raw headers (arrays are sent as repeated header lines, which fetch would merge into one). */
function rawPost(url: string, headers: Record<string, string | string[]>, query: string): Promise<{ status: number; body: { data?: unknown; errors?: { extensions?: { code?: string }; message: string }[] } }> {
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

describe('identity over HTTP, default settings (kubeflow-userid, no prefix)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  it('the trusted header names the user; kubeflow-groups its groups', async () => {
    const res = await rawPost(t.url, { 'kubeflow-userid': 'frank@example.com', 'kubeflow-groups': 'research-readers, other ,research-readers' }, VIEWER);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ viewer: { user: 'frank@example.com', groups: ['research-readers', 'other'] }, namespaces: { nodes: [{ name: 'ml-research' }] } });
  });

  it('a repeated kubeflow-userid is 400 BAD_USER_INPUT, even when both values agree', async () => {
    for (const values of [['alice@example.com', 'eve@example.com'], ['alice@example.com', 'alice@example.com']]) {
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

  it('a bearer token wins over the header: the header cannot impersonate beside a valid token', async () => {
    const token = t.emulator.issueToken('bob', 'default-editor', ['pipelines.kubeflow.org']);
    const res = await rawPost(t.url, { authorization: `Bearer ${token}`, 'kubeflow-userid': 'admin@example.com' }, VIEWER);
    expect(res.status).toBe(200);
    expect((res.body.data as { viewer: { user: string } }).viewer.user).toBe('system:serviceaccount:bob:default-editor');
    expect((res.body.data as { namespaces: { nodes: { name: string }[] } }).namespaces.nodes.map((n) => n.name)).toEqual(['bob']);
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

describe('resolveIdentity', () => {
  const settings: IdentitySettings = { userHeader: 'kubeflow-userid', userPrefix: '', groupsHeader: 'kubeflow-groups' };
  const noTokens: TokenReviewer = { review: async () => null };

  it('groups are ignored unless a groups header is configured', async () => {
    const headers: RequestHeaders = { 'kubeflow-userid': ['frank@example.com'], 'kubeflow-groups': ['admins'] };
    expect(await resolveIdentity(headers, { ...settings, groupsHeader: '' }, noTokens)).toEqual({ user: 'frank@example.com', groups: [], source: 'header' });
    expect(await resolveIdentity(headers, settings, noTokens)).toEqual({ user: 'frank@example.com', groups: ['admins'], source: 'header' });
  });

  it('a token reviewer that fails is UNAVAILABLE, not an anonymous fallback', async () => {
    const broken: TokenReviewer = { review: async () => Promise.reject(new Error('apiserver down')) };
    await expect(resolveIdentity({ authorization: ['Bearer abc'] }, { ...settings, anonymousUser: 'alice@example.com' }, broken)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('an invalid token is UNAUTHENTICATED even when an anonymous user is configured', async () => {
    await expect(resolveIdentity({ authorization: ['Bearer abc'] }, { ...settings, anonymousUser: 'alice@example.com' }, noTokens)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('a token reviewer result keeps its groups', async () => {
    const reviewer: TokenReviewer = { review: async () => ({ user: 'system:serviceaccount:alice:default-editor', groups: ['system:serviceaccounts:alice'], source: 'token' }) };
    expect(await resolveIdentity({ authorization: ['Bearer abc'] }, settings, reviewer)).toEqual({ user: 'system:serviceaccount:alice:default-editor', groups: ['system:serviceaccounts:alice'], source: 'token', bearerToken: 'abc' });
  });

  it('the header name is matched case-insensitively (Node lower-cases header names)', async () => {
    expect((await resolveIdentity({ 'x-goog-authenticated-user-email': ['accounts.google.com:a@example.com'] }, { ...settings, userHeader: 'X-Goog-Authenticated-User-Email', userPrefix: 'accounts.google.com:' }, noTokens)).user).toBe('a@example.com');
  });
});
