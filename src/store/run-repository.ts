import type { Kysely } from 'kysely';
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
    // A run pending creation may still be undone (its Workflow refused): lists show it once it is created.
    let q = this.#db.selectFrom('runs').selectAll().where('namespace', 'in', namespaces).where('pending_since', 'is', null);
    if (filter.experimentId) q = q.where('experiment_id', '=', filter.experimentId);
    if (filter.recurringRunId) q = q.where('recurring_run_id', '=', filter.recurringRunId);
    if (filter.stateIn && filter.stateIn.length > 0) q = q.where('state', 'in', filter.stateIn);
    if (filter.storageState) q = q.where('storage_state', '=', filter.storageState);
    if (filter.nameContains) q = q.where(nameContains(filter.nameContains));
    return fetchKeysetPage(q, keysetOrder<RunRow>(order), page);
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
