import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ALICE = { user: 'alice@example.com' };

/** The `/metrics` text, from the metrics port. */
async function scrape(t: TestServer): Promise<string> {
  const res = await fetch(t.server.metricsUrl);
  expect(res.status).toBe(200);
  return res.text();
}

/** Every series (sample line) of the exposition. */
const seriesOf = (text: string): string[] => text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));

const value = (text: string, series: string): number => {
  const line = seriesOf(text).find((l) => l.startsWith(`${series} `));
  return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
};

describe('metrics: bounded labels, on their own port', () => {
  let t: TestServer;
  beforeAll(async () => {
    // PostgreSQL, so the pool gauges have a pool to read; the sync controller on, for its metrics.
    t = await startTestServer({ dialect: 'postgres', env: { METRICS_OPERATION_NAMES: 'Listed', SYNC: 'true' } });
  });
  afterAll(async () => t?.close());

  it('is not served on the API port', async () => {
    expect((await fetch(t.url.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
    expect(new URL(t.server.metricsUrl).port).not.toBe(new URL(t.url).port);
    expect((await fetch(t.server.metricsUrl.replace(/\/metrics$/, '/graphql'))).status).toBe(404);
  });

  it('has a bounded number of series after 50 requests with random operation names', async () => {
    const random = () => `Op${randomUUID().replace(/-/g, '')}`;
    await t.gql(`query ${random()} { viewer { user } }`, {}, ALICE);
    await t.gql(`query ${random()} { nope }`, {}, ALICE);
    const before = seriesOf(await scrape(t)).length;
    const names = Array.from({ length: 50 }, random);
    for (const [i, name] of names.entries()) {
      // Successes and failures (a field that does not exist), so each outcome label is exercised.
      const res = await t.gql(`query ${name} { viewer { user } ${i % 2 === 0 ? '' : 'nope'} }`, {}, ALICE);
      expect(res.status).toBeLessThan(500);
    }
    const after = await scrape(t);
    expect(seriesOf(after).length).toBe(before);
    for (const name of names) expect(after).not.toContain(name);
    expect(value(after, 'kfp_graph_graphql_operation_seconds_count{operation="other",outcome="ok",transport="http"}')).toBeGreaterThanOrEqual(26);
  });

  it('keeps the names of listed operations, and counts SQL statements per operation', async () => {
    await t.gql('query Listed { namespace(name: "alice") { runs(first: 5) { nodes { name experiment { name } } } } }', {}, ALICE);
    const text = await scrape(t);
    expect(value(text, 'kfp_graph_graphql_operation_seconds_count{operation="Listed",outcome="ok",transport="http"}')).toBe(1);
    expect(value(text, 'kfp_graph_sql_statements_per_operation_count{operation="Listed",transport="http"}')).toBe(1);
    expect(value(text, 'kfp_graph_sql_statements_per_operation_sum{operation="Listed",transport="http"}')).toBeGreaterThanOrEqual(2);
  });

  it('counts SubjectAccessReviews, decision-cache answers and TokenReviews', async () => {
    t.server.authorizer.cache.clear();
    await t.gql('{ namespace(name: "ml-research") { name } }', {}, { user: 'dave@example.com' });
    await t.gql('{ namespace(name: "ml-research") { name } }', {}, { user: 'dave@example.com' });
    const token = t.emulator.issueToken('bob', 'default-editor', ['pipelines.kubeflow.org']);
    const bearer = await t.gql('{ viewer { user } }', {}, { headers: { authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(200);
    const forged = await t.gql('{ viewer { user } }', {}, { headers: { authorization: 'Bearer not-a-token' } });
    expect(forged.status).toBe(401);
    const text = await scrape(t);
    expect(value(text, 'kfp_graph_subject_access_reviews_total{outcome="allowed"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'kfp_graph_subject_access_review_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'kfp_graph_authz_cache_requests_total{result="miss"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'kfp_graph_authz_cache_requests_total{result="hit"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'kfp_graph_token_reviews_total{outcome="authenticated"}')).toBe(1);
    expect(value(text, 'kfp_graph_token_reviews_total{outcome="rejected"}')).toBe(1);
    expect(value(text, 'kfp_graph_token_review_seconds_count')).toBe(2);
  });

  it('reports the pool, the sync controller and open subscriptions', async () => {
    const text = await scrape(t);
    expect(value(text, 'kfp_graph_db_pool_connections{database="kfp"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'kfp_graph_db_pool_in_use{database="kfp"}')).toBeGreaterThanOrEqual(0);
    expect(value(text, 'kfp_graph_db_pool_waiting{database="kfp"}')).toBe(0);
    expect(value(text, 'kfp_graph_sync_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('# TYPE kfp_graph_sync_events_total counter');
    expect(value(text, 'kfp_graph_subscriptions_open')).toBe(0);
  });
});
