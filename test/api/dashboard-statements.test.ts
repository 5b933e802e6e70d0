import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_QUERY, type DashboardData } from '../../bench/support/dashboard-query.js';
import { seedDashboard } from '../../bench/support/dashboard-seed.js';
import type { SqlDialect } from '../../src/store/sql-dialect.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Issue 2, "No N+1": the dashboard query runs a fixed number of SQL statements, at most 6, whether the page
 * holds 5 runs or 50. Every relation goes through a per-request DataLoader, so the count depends on the depth
 * of the query, never on the number of rows.
 */
const MAX_STATEMENTS = 6;
const DIALECTS_UNDER_TEST: readonly SqlDialect[] = ['sqlite', 'postgres', 'mysql'];

describe.each(DIALECTS_UNDER_TEST)('dashboard statements on %s', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ dialect, demoData: false });
    // alice owns "alice" and may edit "ml-research" (src/demo/tenants.ts).
    await seedDashboard(t.server.app.store, { namespace: 'alice', runs: 5 });
    await seedDashboard(t.server.app.store, { namespace: 'ml-research', runs: 50 });
  });
  afterAll(async () => t?.close());

  /** Statements of the warm (second) request: the first may include one-off work such as cache fills. */
  async function statementsFor(namespace: string, first: number): Promise<{ count: number; data: DashboardData }> {
    const counter = t.server.app.store.statements;
    let result: { count: number; data: DashboardData } | undefined;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const before = counter.count;
      const res = await t.gql<DashboardData>(DASHBOARD_QUERY, { namespace, first }, { user: 'alice@example.com' });
      const count = counter.count - before;
      expect(res.body.errors).toBeUndefined();
      result = { count, data: res.body.data as DashboardData };
    }
    return result as { count: number; data: DashboardData };
  }

  it('answers the whole page: experiment, version and every execution with its outputs', async () => {
    const { data } = await statementsFor('ml-research', 50);
    const edges = data.namespace?.runs.edges ?? [];
    expect(edges).toHaveLength(50);
    for (const { node } of edges) {
      expect(node.experiment?.name).toMatch(/^experiment-\d$/);
      expect(node.pipelineVersion?.name).toBe('v1');
      expect(node.executions.length).toBeGreaterThanOrEqual(2);
      expect(node.executions.length).toBeLessThanOrEqual(3);
      for (const execution of node.executions) {
        expect(execution.outputs).toHaveLength(1);
        expect(execution.outputs[0]?.uri).toMatch(/^s3:\/\/mlpipeline\/v2\/artifacts\/ml-research\//);
      }
    }
  });

  it(`runs the same number of statements (≤ ${MAX_STATEMENTS}) for 5 runs and for 50`, async () => {
    const five = await statementsFor('alice', 50);
    const fifty = await statementsFor('ml-research', 50);
    expect(five.data.namespace?.runs.edges).toHaveLength(5);
    expect(fifty.data.namespace?.runs.edges).toHaveLength(50);
    console.info(`[${dialect}] dashboard statements: 5 runs → ${five.count}, 50 runs → ${fifty.count}`);
    expect(fifty.count).toBe(five.count);
    expect(fifty.count).toBeLessThanOrEqual(MAX_STATEMENTS);
  });
});
