import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { openStore, type StoreHandle } from '../../src/store/store-handle.js';
import { createTestDatabase } from './databases.js';
import { UPSTREAM_FIXTURES } from './upstream-fixtures.js';

/**
 * Test support (never product code): a fresh database holding KFP's `mlpipeline` tables exactly as KFP's GORM
 * AutoMigrate creates them (test/fixtures/upstream/kfp-db/), and a writer that fills them the way KFP's API
 * server and persistence agent do — v2 rows, legacy v1 rows, archived rows, shared and namespaced pipelines.
 */
export type KfpDialect = 'postgres' | 'mysql';
export const KFP_DIALECTS: readonly KfpDialect[] = ['postgres', 'mysql'];

type Loose = Record<string, Record<string, unknown>>;

export interface KfpTestDatabase {
  readonly dialect: KfpDialect;
  /** What kfp-graph is given as KFP_DATABASE_URL. */
  readonly url: string;
  readonly writer: KfpRowWriter;
  close(): Promise<void>;
}

/** KFP's DDL, statement by statement, without its comments. */
function kfpStatements(dialect: KfpDialect): string[] {
  const file = dialect === 'postgres' ? 'mlpipeline_postgresql.sql' : 'mlpipeline_mysql.sql';
  const text = readFileSync(`${UPSTREAM_FIXTURES}kfp-db/${file}`, 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n');
  return text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export async function createKfpTestDatabase(dialect: KfpDialect): Promise<KfpTestDatabase> {
  const database = await createTestDatabase(dialect);
  const store: StoreHandle<Loose> = openStore<Loose>(database.url, { poolSize: 2 });
  for (const statement of kfpStatements(dialect)) await sql.raw(statement).execute(store.db);
  return {
    dialect,
    url: database.url,
    writer: new KfpRowWriter(store.db),
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}

export interface ExperimentSeed {
  readonly id?: string;
  readonly namespace: string;
  readonly name: string;
  readonly createdAtSec: number;
  readonly storageState?: string;
  /** v1 rows: the namespace only in resource_references. */
  readonly legacy?: boolean;
}

export interface PipelineSeed {
  readonly id?: string;
  /** '' or '-' for a shared pipeline, as KFP writes it. */
  readonly namespace: string | null;
  readonly name: string;
  readonly createdAtSec: number;
  readonly status?: string;
}

export interface VersionSeed {
  readonly id?: string;
  readonly pipelineId: string;
  readonly name: string;
  readonly spec: string;
  readonly createdAtSec: number;
  readonly status?: string;
}

export interface RunSeed {
  readonly id?: string;
  readonly namespace: string;
  readonly experimentId: string;
  readonly name: string;
  readonly createdAtSec: number;
  readonly pipelineId?: string;
  readonly pipelineVersionId?: string | null;
  readonly jobId?: string | null;
  /** v2 State; NULL in legacy rows. */
  readonly state?: string | null;
  readonly conditions?: string;
  readonly storageState?: string;
  readonly scheduledAtSec?: number;
  readonly finishedAtSec?: number;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly workflowManifest?: string;
  /** v1 rows: Namespace column empty, State NULL, Parameters as [{name, value}], references in resource_references. */
  readonly legacy?: boolean;
}

export interface JobSeed {
  readonly id?: string;
  readonly namespace: string;
  readonly experimentId: string;
  readonly name: string;
  readonly createdAtSec: number;
  readonly pipelineId: string;
  readonly pipelineVersionId?: string | null;
  readonly cron?: string | null;
  readonly intervalSeconds?: number | null;
  readonly enabled?: boolean;
  readonly noCatchup?: boolean;
  readonly maxConcurrency?: number;
  readonly startSec?: number;
  readonly endSec?: number;
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** Inserts rows with every NOT NULL column KFP fills, in KFP's spellings. */
export class KfpRowWriter {
  constructor(readonly db: Kysely<Loose>) {}

  async experiment(seed: ExperimentSeed): Promise<string> {
    const id = seed.id ?? randomUUID();
    await this.db
      .insertInto('experiments')
      .values({
        UUID: id,
        Name: seed.name,
        Description: `${seed.name} experiment`,
        CreatedAtInSec: seed.createdAtSec,
        LastRunCreatedAtInSec: 0,
        Namespace: seed.legacy ? '' : seed.namespace,
        StorageState: seed.storageState ?? (seed.legacy ? 'STORAGESTATE_AVAILABLE' : 'AVAILABLE'),
      })
      .execute();
    if (seed.legacy) await this.reference(id, 'Experiment', seed.namespace, 'Namespace', 'Owner');
    return id;
  }

  async pipeline(seed: PipelineSeed): Promise<string> {
    const id = seed.id ?? randomUUID();
    await this.db
      .insertInto('pipelines')
      .values({
        UUID: id,
        CreatedAtInSec: seed.createdAtSec,
        Name: seed.name,
        DisplayName: seed.name,
        Description: `${seed.name} pipeline`,
        Parameters: null,
        Status: seed.status ?? 'READY',
        DefaultVersionId: null,
        Namespace: seed.namespace,
      })
      .execute();
    return id;
  }

  async version(seed: VersionSeed): Promise<string> {
    const id = seed.id ?? randomUUID();
    await this.db
      .insertInto('pipeline_versions')
      .values({
        UUID: id,
        CreatedAtInSec: seed.createdAtSec,
        Name: seed.name,
        DisplayName: seed.name,
        Parameters: '[]',
        PipelineId: seed.pipelineId,
        Status: seed.status ?? 'READY',
        CodeSourceUrl: null,
        Description: `${seed.name} version`,
        PipelineSpec: seed.spec,
        PipelineSpecURI: '',
      })
      .execute();
    return id;
  }

  async run(seed: RunSeed): Promise<string> {
    const id = seed.id ?? randomUUID();
    const legacy = seed.legacy ?? false;
    const parameters = seed.parameters ?? {};
    await this.db
      .insertInto('run_details')
      .values({
        UUID: id,
        DisplayName: seed.name,
        Name: `${seed.name}-${id.slice(0, 5)}`,
        Description: '',
        Namespace: legacy ? '' : seed.namespace,
        ExperimentUUID: seed.experimentId,
        JobUUID: seed.jobId ?? null,
        StorageState: seed.storageState ?? (legacy ? 'STORAGESTATE_AVAILABLE' : 'AVAILABLE'),
        ServiceAccount: 'pipeline-runner',
        PipelineId: seed.pipelineId ?? '',
        PipelineVersionId: seed.pipelineVersionId ?? null,
        PipelineName: '',
        Parameters: legacy ? JSON.stringify(Object.entries(parameters).map(([name, value]) => ({ name, value }))) : null,
        RuntimeParameters: legacy ? null : JSON.stringify(parameters),
        CreatedAtInSec: seed.createdAtSec,
        ScheduledAtInSec: seed.scheduledAtSec ?? seed.createdAtSec,
        FinishedAtInSec: seed.finishedAtSec ?? 0,
        Conditions: seed.conditions ?? (legacy ? 'Running' : ''),
        State: legacy ? null : (seed.state ?? 'PENDING'),
        PipelineRuntimeManifest: '',
        WorkflowRuntimeManifest: seed.workflowManifest ?? '',
      })
      .execute();
    if (legacy) {
      await this.reference(id, 'Run', seed.namespace, 'Namespace', 'Owner');
      await this.reference(id, 'Run', seed.experimentId, 'Experiment', 'Owner');
    }
    return id;
  }

  async job(seed: JobSeed): Promise<string> {
    const id = seed.id ?? randomUUID();
    const cron = seed.cron ?? null;
    await this.db
      .insertInto('jobs')
      .values({
        UUID: id,
        DisplayName: seed.name,
        Name: `${seed.name}-${id.slice(0, 5)}`,
        Namespace: seed.namespace,
        ServiceAccount: 'pipeline-runner',
        Description: '',
        MaxConcurrency: seed.maxConcurrency ?? 1,
        NoCatchup: seed.noCatchup ?? false,
        CreatedAtInSec: seed.createdAtSec,
        UpdatedAtInSec: seed.createdAtSec,
        Enabled: seed.enabled ?? true,
        ExperimentUUID: seed.experimentId,
        CronScheduleStartTimeInSec: cron ? (seed.startSec ?? 0) : null,
        CronScheduleEndTimeInSec: cron ? (seed.endSec ?? 0) : null,
        Schedule: cron,
        PeriodicScheduleStartTimeInSec: cron ? null : (seed.startSec ?? 0),
        PeriodicScheduleEndTimeInSec: cron ? null : (seed.endSec ?? 0),
        IntervalSecond: cron ? null : (seed.intervalSeconds ?? 3600),
        PipelineId: seed.pipelineId,
        PipelineVersionId: seed.pipelineVersionId ?? null,
        PipelineName: '',
        RuntimeParameters: JSON.stringify(seed.parameters ?? {}),
        Conditions: (seed.enabled ?? true) ? 'ENABLED' : 'DISABLED',
      })
      .execute();
    return id;
  }

  async reference(resourceId: string, resourceType: string, referenceId: string, referenceType: string, relationship: string): Promise<void> {
    await this.db
      .insertInto('resource_references')
      .values({
        ResourceUUID: resourceId,
        ResourceType: resourceType,
        ReferenceUUID: referenceId,
        ReferenceName: referenceId,
        ReferenceType: referenceType,
        Relationship: relationship,
        Payload: '{}',
      })
      .execute();
  }

  async update(table: string, id: string, changes: Readonly<Record<string, unknown>>): Promise<void> {
    await this.db.updateTable(table).set(changes).where('UUID', '=', id).execute();
  }

  async remove(table: string, id: string): Promise<void> {
    await this.db.deleteFrom(table).where('UUID', '=', id).execute();
  }
}
