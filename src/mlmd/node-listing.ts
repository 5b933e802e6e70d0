import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { InvalidInputError } from '../errors/domain-errors.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';
import type { MetadataArtifact, MetadataExecution, MetadataPage } from './metadata-records.js';
import { allowedNamespaces, type MetadataScope } from './metadata-scope.js';
import type { MetadataTables } from './metadata-tables.js';
import { EXECUTION_STATES, type ExecutionStateName } from './mlmd-enums.js';
import { selectArtifactRows, selectExecutionRows, toArtifacts, toExecutions } from './node-records.js';
import { artifactInRuns, executionInRuns, NOTHING } from './scope-conditions.js';

export interface ArtifactFilter {
  readonly typeIn?: readonly string[];
  readonly uriPrefix?: string;
  readonly runId?: string;
  readonly namespace?: string;
}

export interface ExecutionFilter {
  readonly typeIn?: readonly string[];
  readonly stateIn?: readonly ExecutionStateName[];
  readonly runId?: string;
  readonly namespace?: string;
}

export interface PageRequest<F> {
  readonly filter?: F;
  readonly first: number;
  readonly after?: string | null;
  /** Creation time, newest first (the default, as MLMD lists) or oldest first; ties broken by id. */
  readonly order?: 'desc' | 'asc';
}

function checkFirst(first: number): void {
  if (!Number.isSafeInteger(first) || first < 0) throw new InvalidInputError('first must be a non-negative integer', 'first');
}

/** `LIKE 'prefix%'` with the prefix's wildcards escaped; '!' is an escape character all three dialects accept. */
function startsWith(column: Expression<string | null>, prefix: string): Expression<SqlBool> {
  const pattern = `${prefix.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return sql<SqlBool>`${column} LIKE ${pattern} ESCAPE '!'`;
}

/**
 * Keyset pagination on (create_time_since_epoch, id) in the listing's direction: descending, the row after the
 * cursor is strictly older, or as old with a smaller id. Written as an OR rather than a row-value comparison,
 * which SQLite before 3.15 and MySQL's optimizer handle poorly.
 */
function after<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  time: Expression<number>,
  id: Expression<number>,
  cursor: string,
  order: 'desc' | 'asc',
): Expression<SqlBool> {
  const position = decodeCursor(cursor);
  const op = order === 'desc' ? '<' : '>';
  return eb.or([eb(time, op, position.createdAt), eb.and([eb(time, '=', position.createdAt), eb(id, op, position.id)])]);
}

function page<T extends { id: number; createdAt: number }>(items: T[], first: number): MetadataPage<T> {
  const hasNextPage = items.length > first;
  const pageItems = items.slice(0, first);
  const last = pageItems.at(-1);
  return { items: pageItems, hasNextPage, endCursor: last === undefined ? null : encodeCursor({ createdAt: last.createdAt, id: last.id }) };
}

export async function listArtifacts(
  db: Kysely<MetadataTables>,
  scope: MetadataScope,
  request: PageRequest<ArtifactFilter>,
): Promise<MetadataPage<MetadataArtifact>> {
  checkFirst(request.first);
  const filter = request.filter ?? {};
  const namespaces = allowedNamespaces(scope, filter.namespace);
  let query = selectArtifactRows(db);
  if (namespaces !== null) query = query.where((eb) => artifactInRuns(eb.ref('a.id'), { namespaces }));
  if (filter.runId !== undefined) {
    const runIds = [filter.runId];
    query = query.where((eb) => artifactInRuns(eb.ref('a.id'), { namespaces, runIds }));
  }
  const typeIn = filter.typeIn;
  if (typeIn !== undefined) query = query.where((eb) => (typeIn.length === 0 ? NOTHING : eb('at.name', 'in', [...typeIn])));
  if (filter.uriPrefix !== undefined) {
    const prefix = filter.uriPrefix;
    query = query.where((eb) => startsWith(eb.ref('a.uri'), prefix));
  }
  const cursor = request.after;
  const order = request.order ?? 'desc';
  if (cursor != null) query = query.where((eb) => after(eb, eb.ref('a.create_time_since_epoch'), eb.ref('a.id'), cursor, order));
  const rows = await query
    .orderBy('a.create_time_since_epoch', order)
    .orderBy('a.id', order)
    .limit(request.first + 1)
    .execute();
  return page(toArtifacts(rows), request.first);
}

export async function listExecutions(
  db: Kysely<MetadataTables>,
  scope: MetadataScope,
  request: PageRequest<ExecutionFilter>,
): Promise<MetadataPage<MetadataExecution>> {
  checkFirst(request.first);
  const filter = request.filter ?? {};
  const namespaces = allowedNamespaces(scope, filter.namespace);
  let query = selectExecutionRows(db);
  if (namespaces !== null) query = query.where((eb) => executionInRuns(eb.ref('x.id'), { namespaces }));
  if (filter.runId !== undefined) {
    const runIds = [filter.runId];
    query = query.where((eb) => executionInRuns(eb.ref('x.id'), { namespaces, runIds }));
  }
  const typeIn = filter.typeIn;
  if (typeIn !== undefined) query = query.where((eb) => (typeIn.length === 0 ? NOTHING : eb('xt.name', 'in', [...typeIn])));
  const stateIn = filter.stateIn;
  if (stateIn !== undefined) {
    // A NULL last_known_state reads as UNKNOWN, so asking for UNKNOWN must match it too.
    const states = stateIn.map((name) => EXECUTION_STATES[name]);
    query = query.where((eb) => {
      const conditions: Expression<SqlBool>[] = [];
      if (states.length > 0) conditions.push(eb('x.last_known_state', 'in', states));
      if (stateIn.includes('UNKNOWN')) conditions.push(eb('x.last_known_state', 'is', null));
      return conditions.length === 0 ? NOTHING : eb.or(conditions);
    });
  }
  const cursor = request.after;
  const order = request.order ?? 'desc';
  if (cursor != null) query = query.where((eb) => after(eb, eb.ref('x.create_time_since_epoch'), eb.ref('x.id'), cursor, order));
  const rows = await query
    .orderBy('x.create_time_since_epoch', order)
    .orderBy('x.id', order)
    .limit(request.first + 1)
    .execute();
  return page(toExecutions(rows), request.first);
}
