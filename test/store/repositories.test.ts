import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExperimentRepository } from '../../src/store/experiment-repository.js';
import { PipelineRepository } from '../../src/store/pipeline-repository.js';
import { RecurringRunRepository } from '../../src/store/recurring-run-repository.js';
import { RunRepository } from '../../src/store/run-repository.js';
import type { PageRequest } from '../../src/store/page-request.js';
import type { StoreHandle } from '../../src/store/store-handle.js';
import { createTestStore, DIALECTS } from '../support/databases.js';
import { experiment, pipeline, recurringRun, run, T0, version } from './store-fixtures.js';

/** Insert, byIds, filters, name search and namespace restriction of each repository, on each dialect. */
const ALL: PageRequest = { size: 200, backward: false, cursor: null };
const ids = (page: { items: readonly { id: string }[] }) => page.items.map((r) => r.id).sort();

describe.each(DIALECTS)('repositories on %s', (dialect) => {
  let store: StoreHandle;
  let experiments: ExperimentRepository;
  let pipelines: PipelineRepository;
  let runs: RunRepository;
  let recurring: RecurringRunRepository;

  beforeAll(async () => {
    store = await createTestStore(dialect);
    experiments = new ExperimentRepository(store.db);
    pipelines = new PipelineRepository(store.db);
    runs = new RunRepository(store.db);
    recurring = new RecurringRunRepository(store.db);
    // Names chosen to catch wildcards that leak: `_` and `%` must match only themselves, `!` is the escape.
    const names = ['Train_Model', 'train%model', 'trainXmodel', 'TRAINING', 'a!b', 'a!!b', 'plain'];
    for (const [i, name] of names.entries()) {
      await experiments.insert(experiment(`e-${i}`, 'team-a', name, T0 + i, i === 6 ? { storage_state: 'ARCHIVED' } : {}));
    }
    await experiments.insert(experiment('e-b', 'team-b', 'Train_Model', T0));
    await experiments.insert(experiment('e-c', 'team-c', 'Train_Model', T0));
    const p = pipeline('p-1', 'team-a', 'Train_Model', T0);
    await pipelines.insertWithVersion(p, version('v-1', p, 'v1', T0));
    await pipelines.insertWithVersion(pipeline('p-shared', '', 'shared', T0), null);
    await pipelines.insertWithVersion(pipeline('p-b', 'team-b', 'other', T0), null);
    await recurring.insert(recurringRun('j-1', 'team-a', 'e-0', 'v-1', 'nightly', T0, { enabled: 1 }));
    await recurring.insert(recurringRun('j-2', 'team-a', 'e-1', 'v-1', 'Weekly_Train', T0 + 1, { enabled: 0 }));
    const states = ['SUCCEEDED', 'FAILED', 'RUNNING', 'PENDING', 'SUCCEEDED', 'CANCELED'];
    for (const [i, state] of states.entries()) {
      await runs.insert(
        run(`r-${i}`, 'team-a', i < 3 ? 'e-0' : 'e-1', names[i] as string, T0 + i, {
          state,
          pipeline_version_id: 'v-1',
          ...(i === 5 ? { storage_state: 'ARCHIVED' } : {}),
          ...(i === 4 ? { recurring_run_id: 'j-1' } : {}),
        }),
      );
    }
    await runs.insert(run('r-b', 'team-b', 'e-b', 'Train_Model', T0));
    await runs.insert(run('r-c', 'team-c', 'e-c', 'Train_Model', T0));
  });
  afterAll(async () => store?.close());

  it('inserts and reads back rows by id, ignoring unknown ids, with no statement for no ids', async () => {
    expect((await experiments.byIds(['e-0', 'e-b', 'nope'])).map((r) => r.id).sort()).toEqual(['e-0', 'e-b']);
    const [row] = await runs.byIds(['r-1']);
    expect(row).toMatchObject({ id: 'r-1', namespace: 'team-a', state: 'FAILED', created_at: T0 + 1, pipeline_version_id: 'v-1', parameters: '{}' });
    expect(typeof row?.created_at).toBe('number');
    expect((await pipelines.byIds(['p-1']))[0]).toMatchObject({ name: 'Train_Model', namespace: 'team-a' });
    expect((await pipelines.versionsByIds(['v-1']))[0]).toMatchObject({ pipeline_id: 'p-1', namespace: 'team-a' });
    expect((await recurring.byIds(['j-2']))[0]).toMatchObject({ enabled: 0, name: 'Weekly_Train' });
    const before = store.statements.count;
    for (const call of [
      experiments.byIds([]),
      runs.byIds([]),
      pipelines.byIds([]),
      pipelines.versionsByIds([]),
      recurring.byIds([]),
      pipelines.latestVersions([]),
    ]) {
      expect(await call).toEqual([]);
    }
    expect(store.statements.count).toBe(before);
    expect(await experiments.byName('team-a', 'a!b')).toMatchObject({ id: 'e-4' });
    expect(await pipelines.byName('', 'shared')).toMatchObject({ id: 'p-shared' });
    expect(await recurring.byScheduledWorkflow('team-a', 'swf-j-1')).toMatchObject({ id: 'j-1' });
  });

  it('nameContains is case-insensitive and treats %, _ and ! literally', async () => {
    const search = async (text: string) => ids(await experiments.list(['team-a'], { nameContains: text }, undefined, ALL));
    expect(await search('train')).toEqual(['e-0', 'e-1', 'e-2', 'e-3']);
    expect(await search('TRAIN_')).toEqual(['e-0']);
    expect(await search('_')).toEqual(['e-0']);
    expect(await search('%')).toEqual(['e-1']);
    expect(await search('n%m')).toEqual(['e-1']);
    expect(await search('!')).toEqual(['e-4', 'e-5']);
    expect(await search('!!')).toEqual(['e-5']);
    expect(await search('a!b')).toEqual(['e-4']);
    expect(await search('xyz')).toEqual([]);
    // Every list offers the same search.
    expect(ids(await runs.list(['team-a'], { nameContains: 'N%m' }, undefined, ALL))).toEqual(['r-1']);
    expect(ids(await runs.list(['team-a'], { nameContains: 'N_M' }, undefined, ALL))).toEqual(['r-0']);
    expect(ids(await pipelines.list(['team-a'], { nameContains: 'l_M' }, undefined, ALL))).toEqual([]);
    expect(ids(await pipelines.list(['team-a'], { nameContains: 'N_m' }, undefined, ALL))).toEqual(['p-1']);
    expect(ids(await recurring.list(['team-a'], { nameContains: 'y_t' }, undefined, ALL))).toEqual(['j-2']);
  });

  it('filters runs by state, experiment, recurring run and storage state', async () => {
    expect(ids(await runs.list(['team-a'], { stateIn: ['SUCCEEDED'] }, undefined, ALL))).toEqual(['r-0', 'r-4']);
    expect(ids(await runs.list(['team-a'], { stateIn: ['FAILED', 'CANCELED'] }, undefined, ALL))).toEqual(['r-1', 'r-5']);
    expect(ids(await runs.list(['team-a'], { stateIn: [] }, undefined, ALL))).toHaveLength(6);
    expect(ids(await runs.list(['team-a'], { experimentId: 'e-1' }, undefined, ALL))).toEqual(['r-3', 'r-4', 'r-5']);
    expect(ids(await runs.list(['team-a'], { recurringRunId: 'j-1' }, undefined, ALL))).toEqual(['r-4']);
    expect(ids(await runs.list(['team-a'], { storageState: 'ARCHIVED' }, undefined, ALL))).toEqual(['r-5']);
    expect(ids(await runs.list(['team-a'], { storageState: 'AVAILABLE', experimentId: 'e-1', stateIn: ['SUCCEEDED', 'CANCELED'] }, undefined, ALL))).toEqual([
      'r-4',
    ]);
    // An experiment of another namespace filters to nothing: the namespace restriction still holds.
    expect(ids(await runs.list(['team-a'], { experimentId: 'e-b' }, undefined, ALL))).toEqual([]);
  });

  it('filters experiments by storage state and recurring runs by enabled and experiment', async () => {
    expect(ids(await experiments.list(['team-a'], { storageState: 'ARCHIVED' }, undefined, ALL))).toEqual(['e-6']);
    expect(ids(await experiments.list(['team-a'], { storageState: 'AVAILABLE' }, undefined, ALL))).toHaveLength(6);
    expect(ids(await recurring.list(['team-a'], { enabled: true }, undefined, ALL))).toEqual(['j-1']);
    expect(ids(await recurring.list(['team-a'], { enabled: false }, undefined, ALL))).toEqual(['j-2']);
    expect(ids(await recurring.list(['team-a'], { experimentId: 'e-1' }, undefined, ALL))).toEqual(['j-2']);
  });

  it('lists across namespaces restricted to the given ones in SQL: full pages, one statement, nothing else', async () => {
    expect(ids(await experiments.list(['team-a', 'team-b'], { nameContains: 'Train_Model' }, undefined, ALL))).toEqual(['e-0', 'e-b']);
    expect(ids(await runs.list(['team-b', 'team-c'], {}, undefined, ALL))).toEqual(['r-b', 'r-c']);
    expect(ids(await pipelines.list(['team-b', ''], {}, undefined, ALL))).toEqual(['p-b', 'p-shared']);
    // A page of two across team-a and team-c is full even though team-b rows sort between them.
    const before = store.statements.count;
    const page = await runs.list(['team-a', 'team-c'], {}, 'CREATED_AT_ASC', { size: 2, backward: false, cursor: null });
    expect(store.statements.count - before).toBe(1);
    expect(page.items.map((r) => r.id)).toEqual(['r-0', 'r-c']);
    expect(page.hasNextPage).toBe(true);
    // No namespace at all: nothing, without asking the database.
    const none = store.statements.count;
    for (const list of [
      experiments.list([], {}, undefined, ALL),
      runs.list([], {}, undefined, ALL),
      pipelines.list([], {}, undefined, ALL),
      recurring.list([], {}, undefined, ALL),
    ]) {
      expect((await list).items).toEqual([]);
    }
    expect(store.statements.count).toBe(none);
  });

  it('counts runs per experiment in one statement', async () => {
    const before = store.statements.count;
    const counts = await runs.countByExperiments(['e-0', 'e-1', 'e-2']);
    expect(store.statements.count - before).toBe(1);
    expect(Object.fromEntries(counts)).toEqual({ 'e-0': 3, 'e-1': 3 });
  });

  it('updates and deletes rows', async () => {
    await experiments.insert(experiment('e-tmp', 'team-a', 'temporary', T0));
    await experiments.update('e-tmp', { description: 'changed', storage_state: 'ARCHIVED' });
    expect((await experiments.byIds(['e-tmp']))[0]).toMatchObject({ description: 'changed', storage_state: 'ARCHIVED' });
    await experiments.delete('e-tmp');
    expect(await experiments.byIds(['e-tmp'])).toEqual([]);
    await runs.insert(run('r-tmp', 'team-a', 'e-0', 'tmp', T0));
    await runs.update('r-tmp', { state: 'RUNNING', updated_at: T0 + 5 });
    expect((await runs.byIds(['r-tmp']))[0]).toMatchObject({ state: 'RUNNING', updated_at: T0 + 5 });
    await runs.delete('r-tmp');
    expect(await runs.byIds(['r-tmp'])).toEqual([]);
  });
});

