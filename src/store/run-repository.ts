import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Database, NewRun, RunRow, RunUpdate, StorageState } from './database.js';
import { emptyPage } from './experiment-repository.js';
import { fetchKeysetPage, type Page } from './keyset-page.js';
import { keysetOrder, nameContains, type ListOrder } from './list-order.js';
import type { PageRequest } from './page-request.js';

export interface RunFilter {
  readonly stateIn?: readonly string[] | null;
  readonly experimentId?: string | null;
  readonly recurringRunId?: string | null;
  readonly nameContains?: string | null;
  readonly storageState?: StorageState | null;
}

export type RunCountColumn = 'namespace' | 'experiment_id' | 'recurring_run_id';

function filterRuns<O>(query: SelectQueryBuilder<Database, 'runs', O>, filter: RunFilter): SelectQueryBuilder<Database, 'runs', O> {
  // A run pending creation may still be undone (its Workflow refused): lists and counts show it once it is created.
  let q = query.where('pending_since', 'is', null);
  if (filter.experimentId) q = q.where('experiment_id', '=', filter.experimentId);
  if (filter.recurringRunId) q = q.where('recurring_run_id', '=', filter.recurringRunId);
  if (filter.stateIn && filter.stateIn.length > 0) q = q.where('state', 'in', filter.stateIn);
  if (filter.storageState) q = q.where('storage_state', '=', filter.storageState);
  if (filter.nameContains) q = q.where(nameContains(filter.nameContains));
  return q;
}

export class RunRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async byIds(ids: readonly string[]): Promise<readonly RunRow[]> {
    if (ids.length === 0) return [];
    return this.#db.selectFrom('runs').selectAll().where('id', 'in', ids).execute();
  }

  async list(namespaces: readonly string[], filter: RunFilter, order: ListOrder | undefined, page: PageRequest): Promise<Page<RunRow>> {
    if (namespaces.length === 0) return emptyPage();
    const q = filterRuns(this.#db.selectFrom('runs').selectAll().where('namespace', 'in', namespaces), filter);
    return fetchKeysetPage(q, keysetOrder<RunRow>(order), page);
  }

  /**
   * How many runs match `filter` for each value of `column` (a leading column of an index: namespace,
   * experiment_id, recurring_run_id), in one grouped statement: `totalCount` of a page of connections.
   */
  async countGrouped(column: RunCountColumn, values: readonly string[], filter: RunFilter): Promise<ReadonlyMap<string, number>> {
    if (values.length === 0) return new Map();
    const rows = await filterRuns(this.#db.selectFrom('runs').where(column, 'in', values), filter)
      .select([`${column} as k`, (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(column)
      .execute();
    return new Map(rows.map((r) => [String(r.k), Number(r.n)]));
  }

  async countByExperiments(experimentIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    if (experimentIds.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('runs')
      .select(['experiment_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('experiment_id', 'in', experimentIds)
      .groupBy('experiment_id')
      .execute();
    return new Map(rows.map((r) => [r.experiment_id, Number(r.n)]));
  }

  async insert(run: NewRun): Promise<void> {
    await this.#db.insertInto('runs').values(run).execute();
  }

  async update(id: string, changes: RunUpdate): Promise<void> {
    await this.#db.updateTable('runs').set(changes).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.#db.deleteFrom('runs').where('id', '=', id).execute();
  }
}
