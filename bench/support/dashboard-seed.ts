import type { Kysely } from 'kysely';
import { MetadataWriter } from '../../src/mlmd/metadata-writer.js';
import type { RecordedExecution } from '../../src/mlmd/run-record.js';
import type { Database, ExperimentRow, PipelineRow, PipelineVersionRow, RunRow } from '../../src/store/database.js';
import { run } from '../../test/support/run-row.js';
import type { StoreHandle } from '../../src/store/store-handle.js';

/**
 * Seeds the rows the dashboard query reads, shared by the statement-count test and the benchmark: per
 * namespace a pipeline with a version, a few experiments, `runs` runs (bulk-inserted in chunks) and, for the
 * newest `withMetadata` of them, 2–3 MLMD executions with outputs recorded as the sync controller records them.
 */
export interface DashboardSeed {
  readonly namespace: string;
  readonly runs: number;
  /** How many of the newest runs get MLMD executions; default all. */
  readonly withMetadata?: number;
  readonly experiments?: number;
  /** Epoch ms of the oldest run; runs are one second apart. Default 2024-01-01. */
  readonly start?: number;
}

export interface SeededNamespace {
  readonly namespace: string;
  readonly experimentIds: readonly string[];
  readonly versionId: string;
  /** Newest first, as the dashboard lists them. */
  readonly runIds: readonly string[];
}

const INSERT_CHUNK = 1_000;
const T0 = Date.UTC(2024, 0, 1);

export async function seedDashboard(store: StoreHandle, seed: DashboardSeed): Promise<SeededNamespace> {
  const db = store.db;
  const start = seed.start ?? T0;
  const ns = seed.namespace;
  const pipeline: PipelineRow = { id: `${ns}-pipeline`, namespace: ns, name: `${ns}-pipeline`, description: '', created_at: start };
  const version: PipelineVersionRow = {
    id: `${ns}-pipeline-v1`,
    pipeline_id: pipeline.id,
    namespace: ns,
    name: 'v1',
    description: '',
    spec: '{"apiVersion":"argoproj.io/v1alpha1","kind":"Workflow","spec":{"entrypoint":"main","templates":[{"name":"main","container":{"image":"busybox"}}]}}',
    created_at: start,
  };
  await db.insertInto('pipelines').values(pipeline).execute();
  await db.insertInto('pipeline_versions').values(version).execute();
  const experiments: ExperimentRow[] = Array.from({ length: seed.experiments ?? 3 }, (_, i) => ({
    id: `${ns}-exp-${i}`,
    namespace: ns,
    name: `experiment-${i}`,
    description: '',
    storage_state: 'AVAILABLE',
    created_at: start + i,
  }));
  await db.insertInto('experiments').values(experiments).execute();

  const runIds: string[] = [];
  for (let from = 0; from < seed.runs; from += INSERT_CHUNK) {
    const rows: RunRow[] = [];
    for (let i = from; i < Math.min(seed.runs, from + INSERT_CHUNK); i += 1) {
      const id = runId(ns, i);
      runIds.push(id);
      rows.push(runRow(id, ns, (experiments[i % experiments.length] as ExperimentRow).id, version.id, start + i * 1_000, i));
    }
    await insertRuns(db, rows);
  }
  runIds.reverse();

  const writer = new MetadataWriter(db, store.dialect);
  const withMetadata = Math.min(seed.withMetadata ?? seed.runs, seed.runs);
  for (const id of runIds.slice(0, withMetadata)) {
    await writer.recordRun({ runId: id, namespace: ns, pipelineName: pipeline.name, executions: executionsOf(id, ns, start) }, start);
  }
  return { namespace: ns, experimentIds: experiments.map((e) => e.id), versionId: version.id, runIds };
}

async function insertRuns(db: Kysely<Database>, rows: readonly RunRow[]): Promise<void> {
  // One multi-row INSERT per chunk; PostgreSQL's 65,535 bind parameters allow ~3,000 rows of 20 columns.
  const half = Math.ceil(rows.length / 2);
  const parts = rows.length * 20 > 30_000 ? [rows.slice(0, half), rows.slice(half)] : [rows];
  for (const part of parts)
    if (part.length > 0)
      await db
        .insertInto('runs')
        .values([...part])
        .execute();
}

const STATES = ['SUCCEEDED', 'RUNNING', 'FAILED', 'PENDING', 'CANCELED', 'SKIPPED', 'PAUSED', 'CANCELING'] as const;

export function runId(namespace: string, i: number): string {
  return `${namespace}-run-${String(i).padStart(7, '0')}`;
}

function runRow(id: string, namespace: string, experimentId: string, versionId: string, createdAt: number, i: number): RunRow {
  return run(id, namespace, experimentId, `run-${i}`, createdAt, {
    pipeline_version_id: versionId,
    state: STATES[i % STATES.length] as string,
    scheduled_at: createdAt,
  });
}

/** prepare → dataset → train → model, and every third run an evaluate step writing metrics. */
export function executionsOf(run: string, namespace: string, at: number): RecordedExecution[] {
  const root = `s3://mlpipeline/v2/artifacts/${namespace}/${run}`;
  const dataset = { uri: `${root}/prepare/dataset`, name: 'dataset', type: 'system.Dataset' };
  const model = { uri: `${root}/train/model`, name: 'model', type: 'system.Model' };
  const base = { type: 'system.ContainerExecution' as const, state: 'COMPLETE' as const, createdAt: at, updatedAt: at + 1 };
  const executions: RecordedExecution[] = [
    { ...base, key: `${run}/prepare`, name: 'prepare', outputs: [dataset] },
    { ...base, key: `${run}/train`, name: 'train', inputs: [dataset], outputs: [model] },
  ];
  if (Number(run.slice(-1)) % 3 === 0) {
    executions.push({
      ...base,
      key: `${run}/evaluate`,
      name: 'evaluate',
      inputs: [model],
      outputs: [{ uri: `${root}/evaluate/metrics`, name: 'metrics', type: 'system.Metrics' }],
    });
  }
  return executions;
}
