import { sql, type RawBuilder } from 'kysely';
import type { KeysetOrder } from './keyset-page.js';

/** The orderings every list offers; `CREATED_AT_DESC` (newest first) is the default, as in KFP's UI. */
export type ListOrder = 'CREATED_AT_DESC' | 'CREATED_AT_ASC' | 'NAME_ASC' | 'NAME_DESC';

interface OrderableRow {
  readonly id: string;
  readonly name: string;
  readonly created_at: number;
}

export function keysetOrder<Row extends OrderableRow>(order: ListOrder = 'CREATED_AT_DESC'): KeysetOrder<Row> {
  const byName = order === 'NAME_ASC' || order === 'NAME_DESC';
  return {
    column: byName ? 'name' : 'created_at',
    direction: order.endsWith('_ASC') ? 'asc' : 'desc',
    idColumn: 'id',
    valueType: byName ? 'string' : 'number',
    valueOf: (row) => (byName ? row.name : row.created_at),
    idOf: (row) => row.id,
  };
}

/**
 * A case-insensitive substring match on `name` that behaves the same on the three dialects (SQLite's LIKE
 * ignores ASCII case, PostgreSQL's and a binary MySQL collation's do not). `!` escapes the wildcards in user
 * input because a backslash means something else inside MySQL string literals.
 */
export function nameContains(text: string): RawBuilder<boolean> {
  const pattern = `%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return sql<boolean>`lower(name) like ${pattern} escape '!'`;
}
