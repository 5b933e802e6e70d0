import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Issue 8 §5: with NODE_ENV=production the schema is not introspectable, GraphiQL is off, no field suggestions. */
const ALICE = { user: 'alice@example.com' };

describe('production defaults over HTTP', () => {
  let production: TestServer;
  let development: TestServer;
  beforeAll(async () => {
    [production, development] = await Promise.all([
      startTestServer({ env: { NODE_ENV: 'production' }, demoData: false }),
      startTestServer({ demoData: false }),
    ]);
  });
  afterAll(async () => Promise.all([production?.close(), development?.close()]));

  it('refuses introspection in production and answers it in development', async () => {
    const query = '{ __schema { queryType { name } } }';
    const refused = await production.gql(query, {}, ALICE);
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    const typeQuery = await production.gql('{ __type(name: "Run") { fields { name } } }', {}, ALICE);
    expect(typeQuery.body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    const allowed = await development.gql<{ __schema: { queryType: { name: string } } }>(query, {}, ALICE);
    expect(allowed.body.data?.__schema.queryType.name).toBe('Query');
  });

  it('still answers __typename, which clients need, in production', async () => {
    const res = await production.gql<{ __typename: string }>('{ __typename }', {}, ALICE);
    expect(res.body.data?.__typename).toBe('Query');
  });

  it('serves no GraphiQL page in production', async () => {
    const page = (t: TestServer) => fetch(t.url, { headers: { accept: 'text/html' } });
    const [prod, dev] = await Promise.all([page(production), page(development)]);
    expect(dev.headers.get('content-type')).toMatch(/text\/html/);
    expect(prod.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await prod.text()).not.toMatch(/graphiql/i);
  });

  it('suggests no field names in either mode', async () => {
    for (const t of [production, development]) {
      const res = await t.gql('{ viewr { user } }', {}, ALICE);
      const message = res.body.errors?.[0]?.message ?? '';
      expect(message).toMatch(/Cannot query field/);
      expect(message).not.toMatch(/Did you mean|viewer/);
    }
  });
});
