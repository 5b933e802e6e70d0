import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { encodeCursor } from '../store/keyset-cursor.js';
import { assemblePage, fetchKeysetPage, keysetSlice, readDirectionOf, type KeysetOrder, type Page } from '../store/keyset-page.js';
import type { ListOrder } from '../store/list-order.js';
import type { PageRequest } from '../store/page-request.js';
import type { KfpDatabase } from './kfp-tables.js';

/** What every KFP row has to be ordered by: its UUID, a name column and `CreatedAtInSec`. */
export interface KfpOrderable {
  readonly UUID: string;
  readonly CreatedAtInSec: number | string;
}

/**
 * Keyset order over KFP's raw columns: `CreatedAtInSec` (seconds, as stored) then `UUID`, so the comparison is
 * on the columns of KFP's indexes (e.g. run_details `namespace_createatinsec`), never on a computed value.
 */
export function kfpOrder<Raw extends KfpOrderable>(
  alias: string,
  nameColumn: string,
  nameOf: (raw: Raw) => string,
  order: ListOrder = 'CREATED_AT_DESC',
): KeysetOrder<Raw> {
  const byName = order === 'NAME_ASC' || order === 'NAME_DESC';
  return {
    column: `${alias}.${byName ? nameColumn : 'CreatedAtInSec'}`,
    direction: order.endsWith('_ASC') ? 'asc' : 'desc',
    idColumn: `${alias}.UUID`,
    valueType: byName ? 'string' : 'number',
    valueOf: (raw) => (byName ? nameOf(raw) : Number(raw.CreatedAtInSec)),
    idOf: (raw) => raw.UUID,
  };
}

/** One page of raw KFP rows, mapped; cursors carry the raw sort value so the next page compares raw columns. */
export async function fetchKfpPage<DB, TB extends keyof DB, Raw extends KfpOrderable, Row>(
  query: SelectQueryBuilder<DB, TB, Raw>,
  order: KeysetOrder<Raw>,
  request: PageRequest,
  map: (raw: Raw) => Row,
): Promise<Page<Row>> {
  return mapPage(await fetchKeysetPage(query, order, request), map);
}

/**
 * One page drawn from several branches, each walking its own index range in keyset order with its own LIMIT,
 * merged by a UNION ALL and cut to the page. A single `a OR b` would make PostgreSQL OR two bitmaps and sort the
 * whole namespace; this way every branch stops after one page (run lists: own namespace, legacy v1 rows).
 */
export async function fetchKfpUnionPage<DB, TB extends keyof DB, Raw extends KfpOrderable, Row>(
  db: Kysely<KfpDatabase>,
  branches: readonly SelectQueryBuilder<DB, TB, Raw>[],
  order: KeysetOrder<Raw>,
  request: PageRequest,
  map: (raw: Raw) => Row,
): Promise<Page<Row>> {
  const slices = branches.map((branch) => sql`(${keysetSlice(branch, order, request)})`);
  const direction = readDirectionOf(order, request);
  const column = order.column.replace(/^[^.]+\./, 'u.');
  const rows = (await db
    .selectFrom(sql`(${sql.join(slices, sql` union all `)})`.as('u'))
    .selectAll()
    .orderBy(sql.ref(column), direction)
    .orderBy(sql.ref('u.UUID'), direction)
    .limit(request.size + 1)
    .execute()) as unknown as Raw[];
  return mapPage(assemblePage(rows, order, request), map);
}

function mapPage<Raw, Row>(page: Page<Raw>, map: (raw: Raw) => Row): Page<Row> {
  const cursors = new Map<Row, string>();
  const items = page.items.map((raw) => {
    const row = map(raw);
    cursors.set(row, page.cursorOf(raw));
    return row;
  });
  return {
    items,
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage,
    startCursor: page.startCursor,
    endCursor: page.endCursor,
    cursorOf: (row) => cursors.get(row) ?? encodeCursor({ value: '', id: '' }),
  };
}

/** A legacy v1 row: `Namespace` empty, its namespace a Namespace resource reference. */
export function legacyInKfpNamespaces(db: Kysely<KfpDatabase>, alias: string, resourceType: string, namespaces: readonly string[]): RawBuilder<boolean> {
  const legacy = db
    .selectFrom('resource_references as nsref')
    .select('nsref.ResourceUUID')
    .where('nsref.ResourceType', '=', resourceType)
    .where('nsref.ReferenceType', '=', 'Namespace')
    .where('nsref.ReferenceUUID', 'in', namespaces);
  return sql<boolean>`(${sql.ref(`${alias}.Namespace`)} = '' and ${sql.ref(`${alias}.UUID`)} in (${legacy}))`;
}

/**
 * Rows of these namespaces: the row's own `Namespace` column (indexed), or for a legacy v1 row whose column
 * is empty, its Namespace resource reference (KFP: storage/run_store.go reads it from resource_references).
 */
export function inKfpNamespaces(db: Kysely<KfpDatabase>, alias: string, resourceType: string, namespaces: readonly string[]): RawBuilder<boolean> {
  const own = sql.ref(`${alias}.Namespace`);
  const uuid = sql.ref(`${alias}.UUID`);
  const legacy = db
    .selectFrom('resource_references as nsref')
    .select('nsref.ResourceUUID')
    .where('nsref.ResourceType', '=', resourceType)
    .where('nsref.ReferenceType', '=', 'Namespace')
    .where('nsref.ReferenceUUID', 'in', namespaces);
  return sql<boolean>`(${own} in (${sql.join(namespaces)}) or (${own} = '' and ${uuid} in (${legacy})))`;
}

/** The namespace a row belongs to, as a selected column: its own, else its legacy Namespace reference. */
export function resolvedNamespace(alias: string, resourceType: string): RawBuilder<string | null> {
  const own = sql.ref(`${alias}.Namespace`);
  const uuid = sql.ref(`${alias}.UUID`);
  const ref = (column: string) => sql.ref(`nsref.${column}`);
  return sql<
    string | null
  >`case when ${own} = '' then (select ${ref('ReferenceUUID')} from ${sql.table('resource_references')} as ${sql.id('nsref')} where ${ref('ResourceUUID')} = ${uuid} and ${ref('ResourceType')} = ${resourceType} and ${ref('ReferenceType')} = 'Namespace') else ${own} end`;
}

/** Case-insensitive substring match on a KFP name column, with the wildcard escaping of list-order.ts. */
export function columnContains(column: string, text: string): RawBuilder<boolean> {
  const pattern = `%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '!'`;
}
