import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError, NotFoundError, UnavailableError } from '../../src/errors/domain-errors.js';
import { ExperimentService, type ExperimentSchedules } from '../../src/experiments/experiment-service.js';
import { StaticNamespaceDirectory } from '../../src/kube/namespace-directory.js';
import { PipelineService } from '../../src/pipelines/pipeline-service.js';
import { RecurringRunRepository } from '../../src/store/recurring-run-repository.js';
import type { StoreHandle } from '../../src/store/store-handle.js';
import { createTestStore, DIALECTS } from '../support/databases.js';
import { recurringRun, run, T0 } from './store-fixtures.js';

/** The business rules of experiments and pipelines over a real database of each dialect. */
const DIAMOND = readFileSync(new URL('../fixtures/upstream/argo/dag-diamond.yaml', import.meta.url), 'utf8');
const directory = new StaticNamespaceDirectory(['team-a', 'team-b']);

async function rowCount(store: StoreHandle, table: 'experiments' | 'pipelines' | 'pipeline_versions' | 'runs'): Promise<number> {
  const row = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The cluster side of archiving, over the real repository: records which recurring runs it was asked to disable,
 * reading them in pages of 2 so the keyset walk is exercised; `refuse` makes it fail as a cluster would.
 */
class RecordingSchedules implements ExperimentSchedules {
  readonly disabled: string[] = [];
  refuse = false;
  constructor(private readonly store: () => StoreHandle) {}
  async disableScheduledWorkflows(experimentId: string): Promise<void> {
    if (this.refuse) throw new UnavailableError('the cluster did not accept the disable; try again');
    for await (const row of new RecurringRunRepository(this.store().db).allOfExperiment(experimentId, 2)) this.disabled.push(row.id);
  }
}

describe.each(DIALECTS)('ExperimentService on %s', (dialect) => {
  let store: StoreHandle;
  let service: ExperimentService;
  const schedules = new RecordingSchedules(() => store);
  beforeAll(async () => {
    store = await createTestStore(dialect);
    service = new ExperimentService(store.db, directory, schedules, () => T0);
  });
  afterAll(async () => store?.close());

  it('creates an experiment with a trimmed name', async () => {
    const created = await service.create({ namespace: 'team-a', name: '  first  ', description: 'd' });
    expect(created).toMatchObject({ namespace: 'team-a', name: 'first', description: 'd', storage_state: 'AVAILABLE', created_at: T0 });
    expect(await service.get(created.id)).toEqual(created);
  });

  it('refuses a duplicate name in the same namespace with CONFLICT, and allows it in another', async () => {
    await service.create({ namespace: 'team-a', name: 'dup' });
    const before = await rowCount(store, 'experiments');
    await expect(service.create({ namespace: 'team-a', name: 'dup' })).rejects.toBeInstanceOf(ConflictError);
    await expect(service.create({ namespace: 'team-a', name: ' dup ' })).rejects.toThrow(/an experiment named "dup" already exists in namespace team-a/);
    expect(await rowCount(store, 'experiments')).toBe(before);
    await expect(service.create({ namespace: 'team-b', name: 'dup' })).resolves.toMatchObject({ namespace: 'team-b' });
  });

  it('refuses a rename onto an existing name with CONFLICT and changes nothing', async () => {
    const other = await service.create({ namespace: 'team-a', name: 'rename-me' });
    await expect(service.update(other.id, { name: 'dup' })).rejects.toBeInstanceOf(ConflictError);
    expect((await service.get(other.id)).name).toBe('rename-me');
    await expect(service.update(other.id, { name: 'renamed', description: 'new' })).resolves.toMatchObject({ name: 'renamed', description: 'new' });
  });

  it('refuses bad input: empty name, unknown namespace, unknown id', async () => {
    await expect(service.create({ namespace: 'team-a', name: '   ' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { path: 'input.name' } });
    await expect(service.create({ namespace: 'team-a', name: 'x'.repeat(256) })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(service.create({ namespace: 'nowhere', name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.get('missing')).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.delete('missing')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('archiving archives its runs (and only its runs); unarchiving restores the experiment', async () => {
    const exp = await service.create({ namespace: 'team-a', name: 'archive-me' });
    const keep = await service.create({ namespace: 'team-a', name: 'keep' });
    await store.db
      .insertInto('runs')
      .values([run('ar-1', 'team-a', exp.id, 'r1', T0), run('ar-2', 'team-a', exp.id, 'r2', T0), run('kr-1', 'team-a', keep.id, 'k', T0)])
      .execute();
    await expect(service.setStorageState(exp.id, 'ARCHIVED')).resolves.toMatchObject({ storage_state: 'ARCHIVED' });
    const states = await store.db.selectFrom('runs').select(['id', 'storage_state']).where('id', 'in', ['ar-1', 'ar-2', 'kr-1']).orderBy('id').execute();
    expect(states).toEqual([
      { id: 'ar-1', storage_state: 'ARCHIVED' },
      { id: 'ar-2', storage_state: 'ARCHIVED' },
      { id: 'kr-1', storage_state: 'AVAILABLE' },
    ]);
    await expect(service.setStorageState(exp.id, 'AVAILABLE')).resolves.toMatchObject({ storage_state: 'AVAILABLE' });
    expect((await service.get(exp.id)).storage_state).toBe('AVAILABLE');
  });

  it('archiving disables its recurring runs (cluster first, then the rows); unarchiving does not re-enable them (KFP ArchiveExperiment)', async () => {
    const exp = await service.create({ namespace: 'team-a', name: 'scheduled-archive' });
    const keep = await service.create({ namespace: 'team-a', name: 'scheduled-keep' });
    const pipelines = new PipelineService(store.db, directory, 1 << 20, () => T0);
    const { version } = await pipelines.create({ namespace: 'team-a', name: 'for-schedules', version: { name: 'v1', spec: DIAMOND } });
    const v = version?.id as string;
    await store.db
      .insertInto('recurring_runs')
      .values([
        recurringRun('sa-1', 'team-a', exp.id, v, 'one', T0),
        recurringRun('sa-2', 'team-a', exp.id, v, 'two', T0),
        recurringRun('sa-3', 'team-a', exp.id, v, 'three', T0, { enabled: 0 }),
        recurringRun('sk-1', 'team-a', keep.id, v, 'kept', T0),
      ])
      .execute();
    const enabled = async () =>
      (await store.db.selectFrom('recurring_runs').select(['id', 'enabled']).where('id', 'in', ['sa-1', 'sa-2', 'sa-3', 'sk-1']).orderBy('id').execute()).map(
        (r) => [r.id, Number(r.enabled)],
      );

    // The cluster refuses: nothing is archived, nothing disabled.
    schedules.refuse = true;
    await expect(service.setStorageState(exp.id, 'ARCHIVED')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect((await service.get(exp.id)).storage_state).toBe('AVAILABLE');
    expect(await enabled()).toEqual([
      ['sa-1', 1],
      ['sa-2', 1],
      ['sa-3', 0],
      ['sk-1', 1],
    ]);

    schedules.refuse = false;
    await service.setStorageState(exp.id, 'ARCHIVED');
    // Every ScheduledWorkflow of the experiment is patched, the disabled one too (KFP patches them all).
    expect([...schedules.disabled].sort()).toEqual(['sa-1', 'sa-2', 'sa-3']);
    expect(await enabled()).toEqual([
      ['sa-1', 0],
      ['sa-2', 0],
      ['sa-3', 0],
      ['sk-1', 1],
    ]);

    schedules.disabled.length = 0;
    await service.setStorageState(exp.id, 'AVAILABLE');
    expect(schedules.disabled).toEqual([]);
    expect(await enabled()).toEqual([
      ['sa-1', 0],
      ['sa-2', 0],
      ['sa-3', 0],
      ['sk-1', 1],
    ]);
  });

  it('refuses to delete an experiment that still has runs or recurring runs (CONFLICT), and deletes an empty one', async () => {
    const withRuns = await service.create({ namespace: 'team-a', name: 'has-runs' });
    await store.db
      .insertInto('runs')
      .values(run('dr-1', 'team-a', withRuns.id, 'r', T0))
      .execute();
    await expect(service.delete(withRuns.id)).rejects.toBeInstanceOf(ConflictError);
    expect((await service.get(withRuns.id)).id).toBe(withRuns.id);

    const pipelines = new PipelineService(store.db, directory, 1 << 20, () => T0);
    const { version } = await pipelines.create({ namespace: 'team-a', name: 'for-schedule', version: { name: 'v1', spec: DIAMOND } });
    const withSchedule = await service.create({ namespace: 'team-a', name: 'has-schedule' });
    await store.db
      .insertInto('recurring_runs')
      .values(recurringRun('dj-1', 'team-a', withSchedule.id, version?.id as string, 'nightly', T0))
      .execute();
    await expect(service.delete(withSchedule.id)).rejects.toThrow(/still has runs or recurring runs/);

    const empty = await service.create({ namespace: 'team-a', name: 'empty' });
    await expect(service.delete(empty.id)).resolves.toMatchObject({ id: empty.id });
    await expect(service.get(empty.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe.each(DIALECTS)('PipelineService on %s', (dialect) => {
  let store: StoreHandle;
  let service: PipelineService;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    service = new PipelineService(store.db, directory, 4096, () => T0);
  });
  afterAll(async () => store?.close());

  it('creates a namespaced pipeline with its first version, the spec stored as canonical JSON', async () => {
    const { pipeline, version } = await service.create({ namespace: 'team-a', name: 'diamond', version: { name: 'v1', spec: DIAMOND } });
    expect(pipeline).toMatchObject({ namespace: 'team-a', name: 'diamond' });
    expect(version).toMatchObject({ pipeline_id: pipeline.id, namespace: 'team-a', name: 'v1' });
    expect(JSON.parse(version?.spec as string)).toMatchObject({ kind: 'Workflow' });
    expect(await service.getVersion(version?.id as string)).toEqual(version);
  });

  it('creates a shared pipeline (namespace "") and allows a namespaced one of the same name', async () => {
    const shared = await service.create({ namespace: null, name: 'same', version: null });
    expect(shared.pipeline.namespace).toBe('');
    expect(shared.version).toBeNull();
    await expect(service.create({ namespace: 'team-a', name: 'same' })).resolves.toMatchObject({ pipeline: { namespace: 'team-a' } });
    await expect(service.create({ namespace: null, name: 'same' })).rejects.toThrow(/already exists among shared pipelines/);
  });

  it('an invalid spec writes nothing: no pipeline row, no version row', async () => {
    const before = [await rowCount(store, 'pipelines'), await rowCount(store, 'pipeline_versions')];
    const bad = ['{ not: yaml: [', '- a\n- list\n', 'apiVersion: v1\nkind: ConfigMap\n', `kind: Workflow\n# ${'x'.repeat(5000)}\n`];
    for (const spec of bad) {
      const error = await service.create({ namespace: 'team-a', name: 'broken', version: { name: 'v1', spec } }).catch((e: unknown) => e);
      expect(error, spec.slice(0, 20)).toBeInstanceOf(InvalidInputError);
      expect(String((error as InvalidInputError).details.path)).toMatch(/^input\.version\.spec/);
    }
    expect([await rowCount(store, 'pipelines'), await rowCount(store, 'pipeline_versions')]).toEqual(before);
    expect(await service.repository.byName('team-a', 'broken')).toBeUndefined();
  });

  it("refuses a Workflow that breaks Argo's CRD schema, naming the field, and writes nothing", async () => {
    const mistyped = DIAMOND.replace(/entrypoint: (\S+)/, 'entrypoint: $1\n  parallelism: "lots"');
    expect(mistyped).not.toBe(DIAMOND);
    const error = await service.create({ namespace: 'team-a', name: 'mistyped', version: { name: 'v1', spec: mistyped } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).details.path).toBe('input.version.spec.spec.parallelism');
    expect((error as InvalidInputError).message).toMatch(/spec\.parallelism.*integer/);
    expect(await service.repository.byName('team-a', 'mistyped')).toBeUndefined();
  });

  it('refuses duplicates with CONFLICT: pipeline name per namespace, version name per pipeline', async () => {
    await expect(service.create({ namespace: 'team-a', name: 'diamond' })).rejects.toBeInstanceOf(ConflictError);
    const p = (await service.repository.byName('team-a', 'diamond'))?.id as string;
    const v2 = await service.createVersion(p, { name: 'v2', spec: DIAMOND });
    expect(v2).toMatchObject({ pipeline_id: p, name: 'v2' });
    const before = await rowCount(store, 'pipeline_versions');
    await expect(service.createVersion(p, { name: 'v2', spec: DIAMOND })).rejects.toBeInstanceOf(ConflictError);
    await expect(service.createVersion(p, { name: 'v3', spec: 'kind: [' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await rowCount(store, 'pipeline_versions')).toBe(before);
    await expect(service.updateVersion(v2.id, { name: 'v1' })).rejects.toBeInstanceOf(ConflictError);
    await expect(service.update(p, { name: 'same' })).rejects.toBeInstanceOf(ConflictError);
    await expect(service.update(p, { description: 'a diamond' })).resolves.toMatchObject({ name: 'diamond', description: 'a diamond' });
  });

  it('refuses an unknown namespace and an empty name', async () => {
    await expect(service.create({ namespace: 'nowhere', name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.create({ namespace: 'team-a', name: '' })).rejects.toMatchObject({ details: { path: 'input.name' } });
    await expect(service.create({ namespace: 'team-a', name: 'ok', version: { name: ' ', spec: DIAMOND } })).rejects.toMatchObject({
      details: { path: 'input.version.name' },
    });
    expect(await service.repository.byName('team-a', 'ok')).toBeUndefined();
  });

  it('refuses to delete a pipeline or version a recurring run uses; deletes otherwise', async () => {
    const { pipeline, version } = await service.create({ namespace: 'team-a', name: 'scheduled', version: { name: 'v1', spec: DIAMOND } });
    const experiments = new ExperimentService(store.db, directory, new RecordingSchedules(() => store), () => T0);
    const exp = await experiments.create({ namespace: 'team-a', name: 'e' });
    await store.db
      .insertInto('recurring_runs')
      .values(recurringRun('pj-1', 'team-a', exp.id, version?.id as string, 'nightly', T0))
      .execute();
    await expect(service.delete(pipeline.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(service.deleteVersion(version?.id as string)).rejects.toBeInstanceOf(ConflictError);
    await store.db.deleteFrom('recurring_runs').where('id', '=', 'pj-1').execute();
    await expect(service.deleteVersion(version?.id as string)).resolves.toMatchObject({ id: version?.id });
    await expect(service.delete(pipeline.id)).resolves.toMatchObject({ id: pipeline.id });
    await expect(service.get(pipeline.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
