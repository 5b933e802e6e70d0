import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, PipelineRow, PipelineVersionRow } from './database.js';
import { emptyPage } from './experiment-repository.js';
import { fetchKeysetPage, type Page } from './keyset-page.js';
import { keysetOrder, nameContains, type ListOrder } from './list-order.js';
import type { PageRequest } from './page-request.js';

/** '' is the namespace of shared pipelines, as in KFP's own pipelines table. */
export const SHARED_NAMESPACE = '';

export interface PipelineFilter {
  readonly nameContains?: string | null;
}

export class PipelineRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async byIds(ids: readonly string[]): Promise<readonly PipelineRow[]> {
    if (ids.length === 0) return [];
    return this.#db.selectFrom('pipelines').selectAll().where('id', 'in', ids).execute();
  }

  async versionsByIds(ids: readonly string[]): Promise<readonly PipelineVersionRow[]> {
    if (ids.length === 0) return [];
    return this.#db.selectFrom('pipeline_versions').selectAll().where('id', 'in', ids).execute();
  }

  /** The newest version of each pipeline, in one statement for any number of pipelines. */
  async latestVersions(pipelineIds: readonly string[]): Promise<readonly PipelineVersionRow[]> {
    if (pipelineIds.length === 0) return [];
    return this.#db
      .selectFrom('pipeline_versions as v')
      .selectAll('v')
      .where('v.pipeline_id', 'in', pipelineIds)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('pipeline_versions as newer')
              .select('newer.id')
              .whereRef('newer.pipeline_id', '=', 'v.pipeline_id')
              .where(sql<boolean>`(newer.created_at > v.created_at or (newer.created_at = v.created_at and newer.id > v.id))`),
          ),
        ),
      )
      .execute();
  }

  async list(namespaces: readonly string[], filter: PipelineFilter, order: ListOrder | undefined, page: PageRequest): Promise<Page<PipelineRow>> {
    if (namespaces.length === 0) return emptyPage();
    let q = this.#db.selectFrom('pipelines').selectAll().where('namespace', 'in', namespaces);
    if (filter.nameContains) q = q.where(nameContains(filter.nameContains));
    return fetchKeysetPage(q, keysetOrder<PipelineRow>(order), page);
  }

  /** How many pipelines match `filter` in each namespace (`''`: shared), one grouped statement on the keyset index. */
  async countByNamespaces(namespaces: readonly string[], filter: PipelineFilter): Promise<ReadonlyMap<string, number>> {
    if (namespaces.length === 0) return new Map();
    let q = this.#db.selectFrom('pipelines').where('namespace', 'in', namespaces);
    if (filter.nameContains) q = q.where(nameContains(filter.nameContains));
    const rows = await q
      .select(['namespace', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('namespace')
      .execute();
    return new Map(rows.map((r) => [r.namespace, Number(r.n)]));
  }

  /** How many versions each pipeline has, one grouped statement on pipeline_versions_keyset (pipeline_id first). */
  async countVersions(pipelineIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    if (pipelineIds.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('pipeline_versions')
      .select(['pipeline_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('pipeline_id', 'in', pipelineIds)
      .groupBy('pipeline_id')
      .execute();
    return new Map(rows.map((r) => [r.pipeline_id, Number(r.n)]));
  }

  async listVersions(pipelineId: string, order: ListOrder | undefined, page: PageRequest): Promise<Page<PipelineVersionRow>> {
    const q = this.#db.selectFrom('pipeline_versions').selectAll().where('pipeline_id', '=', pipelineId);
    return fetchKeysetPage(q, keysetOrder<PipelineVersionRow>(order), page);
  }

  async byName(namespace: string, name: string): Promise<PipelineRow | undefined> {
    return this.#db.selectFrom('pipelines').selectAll().where('namespace', '=', namespace).where('name', '=', name).executeTakeFirst();
  }

  async versionByName(pipelineId: string, name: string): Promise<PipelineVersionRow | undefined> {
    return this.#db.selectFrom('pipeline_versions').selectAll().where('pipeline_id', '=', pipelineId).where('name', '=', name).executeTakeFirst();
  }

  /** A pipeline and its first version are written together or not at all. */
  async insertWithVersion(pipeline: PipelineRow, version: PipelineVersionRow | null): Promise<void> {
    await this.#db.transaction().execute(async (tx: Transaction<Database>) => {
      await tx.insertInto('pipelines').values(pipeline).execute();
      if (version) await tx.insertInto('pipeline_versions').values(version).execute();
    });
  }

  async insertVersion(version: PipelineVersionRow): Promise<void> {
    await this.#db.insertInto('pipeline_versions').values(version).execute();
  }

  async update(id: string, changes: Partial<Pick<PipelineRow, 'name' | 'description'>>): Promise<void> {
    await this.#db.updateTable('pipelines').set(changes).where('id', '=', id).execute();
  }

  async updateVersion(id: string, changes: Partial<Pick<PipelineVersionRow, 'name' | 'description'>>): Promise<void> {
    await this.#db.updateTable('pipeline_versions').set(changes).where('id', '=', id).execute();
  }

  /** How many recurring runs still need these versions: they cannot run without them. */
  async recurringRunsUsing(versionIds: readonly string[]): Promise<number> {
    if (versionIds.length === 0) return 0;
    const row = await this.#db
      .selectFrom('recurring_runs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('pipeline_version_id', 'in', versionIds)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async versionIdsOf(pipelineId: string): Promise<readonly string[]> {
    const rows = await this.#db.selectFrom('pipeline_versions').select('id').where('pipeline_id', '=', pipelineId).execute();
    return rows.map((r) => r.id);
  }

  /** Runs keep their history: their version reference is cleared rather than the runs deleted. */
  async delete(id: string): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      const versions = tx.selectFrom('pipeline_versions').select('id').where('pipeline_id', '=', id);
      await tx.updateTable('runs').set({ pipeline_version_id: null }).where('pipeline_version_id', 'in', versions).execute();
      await tx.deleteFrom('pipeline_versions').where('pipeline_id', '=', id).execute();
      await tx.deleteFrom('pipelines').where('id', '=', id).execute();
    });
  }

  async deleteVersion(id: string): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      await tx.updateTable('runs').set({ pipeline_version_id: null }).where('pipeline_version_id', '=', id).execute();
      await tx.deleteFrom('pipeline_versions').where('id', '=', id).execute();
    });
  }
}
