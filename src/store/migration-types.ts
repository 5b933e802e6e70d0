import { MysqlAdapter, PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';
import type { SqlDialect } from './sql-dialect.js';

/** The dialect a migration runs on, read from kysely's adapter so migrations need no extra argument. */
export function migrationDialect(db: Kysely<unknown>): SqlDialect {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof MysqlAdapter) return 'mysql';
  return 'sqlite';
}

/**
 * Column types that mean the same on the three dialects. MySQL's TEXT stops at 64 KiB, so documents (pipeline
 * specs, workflow snapshots) are LONGTEXT there; elsewhere TEXT is unbounded.
 */
export function columnTypes(db: Kysely<unknown>): { readonly document: RawBuilder<unknown>; readonly autoId: RawBuilder<unknown> } {
  const dialect = migrationDialect(db);
  return {
    document: dialect === 'mysql' ? sql`longtext` : sql`text`,
    autoId: dialect === 'postgres' ? sql`bigserial` : dialect === 'mysql' ? sql`bigint auto_increment` : sql`integer`,
  };
}
