import { sql, type Kysely } from 'kysely';
import { parseAllDocuments } from 'yaml';
import { canonicalJson } from '../kube/workflow/canonical-json.js';
import type { PipelineReads } from '../pipelines/pipeline-store.js';
import type { PipelineRow, PipelineVersionRow } from '../store/database.js';
import { emptyPage } from '../store/experiment-repository.js';
import type { Page } from '../store/keyset-page.js';
import type { ListOrder } from '../store/list-order.js';
import type { PageRequest } from '../store/page-request.js';
import type { PipelineFilter } from '../store/pipeline-repository.js';
import { columnContains, fetchKfpPage, kfpOrder } from './kfp-keyset.js';
import { pipelineNamespaceOf, requiredSecondsToMs, SHARED_NAMESPACE_SPELLINGS } from './kfp-row-mapping.js';
import type { KfpDatabase } from './kfp-tables.js';

/** Only these are shown: KFP marks a pipeline or version CREATING or DELETING while it is half written. */
const READY = 'READY';

interface RawPipeline {
  readonly UUID: string;
  readonly CreatedAtInSec: number | string;
  readonly Name: string;
  readonly DisplayName: string;
  readonly Description: string;
  readonly Namespace: string | null;
}

interface RawVersion {
  readonly UUID: string;
  readonly CreatedAtInSec: number | string;
  readonly Name: string;
  readonly DisplayName: string;
  readonly PipelineId: string;
  readonly Description: string | null;
  readonly PipelineSpec: string;
  readonly PipelineNamespace: string | null;
}

/**
 * Pipelines and versions from KFP's `pipelines` and `pipeline_versions` (KFP: storage/pipeline_store.go).
 * A version has no namespace of its own in KFP: it is its pipeline's, read by a join.
 */
export class KfpPipelineReads implements PipelineReads {
  readonly #db: Kysely<KfpDatabase>;

  constructor(db: Kysely<KfpDatabase>) {
    this.#db = db;
  }

  #pipelines() {
    return this.#db
      .selectFrom('pipelines as p')
      .select(['p.UUID', 'p.CreatedAtInSec', 'p.Name', 'p.DisplayName', 'p.Description', 'p.Namespace'])
      .where('p.Status', '=', READY);
  }

  #versions() {
    return this.#db
      .selectFrom('pipeline_versions as v')
      .innerJoin('pipelines as p', 'p.UUID', 'v.PipelineId')
      .select(['v.UUID', 'v.CreatedAtInSec', 'v.Name', 'v.DisplayName', 'v.PipelineId', 'v.Description', 'v.PipelineSpec', 'p.Namespace as PipelineNamespace'])
      .where('v.Status', '=', READY)
      .where('p.Status', '=', READY);
  }

  async byIds(ids: readonly string[]): Promise<readonly PipelineRow[]> {
    if (ids.length === 0) return [];
    return (await this.#pipelines().where('p.UUID', 'in', ids).execute()).map(pipelineRowOf);
  }

  async versionsByIds(ids: readonly string[]): Promise<readonly PipelineVersionRow[]> {
    if (ids.length === 0) return [];
    return (await this.#versions().where('v.UUID', 'in', ids).execute()).map(versionRowOf);
  }

  async latestVersions(pipelineIds: readonly string[]): Promise<readonly PipelineVersionRow[]> {
    if (pipelineIds.length === 0) return [];
    const rows = await this.#versions()
      .where('v.PipelineId', 'in', pipelineIds)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('pipeline_versions as newer')
              .select('newer.UUID')
              .whereRef('newer.PipelineId', '=', 'v.PipelineId')
              .where('newer.Status', '=', READY)
              .where(
                sql<boolean>`(${sql.ref('newer.CreatedAtInSec')} > ${sql.ref('v.CreatedAtInSec')} or (${sql.ref('newer.CreatedAtInSec')} = ${sql.ref('v.CreatedAtInSec')} and ${sql.ref('newer.UUID')} > ${sql.ref('v.UUID')}))`,
              ),
          ),
        ),
      )
      .execute();
    return rows.map(versionRowOf);
  }

  /** '' in `namespaces` asks for the shared pipelines, which KFP stores as '', '-' or NULL. */
  async list(namespaces: readonly string[], filter: PipelineFilter, order: ListOrder | undefined, page: PageRequest): Promise<Page<PipelineRow>> {
    if (namespaces.length === 0) return emptyPage();
    const own = namespaces.filter((ns) => ns !== '');
    const shared = namespaces.includes('');
    let q = this.#pipelines().where((eb) =>
      eb.or([
        ...(own.length > 0 ? [eb('p.Namespace', 'in', own)] : []),
        ...(shared ? [eb('p.Namespace', 'in', SHARED_NAMESPACE_SPELLINGS), eb('p.Namespace', 'is', null)] : []),
      ]),
    );
    if (filter.nameContains) q = q.where(columnContains('p.Name', filter.nameContains));
    return fetchKfpPage(
      q,
      kfpOrder<RawPipeline>('p', 'Name', (r) => r.Name, order),
      page,
      pipelineRowOf,
    );
  }

  async listVersions(pipelineId: string, order: ListOrder | undefined, page: PageRequest): Promise<Page<PipelineVersionRow>> {
    const q = this.#versions().where('v.PipelineId', '=', pipelineId);
    return fetchKfpPage(
      q,
      kfpOrder<RawVersion>('v', 'Name', (r) => r.Name, order),
      page,
      versionRowOf,
    );
  }
}

function pipelineRowOf(raw: RawPipeline): PipelineRow {
  return {
    id: raw.UUID,
    namespace: pipelineNamespaceOf(raw.Namespace),
    name: raw.Name,
    description: raw.Description,
    created_at: requiredSecondsToMs(raw.CreatedAtInSec),
  };
}

function versionRowOf(raw: RawVersion): PipelineVersionRow {
  return {
    id: raw.UUID,
    pipeline_id: raw.PipelineId,
    namespace: pipelineNamespaceOf(raw.PipelineNamespace),
    name: raw.Name,
    description: raw.Description ?? '',
    spec: specJsonOf(raw.PipelineSpec),
    created_at: requiredSecondsToMs(raw.CreatedAtInSec),
  };
}

/**
 * KFP stores the uploaded YAML as it came: an Argo Workflow, or a KFP v2 IR PipelineSpec optionally followed
 * by a `platforms` document. The version's spec is the first document, as canonical JSON (what standalone stores).
 */
function specJsonOf(text: string): string {
  try {
    const documents = parseAllDocuments(text)
      .map((d) => d.toJS() as unknown)
      .filter((d) => d !== null && d !== undefined);
    return canonicalJson(documents[0] ?? {});
  } catch {
    return canonicalJson({});
  }
}
