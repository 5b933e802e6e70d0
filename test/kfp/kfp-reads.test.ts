import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KfpExperimentReads } from '../../src/kfp/kfp-experiment-reads.js';
import { KfpPipelineReads } from '../../src/kfp/kfp-pipeline-reads.js';
import { KfpRecurringRunReads } from '../../src/kfp/kfp-recurring-run-reads.js';
import { KfpRunReads } from '../../src/kfp/kfp-run-reads.js';
import type { KfpDatabase } from '../../src/kfp/kfp-tables.js';
import { openKfpDatabase } from '../../src/kfp/open-kfp-database.js';
import type { StoreHandle } from '../../src/store/store-handle.js';
import { createKfpTestDatabase, KFP_DIALECTS, type KfpTestDatabase } from '../support/kfp-mlpipeline.js';
import { UPSTREAM_FIXTURES } from '../support/upstream-fixtures.js';

const ARGO = readFileSync(`${UPSTREAM_FIXTURES}kfp/hello_world.yaml`, 'utf8');
const IR = readFileSync(`${UPSTREAM_FIXTURES}kfp-ir/two_step_pipeline.yaml`, 'utf8');
const page = (size = 50, cursor: string | null = null) => ({ size, backward: false, cursor });
const T = 1_750_000_000;

describe.each(KFP_DIALECTS)('KFP mlpipeline reads on %s', (dialect) => {
  let kfp: KfpTestDatabase;
  let reader: StoreHandle<KfpDatabase>;
  let experiments: KfpExperimentReads;
  let runs: KfpRunReads;
  let pipelines: KfpPipelineReads;
  let jobs: KfpRecurringRunReads;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    kfp = await createKfpTestDatabase(dialect);
    const w = kfp.writer;
    ids.exp = await w.experiment({ namespace: 'alice', name: 'baseline', createdAtSec: T });
    ids.archivedExp = await w.experiment({ namespace: 'alice', name: 'old', createdAtSec: T + 1, storageState: 'ARCHIVED' });
    ids.legacyExp = await w.experiment({ namespace: 'alice', name: 'v1-era', createdAtSec: T + 2, legacy: true, storageState: 'STORAGESTATE_ARCHIVED' });
    ids.bobExp = await w.experiment({ namespace: 'bob', name: 'baseline', createdAtSec: T });
    ids.nowhereExp = await w.experiment({ namespace: '', name: 'single-user', createdAtSec: T });

    ids.shared = await w.pipeline({ namespace: '', name: 'shared-empty', createdAtSec: T });
    ids.sharedDash = await w.pipeline({ namespace: '-', name: 'shared-dash', createdAtSec: T + 1 });
    ids.alicePipe = await w.pipeline({ namespace: 'alice', name: 'alice-pipe', createdAtSec: T + 2 });
    ids.creating = await w.pipeline({ namespace: 'alice', name: 'half-written', createdAtSec: T + 3, status: 'CREATING' });
    ids.bobPipe = await w.pipeline({ namespace: 'bob', name: 'bob-pipe', createdAtSec: T });
    ids.v1 = await w.version({ pipelineId: ids.alicePipe, name: 'argo', spec: ARGO, createdAtSec: T + 10 });
    ids.v2 = await w.version({ pipelineId: ids.alicePipe, name: 'ir', spec: IR, createdAtSec: T + 20 });
    ids.vDeleting = await w.version({ pipelineId: ids.alicePipe, name: 'going', spec: IR, createdAtSec: T + 30, status: 'DELETING' });
    ids.sharedV = await w.version({ pipelineId: ids.shared, name: 'v1', spec: ARGO, createdAtSec: T });

    ids.succeeded = await w.run({
      namespace: 'alice',
      experimentId: ids.exp,
      name: 'ok',
      createdAtSec: T + 100,
      state: 'SUCCEEDED',
      finishedAtSec: T + 160,
      pipelineId: ids.alicePipe,
      pipelineVersionId: ids.v2,
      parameters: { text: 'hi' },
      workflowManifest: JSON.stringify({ metadata: { name: 'ok-1' }, status: { phase: 'Succeeded' } }),
    });
    ids.pending = await w.run({ namespace: 'alice', experimentId: ids.exp, name: 'waiting', createdAtSec: T + 100, state: 'PENDING' });
    ids.archivedRun = await w.run({
      namespace: 'alice',
      experimentId: ids.archivedExp,
      name: 'shelved',
      createdAtSec: T + 50,
      state: 'FAILED',
      storageState: 'ARCHIVED',
    });
    ids.legacyError = await w.run({
      namespace: 'alice',
      experimentId: ids.legacyExp,
      name: 'v1-error',
      createdAtSec: T + 40,
      legacy: true,
      conditions: 'Error',
      parameters: { epochs: '3' },
    });
    ids.legacyTerminating = await w.run({
      namespace: 'alice',
      experimentId: ids.legacyExp,
      name: 'v1-terminating',
      createdAtSec: T + 30,
      legacy: true,
      conditions: 'Terminating',
    });
    ids.legacyEmpty = await w.run({ namespace: 'alice', experimentId: ids.legacyExp, name: 'v1-empty', createdAtSec: T + 20, legacy: true, conditions: '' });
    ids.legacyUnknown = await w.run({
      namespace: 'alice',
      experimentId: ids.legacyExp,
      name: 'v1-unknown',
      createdAtSec: T + 10,
      legacy: true,
      conditions: 'Unknown',
      storageState: 'STORAGESTATE_ARCHIVED',
    });
    ids.bobRun = await w.run({ namespace: 'bob', experimentId: ids.bobExp, name: 'bobs', createdAtSec: T + 100, state: 'RUNNING' });

    ids.cronJob = await w.job({
      namespace: 'alice',
      experimentId: ids.exp,
      name: 'nightly',
      createdAtSec: T,
      pipelineId: ids.alicePipe,
      pipelineVersionId: null,
      cron: '0 0 2 * * *',
      startSec: T + 3600,
    });
    ids.intervalJob = await w.job({
      namespace: 'alice',
      experimentId: ids.exp,
      name: 'hourly',
      createdAtSec: T + 1,
      pipelineId: ids.alicePipe,
      pipelineVersionId: ids.v1,
      intervalSeconds: 3600,
      enabled: false,
      noCatchup: true,
    });
    ids.bobJob = await w.job({ namespace: 'bob', experimentId: ids.bobExp, name: 'bobs-job', createdAtSec: T, pipelineId: ids.bobPipe, intervalSeconds: 60 });

    reader = openKfpDatabase(kfp.url);
    experiments = new KfpExperimentReads(reader.db);
    runs = new KfpRunReads(reader.db);
    pipelines = new KfpPipelineReads(reader.db);
    jobs = new KfpRecurringRunReads(reader.db);
  });

  afterAll(async () => {
    await reader?.close();
    await kfp?.close();
  });

  it("lists a namespace's experiments, v2 and legacy (namespace from resource_references), never another's", async () => {
    const listed = await experiments.list(['alice'], {}, undefined, page());
    expect(listed.items.map((e) => e.name)).toEqual(['v1-era', 'old', 'baseline']);
    expect(listed.items.every((e) => e.namespace === 'alice')).toBe(true);
    expect((await experiments.byIds([ids.legacyExp]))[0]).toMatchObject({ namespace: 'alice', storage_state: 'ARCHIVED', created_at: (T + 2) * 1000 });
  });

  it('reads both StorageState spellings and filters on them', async () => {
    const archived = await experiments.list(['alice'], { storageState: 'ARCHIVED' }, undefined, page());
    expect(archived.items.map((e) => e.name).sort()).toEqual(['old', 'v1-era']);
    const available = await experiments.list(['alice'], { storageState: 'AVAILABLE' }, undefined, page());
    expect(available.items.map((e) => e.name)).toEqual(['baseline']);
  });

  it('shows no experiment that has no namespace at all (it belongs to no tenant)', async () => {
    expect(await experiments.byIds([ids.nowhereExp])).toEqual([]);
  });

  it('maps v2 State and legacy Conditions as KFP ToV2 does; unknown is RUNTIME_STATE_UNSPECIFIED, not PENDING', async () => {
    const rows = await runs.byIds([ids.succeeded, ids.pending, ids.legacyError, ids.legacyTerminating, ids.legacyEmpty, ids.legacyUnknown]);
    const state = Object.fromEntries(rows.map((r) => [r.id, r.state]));
    expect(state).toEqual({
      [ids.succeeded]: 'SUCCEEDED',
      [ids.pending]: 'PENDING',
      [ids.legacyError]: 'FAILED',
      [ids.legacyTerminating]: 'CANCELING',
      [ids.legacyEmpty]: 'RUNTIME_STATE_UNSPECIFIED',
      [ids.legacyUnknown]: 'RUNTIME_STATE_UNSPECIFIED',
    });
  });

  it('turns *InSec into milliseconds, 0 into null, and reads both parameter formats', async () => {
    const [ok] = await runs.byIds([ids.succeeded]);
    expect(ok).toMatchObject({
      created_at: (T + 100) * 1000,
      scheduled_at: (T + 100) * 1000,
      finished_at: (T + 160) * 1000,
      pipeline_version_id: ids.v2,
      namespace: 'alice',
    });
    expect(JSON.parse(ok?.parameters ?? '')).toEqual({ text: 'hi' });
    expect(JSON.parse(ok?.workflow_status ?? '')).toEqual({ phase: 'Succeeded' });
    const [legacy] = await runs.byIds([ids.legacyError]);
    expect(legacy).toMatchObject({ namespace: 'alice', finished_at: null, storage_state: 'AVAILABLE', experiment_id: ids.legacyExp });
    expect(JSON.parse(legacy?.parameters ?? '')).toEqual({ epochs: '3' });
  });

  it('pages runs newest first by (CreatedAtInSec, UUID), ties broken stably, legacy rows included', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i += 1) {
      const p = await runs.list(['alice'], {}, undefined, page(2, cursor));
      seen.push(...p.items.map((r) => r.id));
      if (!p.hasNextPage) break;
      cursor = p.endCursor;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen.slice(2)).toEqual([ids.archivedRun, ids.legacyError, ids.legacyTerminating, ids.legacyEmpty, ids.legacyUnknown]);
    expect(seen).not.toContain(ids.bobRun);
  });

  it('filters runs by state (both spellings), storage state, experiment and name', async () => {
    const failed = await runs.list(['alice'], { stateIn: ['FAILED'] }, undefined, page());
    expect(failed.items.map((r) => r.id).sort()).toEqual([ids.archivedRun, ids.legacyError].sort());
    const archived = await runs.list(['alice'], { storageState: 'ARCHIVED' }, undefined, page());
    expect(archived.items.map((r) => r.id).sort()).toEqual([ids.archivedRun, ids.legacyUnknown].sort());
    const inLegacy = await runs.list(['alice'], { experimentId: ids.legacyExp, nameContains: 'TERMIN' }, undefined, page());
    expect(inLegacy.items.map((r) => r.id)).toEqual([ids.legacyTerminating]);
    expect((await runs.countByExperiments([ids.exp, ids.legacyExp])).get(ids.legacyExp)).toBe(4);
  });

  it("lists shared pipelines stored as '' or '-', only READY ones, and a version's namespace from its pipeline", async () => {
    const shared = await pipelines.list([''], {}, 'NAME_ASC', page());
    expect(shared.items.map((p) => [p.name, p.namespace])).toEqual([
      ['shared-dash', ''],
      ['shared-empty', ''],
    ]);
    const alice = await pipelines.list(['alice'], {}, undefined, page());
    expect(alice.items.map((p) => p.name)).toEqual(['alice-pipe']);
    const versions = await pipelines.listVersions(ids.alicePipe, undefined, page());
    expect(versions.items.map((v) => [v.name, v.namespace])).toEqual([
      ['ir', 'alice'],
      ['argo', 'alice'],
    ]);
    expect((await pipelines.versionsByIds([ids.sharedV]))[0]?.namespace).toBe('');
    expect(await pipelines.byIds([ids.creating])).toEqual([]);
    expect(await pipelines.versionsByIds([ids.vDeleting])).toEqual([]);
    expect((await pipelines.latestVersions([ids.alicePipe]))[0]?.id).toBe(ids.v2);
  });

  it('stores a version spec as canonical JSON of the uploaded YAML (IR and Argo)', async () => {
    const [ir, argo] = await Promise.all([pipelines.versionsByIds([ids.v2]), pipelines.versionsByIds([ids.v1])]);
    expect(JSON.parse(ir[0]?.spec ?? '{}').pipelineInfo.name).toBe('simple-two-step-pipeline');
    expect(JSON.parse(argo[0]?.spec ?? '{}').kind).toBe('Workflow');
  });

  it("reads jobs: a NULL PipelineVersionId runs the pipeline's latest version, cron as KFP stores it, interval, flags", async () => {
    const listed = await jobs.list(['alice'], {}, 'CREATED_AT_ASC', page());
    const [nightly, hourly] = listed.items;
    expect(nightly).toMatchObject({
      name: 'nightly',
      pipeline_version_id: ids.v2,
      cron: '0 0 2 * * *',
      interval_seconds: null,
      start_at: (T + 3600) * 1000,
      end_at: null,
      enabled: 1,
      catchup: 1,
    });
    expect(hourly).toMatchObject({ name: 'hourly', pipeline_version_id: ids.v1, cron: null, interval_seconds: 3600, enabled: 0, catchup: 0 });
    expect((await jobs.list(['alice'], { enabled: false }, undefined, page())).items.map((j) => j.id)).toEqual([ids.intervalJob]);
    expect((await jobs.list(['alice'], {}, undefined, page())).items.map((j) => j.id)).not.toContain(ids.bobJob);
  });
});
