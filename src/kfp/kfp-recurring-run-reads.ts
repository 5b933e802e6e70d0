import { sql, type Kysely } from 'kysely';
import type { RecurringRunReads } from '../recurring-runs/recurring-run-store.js';
import type { RecurringRunRow } from '../store/database.js';
import { emptyPage } from '../store/experiment-repository.js';
import type { Page } from '../store/keyset-page.js';
import type { ListOrder } from '../store/list-order.js';
import type { PageRequest } from '../store/page-request.js';
import type { RecurringRunFilter } from '../store/recurring-run-repository.js';
import { columnContains, fetchKfpPage, inKfpNamespaces, kfpOrder, resolvedNamespace } from './kfp-keyset.js';
import { flagOf, parametersOf, requiredSecondsToMs, secondsToMs } from './kfp-row-mapping.js';
import type { KfpDatabase } from './kfp-tables.js';

interface RawJob {
  readonly UUID: string;
  readonly DisplayName: string;
  readonly Name: string;
  readonly ServiceAccount: string;
  readonly Description: string;
  readonly MaxConcurrency: number | string;
  readonly NoCatchup: boolean | number;
  readonly CreatedAtInSec: number | string;
  readonly UpdatedAtInSec: number | string | null;
  readonly Enabled: boolean | number;
  readonly ExperimentUUID: string;
  readonly CronScheduleStartTimeInSec: number | string | null;
  readonly CronScheduleEndTimeInSec: number | string | null;
  readonly Schedule: string | null;
  readonly PeriodicScheduleStartTimeInSec: number | string | null;
  readonly PeriodicScheduleEndTimeInSec: number | string | null;
  readonly IntervalSecond: number | string | null;
  readonly Parameters: string | null;
  readonly RuntimeParameters: string | null;
  readonly ResolvedVersionId: string | null;
  readonly ResolvedNamespace: string | null;
}

/**
 * Recurring runs from KFP's `jobs` (KFP: storage/job_store.go). A job whose `PipelineVersionId` is NULL runs
 * its pipeline's latest version (KFP: resource_manager.go, CreateJob with a pipeline id only), which is read
 * in the same statement.
 */
export class KfpRecurringRunReads implements RecurringRunReads {
  readonly #db: Kysely<KfpDatabase>;

  constructor(db: Kysely<KfpDatabase>) {
    this.#db = db;
  }

  #select() {
    return this.#db
      .selectFrom('jobs as j')
      .select([
        'j.UUID',
        'j.DisplayName',
        'j.Name',
        'j.ServiceAccount',
        'j.Description',
        'j.MaxConcurrency',
        'j.NoCatchup',
        'j.CreatedAtInSec',
        'j.UpdatedAtInSec',
        'j.Enabled',
        'j.ExperimentUUID',
        'j.CronScheduleStartTimeInSec',
        'j.CronScheduleEndTimeInSec',
        'j.Schedule',
        'j.PeriodicScheduleStartTimeInSec',
        'j.PeriodicScheduleEndTimeInSec',
        'j.IntervalSecond',
        'j.Parameters',
        'j.RuntimeParameters',
        (eb) =>
          eb.fn
            .coalesce(
              'j.PipelineVersionId',
              eb
                .selectFrom('pipeline_versions as latest')
                .select('latest.UUID')
                .whereRef('latest.PipelineId', '=', 'j.PipelineId')
                .where('latest.Status', '=', 'READY')
                .orderBy('latest.CreatedAtInSec', 'desc')
                .orderBy('latest.UUID', 'desc')
                .limit(1),
            )
            .as('ResolvedVersionId'),
        resolvedNamespace('j', 'Job').as('ResolvedNamespace'),
      ]);
  }

  async byIds(ids: readonly string[]): Promise<readonly RecurringRunRow[]> {
    if (ids.length === 0) return [];
    return (await this.#select().where('j.UUID', 'in', ids).execute()).flatMap((raw) => jobRowOf(raw) ?? []);
  }

  async list(namespaces: readonly string[], filter: RecurringRunFilter, order: ListOrder | undefined, page: PageRequest): Promise<Page<RecurringRunRow>> {
    if (namespaces.length === 0) return emptyPage();
    let q = this.#select().where(inKfpNamespaces(this.#db, 'j', 'Job', namespaces));
    if (filter.experimentId) q = q.where('j.ExperimentUUID', '=', filter.experimentId);
    if (filter.enabled != null) q = q.where(sql<boolean>`${sql.ref('j.Enabled')} = ${filter.enabled ? sql`true` : sql`false`}`);
    if (filter.nameContains) q = q.where(columnContains('j.DisplayName', filter.nameContains));
    return fetchKfpPage(
      q,
      kfpOrder<RawJob>('j', 'DisplayName', (r) => r.DisplayName, order),
      page,
      (raw) => jobRowOf(raw) as RecurringRunRow,
    );
  }
}

function jobRowOf(raw: RawJob): RecurringRunRow | undefined {
  if (!raw.ResolvedNamespace) return undefined;
  const interval = Number(raw.IntervalSecond ?? 0);
  const cron = raw.Schedule ? raw.Schedule : null;
  const createdAt = requiredSecondsToMs(raw.CreatedAtInSec);
  return {
    id: raw.UUID,
    namespace: raw.ResolvedNamespace,
    experiment_id: raw.ExperimentUUID,
    pipeline_version_id: raw.ResolvedVersionId ?? '',
    name: raw.DisplayName || raw.Name,
    description: raw.Description,
    // KFP's cron has a leading seconds field (robfig/cron with seconds), shown as KFP stores and means it.
    cron,
    interval_seconds: cron === null && interval > 0 ? interval : null,
    max_concurrency: Number(raw.MaxConcurrency),
    catchup: flagOf(raw.NoCatchup) ? 0 : 1,
    start_at: secondsToMs(cron !== null ? raw.CronScheduleStartTimeInSec : raw.PeriodicScheduleStartTimeInSec),
    end_at: secondsToMs(cron !== null ? raw.CronScheduleEndTimeInSec : raw.PeriodicScheduleEndTimeInSec),
    enabled: flagOf(raw.Enabled) ? 1 : 0,
    parameters: JSON.stringify(parametersOf(raw.RuntimeParameters, raw.Parameters)),
    service_account: raw.ServiceAccount,
    // KFP records no creator for a job.
    created_by: '',
    created_by_groups: '[]',
    scheduled_workflow_name: raw.Name,
    created_at: createdAt,
    updated_at: secondsToMs(raw.UpdatedAtInSec) ?? createdAt,
  };
}
