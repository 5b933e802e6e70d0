import { type Kysely } from 'kysely';
import type { MetadataArtifact, MetadataExecution } from './metadata-records.js';
import type { MetadataTables } from './metadata-tables.js';
import { artifactStateName, DISPLAY_NAME_PROPERTY, executionStateName, KFP_TYPES, NAMESPACE_PROPERTY, TYPE_KINDS } from './mlmd-enums.js';
import { IS_CUSTOM } from './scope-conditions.js';
import { chunksOf, distinct } from './sql-chunks.js';

/**
 * The SELECTs that turn Artifact and Execution rows into records: one statement for the rows (joined with their
 * type and `display_name`), one for the namespaces of all of them. Callers add their WHERE and ORDER BY.
 */
export function selectArtifactRows(db: Kysely<MetadataTables>) {
  return db
    .selectFrom('Artifact as a')
    .innerJoin('Type as at', 'at.id', 'a.type_id')
    .leftJoin('ArtifactProperty as adn', (join) =>
      join.onRef('adn.artifact_id', '=', 'a.id').on('adn.name', '=', DISPLAY_NAME_PROPERTY).on('adn.is_custom_property', '=', IS_CUSTOM),
    )
    .select([
      'a.id',
      'at.name as type_name',
      'a.uri',
      'a.name',
      'adn.string_value as display_name',
      'a.state',
      'a.create_time_since_epoch',
      'a.last_update_time_since_epoch',
    ]);
}

export function selectExecutionRows(db: Kysely<MetadataTables>) {
  return db
    .selectFrom('Execution as x')
    .innerJoin('Type as xt', 'xt.id', 'x.type_id')
    .leftJoin('ExecutionProperty as xdn', (join) =>
      join.onRef('xdn.execution_id', '=', 'x.id').on('xdn.name', '=', DISPLAY_NAME_PROPERTY).on('xdn.is_custom_property', '=', IS_CUSTOM),
    )
    .select([
      'x.id',
      'xt.name as type_name',
      'x.name',
      'xdn.string_value as display_name',
      'x.last_known_state',
      'x.create_time_since_epoch',
      'x.last_update_time_since_epoch',
    ]);
}

export interface ArtifactRow {
  readonly id: number;
  readonly type_name: string;
  readonly uri: string | null;
  readonly name: string | null;
  readonly display_name: string | null;
  readonly state: number | null;
  readonly create_time_since_epoch: number;
  readonly last_update_time_since_epoch: number;
}

export interface ExecutionRow {
  readonly id: number;
  readonly type_name: string;
  readonly name: string | null;
  readonly display_name: string | null;
  readonly last_known_state: number | null;
  readonly create_time_since_epoch: number;
  readonly last_update_time_since_epoch: number;
}

/** MLMD writes '' rather than NULL for an unnamed node in some versions; both mean "use display_name". */
const nameOf = (name: string | null, displayName: string | null): string | null => (name !== null && name !== '' ? name : displayName);

/** Namespaces of the run contexts each artifact is attributed to: one statement per 500 ids. */
async function artifactNamespaces(db: Kysely<MetadataTables>, ids: readonly number[]): Promise<Map<number, string[]>> {
  const byId = new Map<number, string[]>();
  for (const chunk of chunksOf(distinct(ids))) {
    const rows = await db
      .selectFrom('Attribution as na')
      .innerJoin('Context as nc', 'nc.id', 'na.context_id')
      .innerJoin('Type as nt', 'nt.id', 'nc.type_id')
      .innerJoin('ContextProperty as np', 'np.context_id', 'nc.id')
      .where('na.artifact_id', 'in', chunk)
      .where('nt.name', '=', KFP_TYPES.pipelineRun)
      .where('nt.type_kind', '=', TYPE_KINDS.context)
      .where('np.name', '=', NAMESPACE_PROPERTY)
      .where('np.is_custom_property', '=', IS_CUSTOM)
      .select(['na.artifact_id as owner_id', 'np.string_value as namespace'])
      .execute();
    collect(byId, rows);
  }
  return byId;
}

async function executionNamespaces(db: Kysely<MetadataTables>, ids: readonly number[]): Promise<Map<number, string[]>> {
  const byId = new Map<number, string[]>();
  for (const chunk of chunksOf(distinct(ids))) {
    const rows = await db
      .selectFrom('Association as na')
      .innerJoin('Context as nc', 'nc.id', 'na.context_id')
      .innerJoin('Type as nt', 'nt.id', 'nc.type_id')
      .innerJoin('ContextProperty as np', 'np.context_id', 'nc.id')
      .where('na.execution_id', 'in', chunk)
      .where('nt.name', '=', KFP_TYPES.pipelineRun)
      .where('nt.type_kind', '=', TYPE_KINDS.context)
      .where('np.name', '=', NAMESPACE_PROPERTY)
      .where('np.is_custom_property', '=', IS_CUSTOM)
      .select(['na.execution_id as owner_id', 'np.string_value as namespace'])
      .execute();
    collect(byId, rows);
  }
  return byId;
}

function collect(byId: Map<number, string[]>, rows: readonly { owner_id: number; namespace: string | null }[]): void {
  for (const row of rows) {
    if (row.namespace === null) continue;
    const id = Number(row.owner_id);
    const list = byId.get(id) ?? [];
    if (!list.includes(row.namespace)) list.push(row.namespace);
    byId.set(id, list);
  }
}

export async function toArtifacts(db: Kysely<MetadataTables>, rows: readonly ArtifactRow[]): Promise<MetadataArtifact[]> {
  const namespaces = rows.length === 0 ? new Map<number, string[]>() : await artifactNamespaces(db, rows.map((r) => Number(r.id)));
  return rows.map((row) => {
    const id = Number(row.id);
    return {
      id,
      type: row.type_name,
      uri: row.uri,
      name: nameOf(row.name, row.display_name),
      state: artifactStateName(row.state === null ? null : Number(row.state)),
      createdAt: Number(row.create_time_since_epoch),
      updatedAt: Number(row.last_update_time_since_epoch),
      namespaces: (namespaces.get(id) ?? []).sort(),
    };
  });
}

export async function toExecutions(db: Kysely<MetadataTables>, rows: readonly ExecutionRow[]): Promise<MetadataExecution[]> {
  const namespaces = rows.length === 0 ? new Map<number, string[]>() : await executionNamespaces(db, rows.map((r) => Number(r.id)));
  return rows.map((row) => {
    const id = Number(row.id);
    return {
      id,
      type: row.type_name,
      name: nameOf(row.name, row.display_name),
      state: executionStateName(row.last_known_state === null ? null : Number(row.last_known_state)),
      createdAt: Number(row.create_time_since_epoch),
      updatedAt: Number(row.last_update_time_since_epoch),
      namespaces: (namespaces.get(id) ?? []).sort(),
    };
  });
}
