import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/errors/domain-errors.js';
import { MetadataReader } from '../../src/mlmd/metadata-reader.js';
import { CLUSTER_SCOPE, namespacesScope } from '../../src/mlmd/metadata-scope.js';
import type { MetadataTables } from '../../src/mlmd/metadata-tables.js';
import { MetadataWriter } from '../../src/mlmd/metadata-writer.js';
import type { RecordedRunIds } from '../../src/mlmd/run-record.js';
import type { StoreHandle } from '../../src/store/store-handle.js';
import { createTestStore, DIALECTS } from '../support/databases.js';
import { T0, twoTaskRun } from './run-fixtures.js';

const A = namespacesScope(['team-a']);
const B = namespacesScope(['team-b']);
const NOBODY = namespacesScope([]);

describe.each(DIALECTS)('metadata scope on %s', (dialect) => {
  let store: StoreHandle<MetadataTables>;
  let reader: MetadataReader;
  let runA: RecordedRunIds;
  let runB: RecordedRunIds;
  let orphan: number;
  let pipelineOnly: number;
  let modelB: number;

  beforeAll(async () => {
    store = (await createTestStore(dialect)) as unknown as StoreHandle<MetadataTables>;
    reader = new MetadataReader(store.db);
    const writer = new MetadataWriter(store.db, store.dialect);
    // Both tenants run a pipeline called "shared-pipeline": KFP gives them one system.Pipeline context.
    runA = await writer.recordRun(twoTaskRun('run-a', 'team-a'));
    runB = await writer.recordRun(twoTaskRun('run-b', 'team-b'));
    modelB = [...runB.artifactIds.entries()].find(([identity]) => identity.endsWith('/model'))?.[1] as number;
    const type = await store.db.selectFrom('Type').select('id').where('name', '=', 'system.Dataset').executeTakeFirstOrThrow();
    const insert = async (uri: string): Promise<number> => {
      await store.db
        .insertInto('Artifact')
        .values({ type_id: type.id, uri, state: 2, name: null, external_id: uri, create_time_since_epoch: T0 + 9000, last_update_time_since_epoch: T0 })
        .execute();
      return (await store.db.selectFrom('Artifact').select('id').where('external_id', '=', uri).executeTakeFirstOrThrow()).id;
    };
    // An artifact no run claims (an importer's, or written by hand) and one attributed only to the shared
    // system.Pipeline context.
    orphan = await insert('s3://bucket/orphan');
    pipelineOnly = await insert('s3://bucket/pipeline-only');
    await store.db.insertInto('Attribution').values({ context_id: runA.pipelineContextId, artifact_id: pipelineOnly }).execute();
  });
  afterAll(async () => store?.close());

  const idsOf = (run: RecordedRunIds): number[] => [...run.artifactIds.values()];

  it('by id: a tenant sees its own artifacts and executions only', async () => {
    const all = [...idsOf(runA), ...idsOf(runB), orphan, pipelineOnly];
    expect([...(await reader.artifactsByIds(all, A)).keys()].sort()).toEqual(idsOf(runA).sort());
    expect([...(await reader.artifactsByIds(all, B)).keys()].sort()).toEqual(idsOf(runB).sort());
    expect((await reader.artifactsByIds(all, CLUSTER_SCOPE)).size).toBe(6);
    expect((await reader.artifactsByIds(all, NOBODY)).size).toBe(0);
    const executions = [...runA.executionIds.values(), ...runB.executionIds.values()];
    expect([...(await reader.executionsByIds(executions, A)).keys()].sort()).toEqual([...runA.executionIds.values()].sort());
    const record = (await reader.artifactsByIds(idsOf(runA), A)).get(idsOf(runA)[0] as number);
    expect(record).toMatchObject({ type: 'system.Dataset', name: 'dataset', state: 'LIVE', namespaces: ['team-a'], createdAt: T0 + 1000 });
  });

  it('the shared system.Pipeline context gives no access, and an unclaimed artifact is for cluster admins only', async () => {
    expect((await reader.artifactsByIds([orphan, pipelineOnly], A)).size).toBe(0);
    expect((await reader.artifactsByIds([orphan, pipelineOnly], B)).size).toBe(0);
    expect((await reader.artifactsByIds([orphan, pipelineOnly], CLUSTER_SCOPE)).get(orphan)?.namespaces).toEqual([]);
    const page = await reader.listArtifacts(CLUSTER_SCOPE, { first: 10 });
    expect(page.items.map((a) => a.id)).toContain(orphan);
  });

  it("by run: another tenant's run has no executions or artifacts", async () => {
    const executions = await reader.executionsByRunIds(['run-a', 'run-b', 'no-such-run'], A);
    expect(executions.get('run-a')?.map((e) => e.name)).toEqual(['produce', 'root', 'train']);
    expect(executions.get('run-b')).toEqual([]);
    expect(executions.get('no-such-run')).toEqual([]);
    const artifacts = await reader.artifactsByRunIds(['run-a', 'run-b'], B);
    expect(artifacts.get('run-a')).toEqual([]);
    expect(artifacts.get('run-b')?.map((a) => a.name)).toEqual(['dataset', 'model']);
    expect((await reader.artifactsByRunIds(['run-a'], CLUSTER_SCOPE)).get('run-a')).toHaveLength(2);
  });

  it('listing: filters run in SQL, a namespace filter cannot widen the scope', async () => {
    const page = await reader.listArtifacts(A, { first: 50 });
    expect(page.items.map((a) => a.id).sort()).toEqual(idsOf(runA).sort());
    expect((await reader.listArtifacts(A, { first: 50, filter: { namespace: 'team-b' } })).items).toEqual([]);
    expect((await reader.listArtifacts(A, { first: 50, filter: { runId: 'run-b' } })).items).toEqual([]);
    expect((await reader.listArtifacts(CLUSTER_SCOPE, { first: 50, filter: { namespace: 'team-b' } })).items.map((a) => a.id).sort()).toEqual(
      idsOf(runB).sort(),
    );
    expect((await reader.listArtifacts(CLUSTER_SCOPE, { first: 50, filter: { typeIn: ['system.Model'] } })).items.map((a) => a.id).sort()).toHaveLength(2);
    expect((await reader.listArtifacts(CLUSTER_SCOPE, { first: 50, filter: { uriPrefix: 'minio://mlpipeline/v2/artifacts/run-b/' } })).items).toHaveLength(2);
    expect((await reader.listArtifacts(CLUSTER_SCOPE, { first: 50, filter: { uriPrefix: 'minio://mlpipeline/v2/artifacts/run_' } })).items).toHaveLength(0);
    const executions = await reader.listExecutions(B, { first: 50, filter: { typeIn: ['system.ContainerExecution'], stateIn: ['COMPLETE'] } });
    expect(executions.items.map((e) => e.name).sort()).toEqual(['produce', 'train']);
    expect((await reader.listExecutions(B, { first: 50, filter: { runId: 'run-a' } })).items).toEqual([]);
  });

  it("lineage: a tenant cannot start from, or walk into, another tenant's nodes", async () => {
    await expect(reader.lineage({ start: { kind: 'artifact', id: modelB }, direction: 'UPSTREAM', depth: 3, scope: A })).rejects.toBeInstanceOf(NotFoundError);
    const graph = await reader.lineage({ start: { kind: 'artifact', id: modelB }, direction: 'UPSTREAM', depth: 3, scope: B });
    expect(graph.artifacts.map((a) => a.name)).toEqual(['model', 'dataset']);
    expect(graph.executions.map((e) => e.name)).toEqual(['train', 'produce']);
    expect(graph.edges.map((e) => e.type).sort()).toEqual(['INPUT', 'OUTPUT', 'OUTPUT']);
  });

  it("lineage: an edge into another tenant's execution is neither returned nor followed", async () => {
    // Team B's train also reads team A's dataset (as if the tenants shared a bucket path).
    const datasetA = [...runA.artifactIds.entries()].find(([identity]) => identity.endsWith('/dataset'))?.[1] as number;
    const trainB = runB.executionIds.get('run-b/train') as number;
    await store.db.insertInto('Event').values({ artifact_id: datasetA, execution_id: trainB, type: 3, milliseconds_since_epoch: T0 }).execute();
    const down = await reader.lineage({ start: { kind: 'artifact', id: datasetA }, direction: 'DOWNSTREAM', depth: 4, scope: A });
    expect(down.executions.map((e) => e.name)).toEqual(['train']);
    expect(down.executions[0]?.namespaces).toEqual(['team-a']);
    expect(down.edges.every((e) => e.executionId !== trainB)).toBe(true);
    const events = await reader.eventsByArtifactIds([datasetA], A);
    expect(events.get(datasetA)?.map((e) => e.executionId)).not.toContain(trainB);
    const cluster = await reader.lineage({ start: { kind: 'artifact', id: datasetA }, direction: 'DOWNSTREAM', depth: 2, scope: CLUSTER_SCOPE });
    expect(cluster.executions.map((e) => e.id)).toContain(trainB);
  });
});
