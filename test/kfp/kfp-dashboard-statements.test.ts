import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_QUERY, type DashboardData } from '../../bench/support/dashboard-query.js';
import { executionsOf } from '../../bench/support/dashboard-seed.js';
import { MetadataWriter } from '../../src/mlmd/metadata-writer.js';
import { startKfpApiTestServer, type KfpApiTestServer } from '../support/kfp-api-test-server.js';
import { createKfpTestDatabase, KFP_DIALECTS, type KfpTestDatabase } from '../support/kfp-mlpipeline.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * The dashboard query in kfp mode stays a fixed number of statements (over KFP's database and the metadata
 * store together) whether the page holds 5 runs or 50, as in standalone (test/api/dashboard-statements.test.ts).
 * Metadata is found for KFP's runs because KFP names each system.PipelineRun context after the run UUID.
 */
const MAX_STATEMENTS = 6;
const T = 1_700_000_000;
const ARGO = JSON.stringify({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
});

describe.each(KFP_DIALECTS)('kfp-mode dashboard statements over a %s mlpipeline', (dialect) => {
  let kfp: KfpTestDatabase;
  let api: KfpApiTestServer;
  let t: TestServer;

  beforeAll(async () => {
    kfp = await createKfpTestDatabase(dialect);
    api = await startKfpApiTestServer(kfp.writer);
    t = await startTestServer({ demoData: false, env: { KFP_MODE: 'kfp', KFP_DATABASE_URL: kfp.url, KFP_API_URL: api.url } });
    const metadata = new MetadataWriter(t.server.app.store.db, t.server.app.store.dialect);
    for (const [namespace, count] of [
      ['alice', 5],
      ['ml-research', 50],
    ] as const) {
      const w = kfp.writer;
      const experiments = [0, 1, 2].map(async (i) => w.experiment({ namespace, name: `experiment-${i}`, createdAtSec: T + i }));
      const experimentIds = await Promise.all(experiments);
      const pipelineId = await w.pipeline({ namespace, name: `${namespace}-pipeline`, createdAtSec: T });
      const versionId = await w.version({ pipelineId, name: 'v1', spec: ARGO, createdAtSec: T });
      for (let i = 0; i < count; i += 1) {
        const id = await w.run({
          namespace,
          experimentId: experimentIds[i % 3] as string,
          name: `run-${i}`,
          createdAtSec: T + 10 + i,
          state: 'SUCCEEDED',
          pipelineId,
          pipelineVersionId: versionId,
        });
        await metadata.recordRun({ runId: id, namespace, pipelineName: `${namespace}-pipeline`, executions: executionsOf(id, namespace, T * 1000) }, T * 1000);
      }
    }
  });
  afterAll(async () => {
    await t?.close();
    await api?.close();
    await kfp?.close();
  });

  async function statementsFor(namespace: string): Promise<{ count: number; data: DashboardData }> {
    const counters = [t.server.app.store.statements, t.server.app.kfpStatements ?? { count: 0 }];
    const total = () => counters.reduce((sum, c) => sum + c.count, 0);
    let result: { count: number; data: DashboardData } | undefined;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const before = total();
      const res = await t.gql<DashboardData>(DASHBOARD_QUERY, { namespace, first: 50 }, { user: 'alice@example.com' });
      expect(res.body.errors).toBeUndefined();
      result = { count: total() - before, data: res.body.data as DashboardData };
    }
    return result as { count: number; data: DashboardData };
  }

  it(`answers KFP runs with their experiment, version and MLMD executions in the same ≤ ${MAX_STATEMENTS} statements for 5 and 50 runs`, async () => {
    const five = await statementsFor('alice');
    const fifty = await statementsFor('ml-research');
    expect(five.data.namespace?.runs.edges).toHaveLength(5);
    expect(fifty.data.namespace?.runs.edges).toHaveLength(50);
    for (const { node } of fifty.data.namespace?.runs.edges ?? []) {
      expect(node.experiment?.name).toMatch(/^experiment-\d$/);
      expect(node.pipelineVersion?.name).toBe('v1');
      expect(node.executions.length).toBeGreaterThanOrEqual(2);
    }
    console.info(`[kfp ${dialect}] dashboard statements: 5 runs → ${five.count}, 50 runs → ${fifty.count}`);
    expect(fifty.count).toBe(five.count);
    expect(fifty.count).toBeLessThanOrEqual(MAX_STATEMENTS);
  });
});
