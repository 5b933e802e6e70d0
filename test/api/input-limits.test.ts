import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type GraphqlResponse, type TestServer } from '../support/test-server.js';

/**
 * Issue 8 §4, the pentester's requests over HTTP: oversized text, a deeply nested spec and a huge variable are
 * BAD_USER_INPUT (never INTERNAL), change nothing, and the reply quotes at most a short prefix of the input.
 */
const ALICE = { user: 'alice@example.com' };
type Res = GraphqlResponse<Record<string, unknown>>;
const first = (res: Res) => res.body.errors?.[0];

describe('input limits over HTTP', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  it('refuses a nameContains of 25,001 characters with BAD_USER_INPUT (it was an SQLite LIKE error, INTERNAL)', async () => {
    const res = await t.gql(
      'query($q: String) { namespace(name: "alice") { runs(filter: { nameContains: $q }) { nodes { id } } } }',
      { q: 'a'.repeat(25_001) },
      ALICE,
    );
    expect(first(res)?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(first(res)?.message).toBe('filter.nameContains is 25001 characters long; at most 256 are allowed');
    const ok = await t.gql(
      'query($q: String) { namespace(name: "alice") { runs(filter: { nameContains: $q }) { nodes { id } } } }',
      { q: 'a'.repeat(256) },
      ALICE,
    );
    expect(ok.body.errors).toBeUndefined();
  });

  it('answers a 900 KB namespace name without echoing it', async () => {
    const res = await t.gql('query($n: String!) { namespace(name: $n) { name } }', { n: 'n'.repeat(900_000) }, ALICE);
    expect(first(res)?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(res.body).length).toBeLessThan(1_000);
  });

  it('refuses a JSON spec nested 100,000 deep with BAD_USER_INPUT and writes nothing (it was a stack overflow, INTERNAL)', async () => {
    const spec = `{"apiVersion":"argoproj.io/v1alpha1","kind":"Workflow","spec":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const res = await t.gql(
      'mutation($spec: String!) { createPipeline(input: { namespace: "alice", name: "deep", version: { name: "v1", spec: $spec } }) { pipeline { id } } }',
      { spec },
      ALICE,
    );
    expect(first(res)?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(res.body).length).toBeLessThan(1_000);
    const row = await t.server.app.store.db.selectFrom('pipelines').select('id').where('name', '=', 'deep').executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('refuses deeply nested run parameters', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 1_000; i += 1) deep = [deep];
    const res = await t.gql(
      'mutation($p: JSONObject) { createRun(input: { namespace: "alice", experimentId: "x", name: "r", parameters: $p }) { run { id } } }',
      { p: { deep } },
      ALICE,
    );
    expect(first(res)?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(first(res)?.message).toMatch(/^parameters.*nested more than 32 levels|^input\.parameters is nested more than 32 levels/);
  });

  it('quotes only a prefix of a huge value graphql-js itself refuses (an Int variable given 900 KB of text)', async () => {
    const res = await t.gql('query($n: Int) { namespace(name: "alice") { runs(first: $n) { nodes { id } } } }', { n: 'z'.repeat(900_000) }, ALICE);
    const message = first(res)?.message ?? '';
    expect(message).toMatch(/^Variable "\$n" got invalid value "z+…" \(900000 characters\)/);
    expect(message.length).toBeLessThan(400);
  });

  it("refuses a filter listing 40,000 states (over SQLite's bound-parameter limit) with BAD_USER_INPUT", async () => {
    const res = await t.gql(
      'query($s: [RunState!]) { namespace(name: "alice") { runs(filter: { stateIn: $s }) { nodes { id } } } }',
      { s: Array.from({ length: 40_000 }, () => 'SUCCEEDED') },
      ALICE,
    );
    expect(first(res)?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(first(res)?.message).toBe('filter.stateIn has 40000 items; at most 1000 are allowed');
  });

  it('keeps a short value in the message whole', async () => {
    const res = await t.gql('query($n: Int) { namespace(name: "alice") { runs(first: $n) { nodes { id } } } }', { n: 'abc' }, ALICE);
    expect(first(res)?.message).toContain('"abc"');
  });
});
