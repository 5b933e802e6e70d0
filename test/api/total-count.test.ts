import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

interface Page {
  readonly namespaces: {
    readonly totalCount: number;
    readonly nodes: readonly {
      readonly name: string;
      readonly all: { readonly totalCount: number; readonly nodes: readonly { readonly state: string }[] };
      readonly succeeded: { readonly totalCount: number; readonly nodes: readonly unknown[] };
      readonly experiments: {
        readonly totalCount: number;
        readonly nodes: readonly { readonly runCount: number; readonly runs: { readonly totalCount: number } }[];
      };
    }[];
  };
}

const QUERY = `{ namespaces { totalCount nodes { name
  all: runs(first: 200) { totalCount nodes { state } }
  succeeded: runs(first: 1, filter: { stateIn: [SUCCEEDED] }) { totalCount nodes { id } }
  experiments(first: 200) { totalCount nodes { runCount runs(first: 1) { totalCount } } } } } }`;

/**
 * Issue 13: `totalCount` where it is cheap. Namespaces: the visible list's length. Runs and experiments: an
 * indexed count with the same filters, one grouped statement per page of parents (no statement per row).
 */
describe.each(DIALECTS)('totalCount on %s', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ dialect });
  });
  afterAll(async () => t?.close());

  it('counts what the filters match, across pages', async () => {
    const res = await t.gql<Page>(QUERY, {}, { user: 'alice@example.com' });
    expect(res.body.errors).toBeUndefined();
    const namespaces = res.body.data?.namespaces;
    expect(namespaces?.totalCount).toBe(2);
    for (const ns of namespaces?.nodes ?? []) {
      expect(ns.all.totalCount).toBe(ns.all.nodes.length);
      expect(ns.succeeded.totalCount).toBe(ns.all.nodes.filter((r) => r.state === 'SUCCEEDED').length);
      expect(ns.succeeded.nodes.length).toBeLessThanOrEqual(1);
      expect(ns.experiments.totalCount).toBe(ns.experiments.nodes.length);
      for (const experiment of ns.experiments.nodes) expect(experiment.runs.totalCount).toBe(experiment.runCount);
    }
    expect(namespaces?.nodes.some((ns) => ns.all.totalCount > 1)).toBe(true);
  });

  it('costs one grouped statement per connection field, whatever the number of parents', async () => {
    const counter = t.server.app.store.statements;
    const measure = async (query: string) => {
      await t.gql(query, {}, { user: 'alice@example.com' }); // warm the authorizer's cache
      const before = counter.count;
      const res = await t.gql(query, {}, { user: 'alice@example.com' });
      expect(res.body.errors).toBeUndefined();
      return counter.count - before;
    };
    const plain = await measure(`{ namespaces { nodes { name all: runs(first: 200) { nodes { state } } experiments(first: 200) { nodes { runCount } } } } }`);
    const counted = await measure(
      `{ namespaces { totalCount nodes { name all: runs(first: 200) { totalCount nodes { state } } experiments(first: 200) { totalCount nodes { runCount } } } } }`,
    );
    // Two namespaces: one grouped run count and one grouped experiment count, not one per namespace.
    expect(counted - plain).toBe(2);
  });

  it('counts pipelines (with the shared ones) and recurring runs with their filters', async () => {
    const res = await t.gql<{
      pipelines: { totalCount: number; nodes: unknown[] };
      own: { totalCount: number; nodes: unknown[] };
      namespace: {
        pipelines: { totalCount: number; nodes: unknown[] };
        recurringRuns: { totalCount: number; nodes: unknown[] };
        enabled: { totalCount: number; nodes: unknown[] };
      };
    }>(
      `{ pipelines(first: 200) { totalCount nodes { id } } own: pipelines(first: 200, includeShared: false) { totalCount nodes { id } }
         namespace(name: "alice") { pipelines(first: 1) { totalCount nodes { id } }
           recurringRuns(first: 200) { totalCount nodes { id } } enabled: recurringRuns(first: 200, filter: { enabled: true }) { totalCount nodes { id } } } }`,
      {},
      { user: 'alice@example.com' },
    );
    expect(res.body.errors).toBeUndefined();
    const data = res.body.data;
    expect(data?.pipelines.totalCount).toBe(data?.pipelines.nodes.length);
    expect(data?.own.totalCount).toBe(data?.own.nodes.length);
    expect(data?.pipelines.totalCount).toBeGreaterThan(data?.own.totalCount ?? 0);
    expect(data?.namespace.pipelines.totalCount).toBeGreaterThanOrEqual(data?.namespace.pipelines.nodes.length ?? 0);
    expect(data?.namespace.recurringRuns.totalCount).toBe(data?.namespace.recurringRuns.nodes.length);
    expect(data?.namespace.enabled.totalCount).toBe(data?.namespace.enabled.nodes.length);

    const versions = await t.gql<{ pipelines: { nodes: { versions: { totalCount: number; nodes: unknown[] } }[] } }>(
      '{ pipelines(first: 20) { nodes { versions(first: 20) { totalCount nodes { id } } } } }',
      {},
      { user: 'alice@example.com' },
    );
    expect(versions.body.errors).toBeUndefined();
    for (const pipeline of versions.body.data?.pipelines.nodes ?? []) expect(pipeline.versions.totalCount).toBe(pipeline.versions.nodes.length); // the demo has fewer than 20 of each
    expect(versions.body.data?.pipelines.nodes.some((p) => p.versions.totalCount > 0)).toBe(true);
  });

  it('is not offered where it would not be an indexed count (metadata connections)', async () => {
    const res = await t.gql('{ namespace(name: "alice") { artifacts { totalCount } } }', {}, { user: 'alice@example.com' });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
