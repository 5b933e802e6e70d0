import type { Kysely } from 'kysely';

/**
 * Exactly-once creates: the request IDs clients send with create mutations (scoped per user), and the
 * "pending creation" mark of a run whose Workflow is not confirmed yet. Plain types only, so the same DDL runs
 * on SQLite, PostgreSQL and MySQL/MariaDB.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('owner', 'varchar(255)', (c) => c.notNull())
    .addColumn('request_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('operation', 'varchar(64)', (c) => c.notNull())
    .addColumn('fingerprint', 'varchar(64)', (c) => c.notNull())
    .addColumn('resource_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['owner', 'request_id'])
    .execute();
  await db.schema.createIndex('idempotency_keys_created_at').on('idempotency_keys').column('created_at').execute();
  await db.schema.alterTable('runs').addColumn('pending_since', 'bigint').execute();
  await db.schema.createIndex('runs_pending_since').on('runs').column('pending_since').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('runs_pending_since').on('runs').execute();
  await db.schema.alterTable('runs').dropColumn('pending_since').execute();
  await db.schema.dropTable('idempotency_keys').execute();
}
