import { Migrator, sql, type MigrationResultSet } from 'kysely';
import { migrations } from '../../migrations/index.js';
import type { StoreHandle } from './store-handle.js';

/**
 * Applies every pending migration; throws with the failing migration's name if one fails.
 *
 * On PostgreSQL the migration tables are pinned to the connection's current schema. Without that, kysely decides
 * whether its tables exist by looking at every schema of the database, so a second kfp-graph (or test) schema
 * holding `kfp_graph_migrations_lock` made it skip creating its own and fail with "relation does not exist".
 */
export async function migrateToLatest(store: StoreHandle): Promise<readonly string[]> {
  const migrationTableSchema = store.dialect === 'postgres' ? await currentSchema(store) : undefined;
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'kfp_graph_migrations',
    migrationLockTableName: 'kfp_graph_migrations_lock',
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${String(result.error instanceof Error ? result.error.message : result.error)}`);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function currentSchema(store: StoreHandle): Promise<string | undefined> {
  const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(store.db);
  return result.rows[0]?.schema ?? undefined;
}