describe.each(DIALECTS)('pipeline versions on %s', (dialect) => {
  let store: StoreHandle;
  let pipelines: PipelineRepository;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    pipelines = new PipelineRepository(store.db);
  });
  afterAll(async () => store?.close());

  it('latestVersions picks the newest version of each pipeline in one statement, the id breaking a tie', async () => {
    const p1 = pipeline('p-1', 'ns', 'one', T0);
    const p2 = pipeline('p-2', 'ns', 'two', T0);
    const p3 = pipeline('p-3', 'ns', 'three', T0);
    await pipelines.insertWithVersion(p1, version('v-1a', p1, 'a', T0));
    await pipelines.insertVersion(version('v-1c', p1, 'c', T0 + 2000));
    await pipelines.insertVersion(version('v-1b', p1, 'b', T0 + 1000));
    await pipelines.insertWithVersion(p2, version('v-2a', p2, 'a', T0 + 5000));
    await pipelines.insertVersion(version('v-2b', p2, 'b', T0 + 5000));
    await pipelines.insertWithVersion(p3, null);
    const before = store.statements.count;
    const latest = await pipelines.latestVersions(['p-1', 'p-2', 'p-3', 'missing']);
    expect(store.statements.count - before).toBe(1);
    expect(latest.map((v) => `${v.pipeline_id}:${v.id}`).sort()).toEqual(['p-1:v-1c', 'p-2:v-2b']);
  });

  it('writes a pipeline and its first version together or not at all', async () => {
    const p = pipeline('p-atomic', 'ns', 'atomic', T0);
    // The version reuses an existing version id, so its INSERT fails after the pipeline's succeeded.
    await expect(pipelines.insertWithVersion(p, version('v-1a', p, 'x', T0))).rejects.toThrow();
    expect(await pipelines.byIds(['p-atomic'])).toEqual([]);
    expect(await pipelines.byName('ns', 'atomic')).toBeUndefined();
  });

  it('deleting a pipeline deletes its versions and keeps its runs, without their version', async () => {
    const p = pipeline('p-del', 'ns', 'deleted', T0);
    await pipelines.insertWithVersion(p, version('v-del', p, 'v1', T0));
    await store.db
      .insertInto('experiments')
      .values(experiment('e-1', 'ns', 'e', T0))
      .execute();
    await store.db
      .insertInto('runs')
      .values(run('r-1', 'ns', 'e-1', 'r', T0, { pipeline_version_id: 'v-del' }))
      .execute();
    expect(await pipelines.versionIdsOf('p-del')).toEqual(['v-del']);
    await pipelines.delete('p-del');
    expect(await pipelines.byIds(['p-del'])).toEqual([]);
    expect(await pipelines.versionsByIds(['v-del'])).toEqual([]);
    const [kept] = await new RunRepository(store.db).byIds(['r-1']);
    expect(kept).toMatchObject({ id: 'r-1', pipeline_version_id: null });
  });
});
