import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { MetadataArtifact, MetadataExecution } from './metadata-records.js';
import type { MetadataTables } from './metadata-tables.js';
import { artifactStateName, DISPLAY_NAME_PROPERTY, executionStateName, KFP_TYPES, NAMESPACE_PROPERTY, TYPE_KINDS } from './mlmd-enums.js';
import { IS_CUSTOM } from './scope-conditions.js';
import { migrationDialect } from '../store/migration-types.js';

/**
 * The SELECTs that turn Artifact and Execution rows into records, in one statement: the rows joined with their
 * type and `display_name`, and the namespaces of their system.PipelineRun contexts gathered by a correlated
 * subquery into a JSON array (so a keyset LIMIT still counts nodes, not node×namespace pairs). Callers add their
 * WHERE and ORDER BY. Folding the namespaces in saves a round trip per batch: the dashboard query's budget of
 * six statements depends on it.
 */
export function selectArtifactRows(db: Kysely<MetadataTables>) {
  return db
    .selectFrom('Artifact as a')
    .innerJoin('Type as at', 'at.id', 'a.type_id')
    .leftJoin('ArtifactProperty as adn', (join) =>
      join.onRef('adn.artifact_id', '=', 'a.id').on('adn.name', '=', DISPLAY_NAME_PROPERTY).on('adn.is_custom_property', '=', IS_CUSTOM),
    )
    .select((eb) => [
      'a.id',
      'at.name as type_name',
      'a.uri',
      'a.name',
      'adn.string_value as display_name',
      'a.state',
      'a.create_time_since_epoch',
      'a.last_update_time_since_epoch',
      runNamespaces(db, eb.selectFrom('Attribution as na').select('na.context_id').whereRef('na.artifact_id', '=', 'a.id')),
    ]);
}

export function selectExecutionRows(db: Kysely<MetadataTables>) {
  return db
    .selectFrom('Execution as x')
    .innerJoin('Type as xt', 'xt.id', 'x.type_id')
    .leftJoin('ExecutionProperty as xdn', (join) =>
      join.onRef('xdn.execution_id', '=', 'x.id').on('xdn.name', '=', DISPLAY_NAME_PROPERTY).on('xdn.is_custom_property', '=', IS_CUSTOM),
    )
    .select((eb) => [
      'x.id',
      'xt.name as type_name',
      'x.name',
      'xdn.string_value as display_name',
      'x.last_known_state',
      'x.create_time_since_epoch',
      'x.last_update_time_since_epoch',
      runNamespaces(db, eb.selectFrom('Association as na').select('na.context_id').whereRef('na.execution_id', '=', 'x.id')),
    ]);
}

/**
 * `namespaces_json`: the `namespace` property of every system.PipelineRun context among `contextIds` (the
 * object's Attribution or Association rows), as one JSON array. Never the system.Pipeline context.
 */
function runNamespaces<DB, TB extends keyof DB>(db: Kysely<MetadataTables>, contextIds: SelectQueryBuilder<DB, TB, { context_id: number }>) {
  return db
    .selectFrom('Context as nc')
    .innerJoin('Type as nt', 'nt.id', 'nc.type_id')
    .innerJoin('ContextProperty as np', 'np.context_id', 'nc.id')
    .where('nc.id', 'in', contextIds)
    .where('nt.name', '=', KFP_TYPES.pipelineRun)
    .where('nt.type_kind', '=', TYPE_KINDS.context)
    .where('np.name', '=', NAMESPACE_PROPERTY)
    .where('np.is_custom_property', '=', IS_CUSTOM)
    .select((sub) => sub.fn<unknown>(jsonArrayAggregate(db), [sub.ref('np.string_value')]).as('agg'))
    .as('namespaces_json');
}

/** The JSON array aggregate of each dialect (JSON_ARRAYAGG needs MySQL 5.7.22 / MariaDB 10.5). */
function jsonArrayAggregate(db: Kysely<MetadataTables>): string {
  const dialect = migrationDialect(db as unknown as Kysely<unknown>);
  return dialect === 'postgres' ? 'json_agg' : dialect === 'mysql' ? 'json_arrayagg' : 'json_group_array';
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
  /** JSON array text (SQLite, MySQL), a parsed array (PostgreSQL's json type), or NULL when there is none. */
  readonly namespaces_json: unknown;
}

export interface ExecutionRow {
  readonly id: number;
  readonly type_name: string;
  readonly name: string | null;
  readonly display_name: string | null;
  readonly last_known_state: number | null;
  readonly create_time_since_epoch: number;
  readonly last_update_time_since_epoch: number;
  readonly namespaces_json: unknown;
}

/** MLMD writes '' rather than NULL for an unnamed node in some versions; both mean "use display_name". */
const nameOf = (name: string | null, displayName: string | null): string | null => (name !== null && name !== '' ? name : displayName);

/** The distinct, sorted namespaces of an aggregated `namespaces_json` value; NULL entries are skipped. */
function namespacesOf(value: unknown): string[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(parsed)) return [];
  return [...new Set(parsed.filter((item): item is string => typeof item === 'string'))].sort();
}

export function toArtifacts(rows: readonly ArtifactRow[]): MetadataArtifact[] {
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
      namespaces: namespacesOf(row.namespaces_json),
    };
  });
}

export function toExecutions(rows: readonly ExecutionRow[]): MetadataExecution[] {
  return rows.map((row) => {
    const id = Number(row.id);
    return {
      id,
      type: row.type_name,
      name: nameOf(row.name, row.display_name),
      state: executionStateName(row.last_known_state === null ? null : Number(row.last_known_state)),
      createdAt: Number(row.create_time_since_epoch),
      updatedAt: Number(row.last_update_time_since_epoch),
      namespaces: namespacesOf(row.namespaces_json),
    };
  });
}
