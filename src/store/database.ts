import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { MetadataTables } from '../mlmd/metadata-tables.js';

/**
 * kfp-graph's own tables. Times are milliseconds since the epoch in BIGINT columns (as ML-Metadata stores
 * them), so ordering and keyset cursors behave the same on SQLite, PostgreSQL and MySQL. Flags are 0/1
 * integers for the same reason. A pipeline's `namespace` is '' when it is shared, as in KFP's own store.
 */
export type StorageState = 'AVAILABLE' | 'ARCHIVED';

export interface ExperimentTable {
  id: string;
  namespace: string;
  name: string;
  description: string;
  storage_state: StorageState;
  created_at: number;
}

export interface PipelineTable {
  id: string;
  namespace: string;
  name: string;
  description: string;
  created_at: number;
}

export interface PipelineVersionTable {
  id: string;
  pipeline_id: string;
  /** Copied from the pipeline so that scoping a version never needs a join. */
  namespace: string;
  name: string;
  description: string;
  /** The canonical JSON of the Argo Workflow the version runs. */
  spec: string;
  created_at: number;
}

export interface RunTable {
  id: string;
  namespace: string;
  experiment_id: string;
  pipeline_version_id: string | null;
  recurring_run_id: string | null;
  name: string;
  description: string;
  state: string;
  storage_state: StorageState;
  /** JSON object of parameter name to value. */
  parameters: string;
  service_account: string;
  workflow_name: string | null;
  /** JSON of the Workflow's last known status, kept after the Workflow is garbage-collected. */
  workflow_status: string | null;
  /** resourceVersion of the Workflow the snapshot came from; replays of older events change nothing. */
  workflow_resource_version: string | null;
  created_by: string;
  created_at: number;
  scheduled_at: number | null;
  finished_at: number | null;
  updated_at: number;
  /**
   * Set while the run's Workflow is not confirmed created (createRun writes the row first); null once it is.
   * Such rows are left out of lists; the reconciler settles any left pending past the grace period.
   */
  pending_since: number | null;
}

/** A create mutation's request ID, scoped to the user who sent it, and the object that request created. */
export interface IdempotencyKeyTable {
  owner: string;
  request_id: string;
  /** The mutation (createRun, createExperiment, …): a key reused for another one is refused. */
  operation: string;
  /** SHA-256 of the request's input: a key reused with different input is refused, as Stripe does. */
  fingerprint: string;
  resource_id: string;
  created_at: number;
}

export interface RecurringRunTable {
  id: string;
  namespace: string;
  experiment_id: string;
  pipeline_version_id: string;
  name: string;
  description: string;
  cron: string | null;
  interval_seconds: number | null;
  max_concurrency: number;
  catchup: number;
  start_at: number | null;
  end_at: number | null;
  enabled: number;
  parameters: string;
  service_account: string;
  /** The creator; runs the schedule produces are attributed to, and re-checked against, this identity. */
  created_by: string;
  /** JSON array of the creator's groups at creation time. */
  created_by_groups: string;
  scheduled_workflow_name: string;
  created_at: number;
  updated_at: number;
}

export interface ControllerStateTable {
  name: string;
  value: string;
  updated_at: number;
}

export interface KfpTables {
  experiments: ExperimentTable;
  pipelines: PipelineTable;
  pipeline_versions: PipelineVersionTable;
  runs: RunTable;
  recurring_runs: RecurringRunTable;
  controller_state: ControllerStateTable;
  idempotency_keys: IdempotencyKeyTable;
}

export interface Database extends KfpTables, MetadataTables {}

export type ExperimentRow = Selectable<ExperimentTable>;
export type PipelineRow = Selectable<PipelineTable>;
export type PipelineVersionRow = Selectable<PipelineVersionTable>;
export type RunRow = Selectable<RunTable>;
export type RecurringRunRow = Selectable<RecurringRunTable>;
export type IdempotencyKeyRow = Selectable<IdempotencyKeyTable>;
export type NewRun = Insertable<RunTable>;
export type RunUpdate = Updateable<RunTable>;

// Re-exported for the MLMD table definitions, which need the same helpers.
export type { ColumnType, Generated };
