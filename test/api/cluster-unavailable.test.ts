import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Issue 14 §4: an unreachable cluster is UNAVAILABLE, never an empty answer. With the API server stopped,
 * `namespaces` used to be `[]` with no error and `namespace(name:)` said NOT_FOUND.
 */
describe('with the Kubernetes API server stopped', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ demoData: false, env: { NAMESPACE_DIRECTORY_MAX_STALENESS_MS: '100' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers namespaces while it runs, then UNAVAILABLE for namespaces and namespace(name:), and /readyz reports it without failing (readiness gates on the database only)', async () => {
    const before = await t.gql<{ namespaces: { nodes: { name: string }[] } }>('{ namespaces { nodes { name } } }', {}, { user: 'alice@example.com' });
    expect(before.body.data?.namespaces.nodes.map((n) => n.name)).toEqual(['alice', 'ml-research']);

    await t.emulator.close();
    await new Promise((r) => setTimeout(r, 400));

    const list = await t.gql('{ namespaces { nodes { name } } }', {}, { user: 'alice@example.com' });
    expect(list.body.data ?? null).toBeNull();
    expect(list.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAVAILABLE']);
    expect(list.body.errors?.[0]?.message).toMatch(/Kubernetes API server has not answered since .*; try again/);

    const one = await t.gql('{ namespace(name: "alice") { name } }', {}, { user: 'alice@example.com' });
    expect(one.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAVAILABLE']);

    const ready = await fetch(new URL('/readyz', t.url));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: { database: true }, cluster: { reachable: false, namespaces: false } });
  }, 30_000);
});
