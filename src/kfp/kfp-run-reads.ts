import { sql, type Kysely } from 'kysely';
import type { RunReads } from '../runs/run-store.js';
import type { RunRow } from '../store/database.js';
import { emptyPage } from '../store/experiment-repository.js';
import type { Page } from '../store/keyset-page.js';
import type { ListOrder } from '../store/list-order.js';
import type { PageRequest } from '../store/page-request.js';
import type { RunFilter } from '../store/run-repository.js';
import { columnContains, fetchKfpUnionPage, kfpOrder, legacyInKfpNamespaces, resolvedNamespace } from './kfp-keyset.js';
import { parametersOf, rawRunStatesFor, rawStorageStates, requiredSecondsToMs, runStateOf, secondsToMs, storageStateOf } from './kfp-row-mapping.js';
import type { KfpDatabase } from './kfp-tables.js';

interface RawRun {
  readonly UUID: string;
  readonly DisplayName: string;
  readonly Name: string;
  readonly Description: string;
  readonly ExperimentUUID: string;
  readonly JobUUID: string | null;
  readonly StorageState: string;
  readonly ServiceAccount: string;
  readonly PipelineVersionId: string | null;
  readonly Parameters: string | null;
  readonly RuntimeParameters: string | null;
  readonly CreatedAtInSec: number | string;
  readonly ScheduledAtInSec: number | string | null;
  readonly FinishedAtInSec: number | string | null;
  readonly Conditions: string;
  readonly State: string | null;
  readonly WorkflowRuntimeManifest: string;
  readonly ResolvedNamespace: string | null;
}

/**
 * Runs from KFP's `run_details` (KFP: storage/run_store.go). A namespace's list is ordered on
 * (`Namespace`, `CreatedAtInSec`) — KFP's index `namespace_createatinsec` — and an experiment's on
 * `experimentuuid_createatinsec`; the keyset compares those raw columns.
 */
export class KfpRunReads implements RunReads {
  readonly #db: Kysely<KfpDatabase>;

  constructor(db: Kysely<KfpDatabase>) {
    this.#db = db;
  }

  async byIds(ids: readonly string[]): Promise<readonly RunRow[]> {
    if (ids.length === 0) return [];
    const rows = await selectRuns(this.#db).where('r.UUID', 'in', ids).execute();
    return rows.flatMap((raw) => runRowOf(raw) ?? []);
  }

  async list(namespaces: readonly string[], filter: RunFilter, order: ListOrder | undefined, page: PageRequest): Promise<Page<RunRow>> {
    if (namespaces.length === 0) return emptyPage();
    const branches = [
      this.#filtered(selectRuns(this.#db).where('r.Namespace', 'in', namespaces), filter),
      this.#filtered(selectRuns(this.#db).where(legacyInKfpNamespaces(this.#db, 'r', 'Run', namespaces)), filter),
    ];
    return fetchKfpUnionPage(
      this.#db,
      branches,
      kfpOrder<RawRun>('r', 'DisplayName', (r) => r.DisplayName, order),
      page,
      (raw) => runRowOf(raw) as RunRow,
    );
  }

  #filtered(query: RunSelect, filter: RunFilter): RunSelect {
    let q = query;
    if (filter.experimentId) q = q.where('r.ExperimentUUID', '=', filter.experimentId);
    if (filter.recurringRunId) q = q.where('r.JobUUID', '=', filter.recurringRunId);
    if (filter.stateIn && filter.stateIn.length > 0) {
      const raw = rawRunStatesFor(filter.stateIn);
      q = q.where((eb) => eb.or([eb('r.State', 'in', raw.state), eb.and([eb('r.State', 'is', null), eb('r.Conditions', 'in', raw.conditions)])]));
    }
    if (filter.storageState) q = q.where('r.StorageState', 'in', rawStorageStates(filter.storageState));
    if (filter.nameContains) q = q.where(columnContains('r.DisplayName', filter.nameContains));
    return q;
  }

  async countByExperiments(experimentIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    if (experimentIds.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('run_details')
      .select(['ExperimentUUID', sql<number>`count(*)`.as('n')])
      .where('ExperimentUUID', 'in', experimentIds)
      .groupBy('ExperimentUUID')
      .execute();
    return new Map(rows.map((r) => [r.ExperimentUUID, Number(r.n)]));
  }
}

function selectRuns(db: Kysely<KfpDatabase>) {
  return db
    .selectFrom('run_details as r')
    .select([
      'r.UUID',
      'r.DisplayName',
      'r.Name',
      'r.Description',
      'r.ExperimentUUID',
      'r.JobUUID',
      'r.StorageState',
      'r.ServiceAccount',
      'r.PipelineVersionId',
      'r.Parameters',
      'r.RuntimeParameters',
      'r.CreatedAtInSec',
      'r.ScheduledAtInSec',
      'r.FinishedAtInSec',
      'r.Conditions',
      'r.State',
      'r.WorkflowRuntimeManifest',
      resolvedNamespace('r', 'Run').as('ResolvedNamespace'),
    ]);
}

type RunSelect = ReturnType<typeof selectRuns>;

function runRowOf(raw: RawRun): RunRow | undefined {
  if (!raw.ResolvedNamespace) return undefined;
  const createdAt = requiredSecondsToMs(raw.CreatedAtInSec);
  const finishedAt = secondsToMs(raw.FinishedAtInSec);
  const scheduledAt = secondsToMs(raw.ScheduledAtInSec);
  return {
    id: raw.UUID,
    namespace: raw.ResolvedNamespace,
    // KFP's API server writes a run's row before it answers: none is half-created in kfp-graph's sense.
    pending_since: null,
    experiment_id: raw.ExperimentUUID,
    pipeline_version_id: raw.PipelineVersionId || null,
    recurring_run_id: raw.JobUUID || null,
    // KFP v2 shows DisplayName; v1 rows have only Name.
    name: raw.DisplayName || raw.Name,
    description: raw.Description,
    state: runStateOf(raw.State, raw.Conditions),
    storage_state: storageStateOf(raw.StorageState),
    parameters: JSON.stringify(parametersOf(raw.RuntimeParameters, raw.Parameters)),
    service_account: raw.ServiceAccount,
    // run_details.Name is the Workflow's name (KFP: resource_manager.go CreateRun sets it from the created Workflow).
    workflow_name: raw.Name || null,
    workflow_status: workflowStatusOf(raw.WorkflowRuntimeManifest),
    workflow_resource_version: null,
    // KFP records no creator for a run.
    created_by: '',
    created_at: createdAt,
    scheduled_at: scheduledAt,
    finished_at: finishedAt,
    updated_at: finishedAt ?? scheduledAt ?? createdAt,
  };
}

/** The persistence agent stores the whole Workflow; `Run.workflow` falls back to its status. */
function workflowStatusOf(manifest: string): string | null {
  if (!manifest) return null;
  try {
    const parsed = JSON.parse(manifest) as { status?: unknown };
    return parsed.status && typeof parsed.status === 'object' ? JSON.stringify(parsed.status) : null;
  } catch {
    return null;
  }
}
