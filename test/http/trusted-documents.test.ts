import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrustedDocuments } from '../../src/server/trusted-documents.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const MANIFEST = fileURLToPath(new URL('../generated/persisted-documents.json', import.meta.url));
const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;
const dashboard = Object.entries(manifest).find(([, text]) => text.startsWith('query DashboardRuns'));
if (!dashboard) throw new Error('the codegen manifest has no DashboardRuns document');
const [DASHBOARD_ID, DASHBOARD_TEXT] = dashboard;

describe('TrustedDocuments', () => {
  const documents = TrustedDocuments.fromManifest(manifest);

  it('resolves a document by its ID (with or without the sha256: prefix) or its exact text', () => {
    expect(documents.resolve({ documentId: DASHBOARD_ID })).toEqual({ ok: true, query: DASHBOARD_TEXT });
    expect(documents.resolve({ extensions: { persistedQuery: { sha256Hash: DASHBOARD_ID.slice(7) } } })).toEqual({ ok: true, query: DASHBOARD_TEXT });
    expect(documents.resolve({ query: DASHBOARD_TEXT })).toEqual({ ok: true, query: DASHBOARD_TEXT });
  });

  it('refuses anything else', () => {
    expect(documents.resolve({ query: '{ viewer { user } }' }).ok).toBe(false);
    expect(documents.resolve({ documentId: `sha256:${'0'.repeat(64)}` }).ok).toBe(false);
    expect(documents.resolve({}).ok).toBe(false);
  });

  it('refuses a manifest whose hashes do not match their documents', () => {
    const forged = { [DASHBOARD_ID]: '{ namespaces { nodes { name } } }' };
    expect(() => TrustedDocuments.fromManifest(forged)).toThrow('is not the sha256 of its document');
    expect(() => TrustedDocuments.fromManifest(['x'])).toThrow('expected a JSON object');
    const text = '{ viewer { user } }';
    expect(TrustedDocuments.fromManifest({ [`sha256:${createHash('sha256').update(text).digest('hex')}`]: text }).size).toBe(1);
  });
});

describe('a server started with TRUSTED_DOCUMENTS', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { TRUSTED_DOCUMENTS: MANIFEST } });
  });
  afterAll(async () => t?.close());

  const post = (body: unknown) =>
    fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', 'kubeflow-userid': 'alice@example.com' }, body: JSON.stringify(body) });

  it('runs a trusted document by its ID, over POST and GET', async () => {
    const byPost = await post({ documentId: DASHBOARD_ID, variables: { namespace: 'alice' } });
    const json = (await byPost.json()) as { data?: { namespace: { runs: { edges: unknown[] } } }; errors?: unknown };
    expect(byPost.status).toBe(200);
    expect(json.errors).toBeUndefined();
    expect(json.data?.namespace.runs.edges.length).toBeGreaterThan(0);
    const params = new URLSearchParams({ documentId: DASHBOARD_ID, variables: JSON.stringify({ namespace: 'alice' }) });
    const byGet = await fetch(`${t.url}?${params}`, { headers: { 'kubeflow-userid': 'alice@example.com', 'apollo-require-preflight': 'true' } });
    expect(byGet.status).toBe(200);
    expect(((await byGet.json()) as { errors?: unknown }).errors).toBeUndefined();
  });

  it('refuses any other operation before running it, introspection included', async () => {
    for (const body of [{ query: '{ viewer { user } }' }, { query: '{ __schema { types { name } } }' }, { documentId: `sha256:${'1'.repeat(64)}` }]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { errors: { extensions: { code: string } }[] };
      expect(json.errors[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    }
  });
});
