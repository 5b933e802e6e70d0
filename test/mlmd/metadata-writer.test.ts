import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError } from '../../src/errors/domain-errors.js';
import { MetadataReader } from '../../src/mlmd/metadata-reader.js';
import { CLUSTER_SCOPE } from '../../src/mlmd/metadata-scope.js';
import type { MetadataTables } from '../../src/mlmd/metadata-tables.js';
import { MetadataWriter } from '../../src/mlmd/metadata-writer.js';
import type { StoreHandle } from '../../src/store/store-handle.js';
import { createTestStore, DIALECTS } from '../support/databases.js';
import { MLMD_TABLES, T0, twoTaskRun } from './run-fixtures.js';

describe.each(DIALECTS)('MetadataWriter on %s', (dialect) => {
  let store: StoreHandle<MetadataTables>;
  let writer: MetadataWriter;
  let reader: MetadataReader;
  beforeAll(async () => {
    store = (await createTestStore(dialect)) as unknown as StoreHandle<MetadataTables>;
    writer = new MetadataWriter(store.db, store.dialect);
    reader = new MetadataReader(store.db);
  });
  afterAll(async () => store?.close());

  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of MLMD_TABLES) {
      const row = await store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      counts[table] = Number(row.n);
    }
    return counts;
  }

  it('records a run the way KFP does, and a replay changes nothing', async () => {
    const first = await writer.recordRun(twoTaskRun('run-1', 'team-a'));
    const counts = await rowCounts();
    expect(counts).toMatchObject({ Execution: 3, Artifact: 2, Event: 3, EventPath: 3, Context: 2, Association: 6, Attribution: 4, ParentContext: 1 });
    // 2 context types, 2 execution types, 2 artifact types.
    expect(counts.Type).toBe(6);

    const second = await writer.recordRun(twoTaskRun('run-1', 'team-a'));
    await writer.recordRun(twoTaskRun('run-1', 'team-a'));
    expect(await rowCounts()).toEqual(counts);
    expect(second).toEqual(first);
  });

  it('links the consumer to the producer through the one artifact they share', async () => {
    const ids = await writer.recordRun(twoTaskRun('run-1', 'team-a'));
    const produce = ids.executionIds.get('run-1/produce') as number;
    const train = ids.executionIds.get('run-1/train') as number;
    const events = await reader.eventsByExecutionIds([produce, train]);
    const output = events.get(produce)?.[0];
    expect(output).toMatchObject({ type: 'OUTPUT', path: ['dataset'], at: T0 + 1000 });
    expect(events.get(train)?.map((e) => [e.type, e.path])).toEqual([
      ['INPUT', ['dataset']],
      ['OUTPUT', ['model']],
    ]);
    expect(events.get(train)?.[0]?.artifactId).toBe(output?.artifactId);
  });

  it('writes custom properties with their types, and reads them back', async () => {
    const ids = await writer.recordRun(twoTaskRun('run-1', 'team-a'));
    const train = ids.executionIds.get('run-1/train') as number;
    const properties = await reader.propertiesOf('execution', [train, 999_999]);
    expect(properties.get(train)).toEqual({
      properties: {},
      customProperties: {
        display_name: 'train',
        task_name: 'train',
        pod_name: 'run-1-train',
        namespace: 'team-a',
        run_id: 'run-1',
        cached: false,
        retries: 0,
        score: 0.5,
      },
    });
    expect(properties.get(999_999)).toEqual({ properties: {}, customProperties: {} });
    const context = await reader.propertiesOf('context', [ids.runContextId]);
    expect(context.get(ids.runContextId)?.customProperties).toEqual({ namespace: 'team-a' });
  });

  it('updates a changed execution state, never moves it back to an older snapshot', async () => {
    const running = twoTaskRun('run-2', 'team-a');
    const executions = running.executions.map((e) => (e.name === 'train' ? { ...e, state: 'RUNNING' as const, updatedAt: T0 + 2500 } : e));
    const ids = await writer.recordRun({ ...running, executions });
    const train = ids.executionIds.get('run-2/train') as number;
    expect((await reader.executionsByIds([train], CLUSTER_SCOPE)).get(train)?.state).toBe('RUNNING');

    await writer.recordRun(twoTaskRun('run-2', 'team-a'));
    expect((await reader.executionsByIds([train], CLUSTER_SCOPE)).get(train)).toMatchObject({ state: 'COMPLETE', updatedAt: T0 + 3000, name: 'train' });

    await writer.recordRun({ ...running, executions });
    expect((await reader.executionsByIds([train], CLUSTER_SCOPE)).get(train)?.state).toBe('COMPLETE');
  });

  // KFP: backend/src/v2/metadata/client.go GetPipeline (run context properties, written with the context) and
  // CreateExecution (parent_dag_id: the MLMD ID of the enclosing system.DAGExecution).
  it("writes KFP's run context properties once, and each task's parent_dag_id as the DAG execution's MLMD ID", async () => {
    const base = twoTaskRun('run-3', 'team-a');
    const run = {
      ...base,
      runContextProperties: { resource_name: 'train-x7k2p', pipeline_root: 'minio://mlpipeline/private-artifacts/team-a/v2/artifacts/shared-pipeline/run-3' },
      executions: base.executions.map((e) => (e.type === 'system.ContainerExecution' ? { ...e, parentKey: 'run-3/root' } : e)),
    };
    const ids = await writer.recordRun(run);
    const root = ids.executionIds.get('run-3/root') as number;
    const properties = await reader.propertiesOf('execution', [
      ids.executionIds.get('run-3/produce') as number,
      ids.executionIds.get('run-3/train') as number,
      root,
    ]);
    for (const key of ['run-3/produce', 'run-3/train']) {
      expect(properties.get(ids.executionIds.get(key) as number)?.customProperties.parent_dag_id).toBe(root);
    }
    expect(properties.get(root)?.customProperties.parent_dag_id).toBeUndefined();
    const context = await reader.propertiesOf('context', [ids.runContextId]);
    expect(context.get(ids.runContextId)?.customProperties).toEqual({ namespace: 'team-a', ...run.runContextProperties });
    // Like KFP's getOrInsertContext: a later writer does not change what the first one recorded.
    await writer.recordRun({ ...run, runContextProperties: { resource_name: 'other', pipeline_root: 'minio://elsewhere' } });
    expect((await reader.propertiesOf('context', [ids.runContextId])).get(ids.runContextId)?.customProperties).toEqual({
      namespace: 'team-a',
      ...run.runContextProperties,
    });
  });

  it('refuses a parentKey that names no DAG execution of the run, writing nothing', async () => {
    const before = await rowCounts();
    const base = twoTaskRun('run-4', 'team-a');
    const bad = { ...base, executions: base.executions.map((e) => ({ ...e, parentKey: 'run-4/produce' })) };
    await expect(writer.recordRun(bad)).rejects.toBeInstanceOf(InvalidInputError);
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses to move a recorded run to another namespace', async () => {
    await expect(writer.recordRun(twoTaskRun('run-1', 'team-b'))).rejects.toBeInstanceOf(ConflictError);
  });
});
