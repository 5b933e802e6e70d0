import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/errors/domain-errors.js';
import { MetadataReader } from '../../src/mlmd/metadata-reader.js';
import { CLUSTER_SCOPE, namespacesScope } from '../../src/mlmd/metadata-scope.js';
import type { MetadataTables } from '../../src/mlmd/metadata-tables.js';
import { openMetadataStore } from '../../src/mlmd/open-metadata-store.js';
import type { StoreHandle } from '../../src/store/store-handle.js';
import { DIALECTS } from '../support/databases.js';
import { createKfpMetadataDatabase, T } from '../support/kfp-metadata-database.js';

/**
 * The reader against a metadata database KFP itself would have (test/support/kfp-metadata-database.ts: MLMD's
 * own DDL, rows as KFP's driver and launcher write them), opened read-only the way METADATA_DATABASE_URL is.
 */
const TEAM_A = namespacesScope(['team-a']);
const TEAM_B = namespacesScope(['team-b']);

describe.each(DIALECTS)('reading an existing KFP metadata database on %s', (dialect) => {
  let handle: StoreHandle<MetadataTables>;
  let reader: MetadataReader;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createKfpMetadataDatabase(dialect);
    drop = () => database.drop();
    handle = openMetadataStore(database.url);
    reader = new MetadataReader(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
    await drop?.();
  });

  it('scopes by the PipelineRun namespace, never by the shared Pipeline context', async () => {
    const ids = [1, 2, 3, 11, 12, 13];
    expect([...(await reader.artifactsByIds(ids, TEAM_A)).keys()].sort()).toEqual([1, 2, 3]);
    expect([...(await reader.artifactsByIds(ids, TEAM_B)).keys()].sort()).toEqual([11, 12, 13]);
    expect([...(await reader.executionsByIds(ids, TEAM_B)).keys()].sort()).toEqual([11, 12, 13]);
    expect((await reader.artifactsByIds(ids, CLUSTER_SCOPE)).size).toBe(6);
    const model = (await reader.artifactsByIds([2], TEAM_A)).get(2);
    expect(model).toEqual({
      id: 2,
      type: 'system.Model',
      uri: 'minio://mlpipeline/v2/artifacts/team-a/iris-training/run-a/train/model',
      name: 'model',
      state: 'LIVE',
      createdAt: T + 4,
      updatedAt: T + 4,
      namespaces: ['team-a'],
    });
    expect((await reader.executionsByIds([3], TEAM_A)).get(3)).toMatchObject({ type: 'system.ContainerExecution', name: 'train', state: 'CACHED' });
  });

  it('reads runs, events with their paths, and properties', async () => {
    const byRun = await reader.executionsByRunIds(['run-a', 'run-b'], TEAM_A);
    expect(byRun.get('run-a')?.map((e) => e.name)).toEqual(['run-a', 'ingest', 'train']);
    expect(byRun.get('run-b')).toEqual([]);
    expect((await reader.artifactsByRunIds(['run-b'], TEAM_B)).get('run-b')?.map((a) => a.type)).toEqual(['system.Dataset', 'system.Model', 'system.Metrics']);
    const events = await reader.eventsByExecutionIds([3], TEAM_A);
    expect(events.get(3)?.map((e) => [e.type, e.artifactId, e.path])).toEqual([
      ['INPUT', 1, ['iris_dataset']],
      ['OUTPUT', 2, ['model']],
      ['OUTPUT', 3, ['metrics']],
    ]);
    const properties = await reader.propertiesOf('artifact', [3]);
    expect(properties.get(3)?.customProperties).toEqual({ display_name: 'metrics', accuracy: 0.93 });
    const execution = await reader.propertiesOf('execution', [3]);
    expect(execution.get(3)?.customProperties).toMatchObject({ task_name: 'train', parent_dag_id: 1 });
    const context = await reader.propertiesOf('context', [2]);
    expect(context.get(2)?.customProperties).toMatchObject({ namespace: 'team-a', resource_name: 'run-a-xyz' });
  });

  it('walks lineage within the tenant', async () => {
    const graph = await reader.lineage({ start: { kind: 'artifact', id: 12 }, direction: 'UPSTREAM', depth: 4, scope: TEAM_B });
    expect(graph.executions.map((e) => e.name)).toEqual(['train', 'ingest']);
    expect(graph.artifacts.map((a) => a.name)).toEqual(['model', 'dataset']);
    expect(graph.edges).toHaveLength(3);
    await expect(reader.lineage({ start: { kind: 'artifact', id: 12 }, direction: 'UPSTREAM', depth: 4, scope: TEAM_A })).rejects.toBeInstanceOf(NotFoundError);
    const down = await reader.lineage({ start: { kind: 'artifact', id: 1 }, direction: 'DOWNSTREAM', depth: 2, scope: TEAM_A });
    expect(down.artifacts.map((a) => a.name)).toEqual(['dataset', 'model', 'metrics']);
  });

  it('lists and pages within the tenant', async () => {
    const first = await reader.listArtifacts(TEAM_A, { first: 2 });
    const second = await reader.listArtifacts(TEAM_A, { first: 2, after: first.endCursor });
    expect([...first.items, ...second.items].map((a) => a.id)).toEqual([3, 2, 1]);
    expect([first.hasNextPage, second.hasNextPage]).toEqual([true, false]);
    expect((await reader.listExecutions(TEAM_B, { first: 10, filter: { stateIn: ['CACHED'] } })).items.map((e) => e.id)).toEqual([13]);
    expect((await reader.listArtifacts(CLUSTER_SCOPE, { first: 10, filter: { uriPrefix: 'minio://mlpipeline/v2/artifacts/team-b/' } })).items).toHaveLength(3);
  });
});
