import { sql, type SelectQueryBuilder } from 'kysely';
import { InvalidInputError } from '../errors/domain-errors.js';
import { decodeCursor, encodeCursor, type SortValue } from './keyset-cursor.js';
import type { PageRequest } from './page-request.js';

export type SortDirection = 'asc' | 'desc';

/** How a list is ordered: one sort column, then the id column so the order is total and stable. */
export interface KeysetOrder<Row> {
  readonly column: string;
  readonly direction: SortDirection;
  readonly idColumn: string;
  readonly valueType: 'string' | 'number';
  readonly valueOf: (row: Row) => SortValue;
  readonly idOf: (row: Row) => string | number;
}

export interface Page<Row> {
  readonly items: readonly Row[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
  readonly cursorOf: (row: Row) => string;
}

/**
 * Runs one keyset-paginated SELECT: `WHERE (col, id) > (cursor)` in the walk's direction, `LIMIT size + 1` to
 * learn whether another page follows. The row-value comparison is spelled out with OR/AND because MySQL and
 * SQLite plan it better than a tuple comparison, and it uses the (scope, col, id) index on all three.
 */
export async function fetchKeysetPage<DB, TB extends keyof DB, Row>(
  query: SelectQueryBuilder<DB, TB, Row>,
  order: KeysetOrder<Row>,
  request: PageRequest,
): Promise<Page<Row>> {
  const rows = await keysetSlice(query, order, request).execute();
  return assemblePage(rows, order, request);
}

/** The direction rows are read in: walking backward reads the reverse order and flips the page afterwards. */
export function readDirectionOf(order: { readonly direction: SortDirection }, request: PageRequest): SortDirection {
  return request.backward === (order.direction === 'asc') ? 'desc' : 'asc';
}

/** `query` restricted to the rows after the cursor, in read order, `size + 1` of them. */
export function keysetSlice<DB, TB extends keyof DB, Row>(
  query: SelectQueryBuilder<DB, TB, Row>,
  order: KeysetOrder<Row>,
  request: PageRequest,
): SelectQueryBuilder<DB, TB, Row> {
  const readDirection = readDirectionOf(order, request);
  const col = sql.ref(order.column);
  const id = sql.ref(order.idColumn);
  let q = query;
  if (request.cursor !== null) {
    const argument = request.backward ? 'before' : 'after';
    const position = decodeCursor(request.cursor, argument);
    if (typeof position.value !== order.valueType) {
      throw new InvalidInputError(`${argument}: the cursor belongs to another ordering`, argument);
    }
    const op = sql.raw(readDirection === 'asc' ? '>' : '<');
    q = q.where(sql<boolean>`(${col} ${op} ${position.value} or (${col} = ${position.value} and ${id} ${op} ${position.id}))`);
  }
  return q
    .orderBy(col, readDirection)
    .orderBy(id, readDirection)
    .limit(request.size + 1);
}

/** The page of `rows` (read by `keysetSlice`): trimmed to size, in display order, with its cursors. */
export function assemblePage<Row>(rows: readonly Row[], order: KeysetOrder<Row>, request: PageRequest): Page<Row> {
  const more = rows.length > request.size;
  const pageRows = more ? rows.slice(0, request.size) : [...rows];
  const items = request.backward ? pageRows.reverse() : pageRows;
  const cursorOf = (row: Row): string => encodeCursor({ value: order.valueOf(row), id: order.idOf(row) });
  const first = items[0];
  const last = items[items.length - 1];
  return {
    items,
    // Relay allows reporting false when the other direction is unknown; a cursor given means a page lies behind.
    hasNextPage: request.backward ? request.cursor !== null : more,
    hasPreviousPage: request.backward ? more : request.cursor !== null,
    startCursor: first === undefined ? null : cursorOf(first),
    endCursor: last === undefined ? null : cursorOf(last),
    cursorOf,
  };
}
