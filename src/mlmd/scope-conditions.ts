import { expressionBuilder, sql, type Expression, type SqlBool } from 'kysely';
import type { MetadataTables } from './metadata-tables.js';
import { KFP_TYPES, NAMESPACE_PROPERTY, TYPE_KINDS } from './mlmd-enums.js';

/**
 * The SQL conditions that implement MetadataScope. Every condition goes through the system.PipelineRun context
 * and its `namespace` custom property; system.Pipeline contexts are never consulted, because KFP shares one per
 * pipeline name across all tenants.
 */
const eb = expressionBuilder<MetadataTables>();

/**
 * `is_custom_property` is SMALLINT/TINYINT in MLMD's SQLite and MySQL DDL but BOOLEAN in its PostgreSQL DDL.
 * An untyped literal '1' compares equal to both on every dialect (PostgreSQL coerces it to the column's type,
 * SQLite and MySQL to a number), so the same query reads kfp-graph's store and an existing KFP database.
 */
export const IS_CUSTOM = sql<number>`'1'`;

/** Always false: a namespace scope with no namespaces sees nothing. */
export const NOTHING = sql<SqlBool>`1 = 0`;

export interface RunContextFilter {
  /** Only run contexts of these namespaces; null for any (cluster scope). */
  readonly namespaces: readonly string[] | null;
  /** Only run contexts with these names (KFP names a run's context by the run ID). */
  readonly runIds?: readonly string[];
}

/** SELECT the ids of the system.PipelineRun contexts a filter allows. */
export function runContextIds(filter: RunContextFilter) {
  let query = eb
    .selectFrom('Context as rc')
    .innerJoin('Type as rct', 'rct.id', 'rc.type_id')
    .where('rct.name', '=', KFP_TYPES.pipelineRun)
    .where('rct.type_kind', '=', TYPE_KINDS.context)
    .select('rc.id');
  if (filter.runIds !== undefined) query = query.where('rc.name', 'in', [...filter.runIds]);
  if (filter.namespaces !== null) {
    const namespaces = [...filter.namespaces];
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('ContextProperty as rcp')
          .select('rcp.context_id')
          .whereRef('rcp.context_id', '=', 'rc.id')
          .where('rcp.name', '=', NAMESPACE_PROPERTY)
          .where('rcp.is_custom_property', '=', IS_CUSTOM)
          .where('rcp.string_value', 'in', namespaces),
      ),
    );
  }
  return query;
}

function emptyFilter(filter: RunContextFilter): boolean {
  return (filter.namespaces !== null && filter.namespaces.length === 0) || (filter.runIds !== undefined && filter.runIds.length === 0);
}

/** The artifact `artifactId` is attributed to a run context the filter allows. */
export function artifactInRuns(artifactId: Expression<number>, filter: RunContextFilter): Expression<SqlBool> {
  if (emptyFilter(filter)) return NOTHING;
  return eb.exists(
    eb.selectFrom('Attribution as sat').select('sat.context_id').where('sat.artifact_id', '=', artifactId).where('sat.context_id', 'in', runContextIds(filter)),
  );
}

/** The execution `executionId` is associated with a run context the filter allows. */
export function executionInRuns(executionId: Expression<number>, filter: RunContextFilter): Expression<SqlBool> {
  if (emptyFilter(filter)) return NOTHING;
  return eb.exists(
    eb
      .selectFrom('Association as sas')
      .select('sas.context_id')
      .where('sas.execution_id', '=', executionId)
      .where('sas.context_id', 'in', runContextIds(filter)),
  );
}

/** Visibility of an artifact under the namespaces `allowedNamespaces` gave; undefined when unrestricted. */
export function artifactVisible(artifactId: Expression<number>, namespaces: readonly string[] | null): Expression<SqlBool> | undefined {
  return namespaces === null ? undefined : artifactInRuns(artifactId, { namespaces });
}

export function executionVisible(executionId: Expression<number>, namespaces: readonly string[] | null): Expression<SqlBool> | undefined {
  return namespaces === null ? undefined : executionInRuns(executionId, { namespaces });
}
