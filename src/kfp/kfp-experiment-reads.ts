import type { Kysely } from 'kysely';
import type { ExperimentReads } from '../experiments/experiment-store.js';
import type { ExperimentRow } from '../store/database.js';
import { emptyPage, type ExperimentFilter } from '../store/experiment-repository.js';
import type { Page } from '../store/keyset-page.js';
import type { ListOrder } from '../store/list-order.js';
import type { PageRequest } from '../store/page-request.js';
import { columnContains, fetchKfpPage, inKfpNamespaces, kfpOrder, resolvedNamespace } from './kfp-keyset.js';
import { rawStorageStates, requiredSecondsToMs, storageStateOf } from './kfp-row-mapping.js';
import type { KfpDatabase } from './kfp-tables.js';

interface RawExperiment {
  readonly UUID: string;
  readonly Name: string;
  readonly Description: string;
  readonly CreatedAtInSec: number | string;
  readonly StorageState: string;
  readonly ResolvedNamespace: string | null;
}

/** Experiments from KFP's `experiments` table (KFP: storage/experiment_store.go). */
export class KfpExperimentReads implements ExperimentReads {
  readonly #db: Kysely<KfpDatabase>;

  constructor(db: Kysely<KfpDatabase>) {
    this.#db = db;
  }

  #select() {
    return this.#db
      .selectFrom('experiments as e')
      .select(['e.UUID', 'e.Name', 'e.Description', 'e.CreatedAtInSec', 'e.StorageState', resolvedNamespace('e', 'Experiment').as('ResolvedNamespace')]);
  }

  async byIds(ids: readonly string[]): Promise<readonly ExperimentRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.#select().where('e.UUID', 'in', ids).execute();
    return rows.flatMap((raw) => experimentRowOf(raw) ?? []);
  }

  async list(namespaces: readonly string[], filter: ExperimentFilter, order: ListOrder | undefined, page: PageRequest): Promise<Page<ExperimentRow>> {
    if (namespaces.length === 0) return emptyPage();
    let q = this.#select().where(inKfpNamespaces(this.#db, 'e', 'Experiment', namespaces));
    if (filter.nameContains) q = q.where(columnContains('e.Name', filter.nameContains));
    if (filter.storageState) q = q.where('e.StorageState', 'in', rawStorageStates(filter.storageState));
    return fetchKfpPage(
      q,
      kfpOrder<RawExperiment>('e', 'Name', (r) => r.Name, order),
      page,
      (raw) => experimentRowOf(raw) as ExperimentRow,
    );
  }
}

/** A row with no namespace at all (single-user KFP data) belongs to no tenant and is never shown. */
function experimentRowOf(raw: RawExperiment): ExperimentRow | undefined {
  if (!raw.ResolvedNamespace) return undefined;
  return {
    id: raw.UUID,
    namespace: raw.ResolvedNamespace,
    name: raw.Name,
    description: raw.Description,
    storage_state: storageStateOf(raw.StorageState),
    created_at: requiredSecondsToMs(raw.CreatedAtInSec),
  };
}
