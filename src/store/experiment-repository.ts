import type { Kysely } from 'kysely';
import type { Database, ExperimentRow, StorageState } from './database.js';
import { fetchKeysetPage, type Page } from './keyset-page.js';
import { keysetOrder, nameContains, type ListOrder } from './list-order.js';
import type { PageRequest } from './page-request.js';

export interface ExperimentFilter {
  readonly nameContains?: string | null;
  readonly storageState?: StorageState | null;
}

export class ExperimentRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async byIds(ids: readonly string[]): Promise<readonly ExperimentRow[]> {
    if (ids.length === 0) return [];
    return this.#db.selectFrom('experiments').selectAll().where('id', 'in', ids).execute();
  }

  async byName(namespace: string, name: string): Promise<ExperimentRow | undefined> {
    return this.#db.selectFrom('experiments').selectAll().where('namespace', '=', namespace).where('name', '=', name).executeTakeFirst();
  }

  async list(namespaces: readonly string[], filter: ExperimentFilter, order: ListOrder | undefined, page: PageRequest): Promise<Page<ExperimentRow>> {
    if (namespaces.length === 0) return emptyPage();
    let q = this.#db.selectFrom('experiments').selectAll().where('namespace', 'in', namespaces);
    if (filter.nameContains) q = q.where(nameContains(filter.nameContains));
    if (filter.storageState) q = q.where('storage_state', '=', filter.storageState);
    return fetchKeysetPage(q, keysetOrder<ExperimentRow>(order), page);
  }

  /** How many experiments match `filter` in each namespace, in one grouped statement (the keyset index leads with namespace). */
  async countByNamespaces(namespaces: readonly string[], filter: ExperimentFilter): Promise<ReadonlyMap<string, number>> {
    if (namespaces.length === 0) return new Map();
    let q = this.#db.selectFrom('experiments').where('namespace', 'in', namespaces);
    if (filter.nameContains) q = q.where(nameContains(filter.nameContains));
    if (filter.storageState) q = q.where('storage_state', '=', filter.storageState);
    const rows = await q
      .select(['namespace', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('namespace')
      .execute();
    return new Map(rows.map((r) => [r.namespace, Number(r.n)]));
  }

  async insert(row: ExperimentRow): Promise<void> {
    await this.#db.insertInto('experiments').values(row).execute();
  }

  async update(id: string, changes: Partial<Pick<ExperimentRow, 'name' | 'description' | 'storage_state'>>): Promise<void> {
    await this.#db.updateTable('experiments').set(changes).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.#db.deleteFrom('experiments').where('id', '=', id).execute();
  }
}

export function emptyPage<Row>(): Page<Row> {
  return { items: [], hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null, cursorOf: () => '' };
}
