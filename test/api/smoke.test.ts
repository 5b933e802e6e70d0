import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('the server over HTTP', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  it('answers the viewer and the namespaces the demo user may see', async () => {
    const res = await t.gql<{ viewer: { user: string }; namespaces: { nodes: { name: string }[] } }>(
      '{ viewer { user } namespaces { nodes { name } } }',
      {},
      { user: 'alice@example.com' },
    );
    expect(res.status).toBe(200);
    expect(res.body.data?.viewer.user).toBe('alice@example.com');
    expect(res.body.data?.namespaces.nodes.map((n) => n.name)).toEqual(['alice', 'ml-research']);
  });

  it('refuses a request without identity with 401', async () => {
    const res = await t.gql('{ viewer { user } }');
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
