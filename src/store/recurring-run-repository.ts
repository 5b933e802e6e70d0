import type { Kysely } from 'kysely';
import type { Database, RecurringRunRow } from './database.js';
import { emptyPage } from './experiment-repository.js';
import { fetchKeysetPage, type Page } from './keyset-page.js';
import { keysetOrder, nameContains, type ListOrder } from './list-order.js';
import type { PageRequest } from './page-request.js';

export interface RecurringRunFilter {
  readonly experimentId?: string | null;
  readonly enabled?: boolean | null;
  readonly nameContains?: string | null;
}

export class RecurringRunRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async byIds(ids: readonly string[]): Promise<readonly RecurringRunRow[]> {
    if (ids.length === 0) return [];
    return this.#db.selectFrom('recurring_runs').selectAll().where('id', 'in', ids).execute();
  }

  async byScheduledWorkflow(namespace: string, name: string): Promise<RecurringRunRow | undefined> {
    return this.#db.selectFrom('recurring_runs').selectAll().where('namespace', '=', namespace).where('scheduled_workflow_name', '=', name).executeTakeFirst();
  }

  async list(namespaces: readonly string[], filter: RecurringRunFilter, order: ListOrder | undefined, page: PageRequest): Promise<Page<RecurringRunRow>> {
    if (namespaces.length === 0) return emptyPage();
    let q = this.#db.selectFrom('recurring_runs').selectAll().where('namespace', 'in', namespaces);
    if (filter.experimentId) q = q.where('experiment_id', '=', filter.experimentId);
    if (filter.enabled != null) q = q.where('enabled', '=', filter.enabled ? 1 : 0);
    if (filter.nameContains) q = q.where(nameContains(filter.nameContains));
    return fetchKeysetPage(q, keysetOrder<RecurringRunRow>(order), page);
  }

  /** Every recurring run of an experiment, read in keyset pages of `pageSize` (by id) so none is held all at once. */
  async *allOfExperiment(experimentId: string, pageSize = 200): AsyncGenerator<Pick<RecurringRunRow, 'id' | 'namespace' | 'name' | 'scheduled_workflow_name'>> {
    let after = '';
    for (;;) {
      const rows = await this.#db
        .selectFrom('recurring_runs')
        .select(['id', 'namespace', 'name', 'scheduled_workflow_name'])
        .where('experiment_id', '=', experimentId)
        .where('id', '>', after)
        .orderBy('id')
        .limit(pageSize)
        .execute();
      yield* rows;
      const last = rows.at(-1);
      if (!last || rows.length < pageSize) return;
      after = last.id;
    }
  }

  /** How many recurring runs match `filter` in each namespace, one grouped statement on the keyset index. */
  async countByNamespaces(namespaces: readonly string[], filter: RecurringRunFilter): Promise<ReadonlyMap<string, number>> {
    if (namespaces.length === 0) return new Map();
    let q = this.#db.selectFrom('recurring_runs').where('namespace', 'in', namespaces);
    if (filter.experimentId) q = q.where('experiment_id', '=', filter.experimentId);
    if (filter.enabled != null) q = q.where('enabled', '=', filter.enabled ? 1 : 0);
    if (filter.nameContains) q = q.where(nameContains(filter.nameContains));
    const rows = await q
      .select(['namespace', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('namespace')
      .execute();
    return new Map(rows.map((r) => [r.namespace, Number(r.n)]));
  }

  async insert(row: RecurringRunRow): Promise<void> {
    await this.#db.insertInto('recurring_runs').values(row).execute();
  }

  async update(id: string, changes: Partial<Omit<RecurringRunRow, 'id'>>): Promise<void> {
    await this.#db.updateTable('recurring_runs').set(changes).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      await tx.updateTable('runs').set({ recurring_run_id: null }).where('recurring_run_id', '=', id).execute();
      await tx.deleteFrom('recurring_runs').where('id', '=', id).execute();
    });
  }
}
