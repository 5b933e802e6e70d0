import {
  sql,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KfpRunReads } from '../../src/kfp/kfp-run-reads.js';
import type { KfpDatabase } from '../../src/kfp/kfp-tables.js';
import { openKfpDatabase } from '../../src/kfp/open-kfp-database.js';
import type { StoreHandle } from '../../src/store/store-handle.js';
import { createKfpTestDatabase, type KfpTestDatabase } from '../support/kfp-mlpipeline.js';

/**
 * The run lists must be served by KFP's own indexes (docs/architecture.md says which): the keyset compares the
 * raw (`Namespace`, `CreatedAtInSec`, `UUID`) columns, so PostgreSQL walks `namespace_createatinsec` and stops
 * after one page instead of sorting the namespace; the legacy v1 rows (Namespace '') are a second branch on the
 * same index.
 */
describe('KFP run lists use KFP indexes (PostgreSQL plans)', () => {
  let kfp: KfpTestDatabase;
  let reader: StoreHandle<KfpDatabase>;

  beforeAll(async () => {
    kfp = await createKfpTestDatabase('postgres');
    const values = [];
    for (let i = 0; i < 20_000; i += 1) {
      values.push({
        UUID: `run-${String(i).padStart(6, '0')}`,
        DisplayName: `r${i}`,
        Name: `r${i}`,
        Description: '',
        Namespace: `ns-${i % 100}`,
        ExperimentUUID: `exp-${i % 300}`,
        StorageState: 'AVAILABLE',
        ServiceAccount: 'pipeline-runner',
        PipelineId: '',
        PipelineName: '',
        CreatedAtInSec: 1_700_000_000 + i,
        Conditions: '',
        State: 'SUCCEEDED',
        PipelineRuntimeManifest: '',
        WorkflowRuntimeManifest: '',
      });
    }
    for (let i = 0; i < values.length; i += 1000)
      await kfp.writer.db
        .insertInto('run_details')
        .values(values.slice(i, i + 1000))
        .execute();
    await sql`analyze`.execute(kfp.writer.db);
    reader = openKfpDatabase(kfp.url);
  });
  afterAll(async () => {
    await reader?.close();
    await kfp?.close();
  });

  /** The SQL the reader really sends, captured on its way out, then EXPLAINed. */
  async function planOf(list: (runs: KfpRunReads) => Promise<unknown>): Promise<string> {
    const captured: PluginTransformQueryArgs[] = [];
    const capture: KyselyPlugin = {
      transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => {
        captured.push(args);
        return args.node;
      },
      transformResult: async (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => args.result,
    };
    await list(new KfpRunReads(reader.db.withPlugin(capture)));
    const last = captured[captured.length - 1] as PluginTransformQueryArgs;
    return plan(reader.db.getExecutor().compileQuery(last.node, last.queryId));
  }

  async function plan(compiled: { sql: string; parameters: readonly unknown[] }): Promise<string> {
    const rows = await sql<{
      'QUERY PLAN': string;
    }>`explain ${sql.raw(compiled.sql.replace(/\$(\d+)/g, (_, n: string) => literal(compiled.parameters[Number(n) - 1])))}`.execute(reader.db);
    return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  it("a namespace's page walks namespace_createatinsec, first page and after a cursor", async () => {
    const page1 = await new KfpRunReads(reader.db).list(['ns-7'], {}, undefined, { size: 50, backward: false, cursor: null });
    for (const cursor of [null, page1.endCursor]) {
      const text = await planOf((runs) => runs.list(['ns-7'], {}, undefined, { size: 50, backward: false, cursor }));
      // Walked in CreatedAtInSec order and cut by the LIMIT (the UUID tie-break is an incremental sort over
      // equal seconds); never a scan or bitmap of the whole namespace sorted afterwards.
      expect(text).toMatch(/Index Scan Backward using namespace_createatinsec on run_details r\b/);
      expect(text).not.toMatch(/Seq Scan on run_details|Bitmap Heap Scan on run_details/);
    }
  });

  it("an experiment's page walks experimentuuid_createatinsec", async () => {
    const text = await planOf((runs) => runs.list(['ns-7'], { experimentId: 'exp-7' }, undefined, { size: 50, backward: false, cursor: null }));
    expect(text).toMatch(/experimentuuid_createatinsec|namespace_createatinsec/);
    expect(text).not.toMatch(/Seq Scan on run_details/);
  });
});

function literal(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return `'${String(value).replace(/'/g, "''")}'`;
}
