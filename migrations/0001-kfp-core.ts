import type { Kysely } from 'kysely';
import { columnTypes } from '../src/store/migration-types.js';

/**
 * kfp-graph's own tables. Every list is read by keyset on (scope, created_at, id), so each table has that
 * index; names are unique per namespace as in KFP.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { document } = columnTypes(db);

  await db.schema
    .createTable('experiments')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('namespace', 'varchar(63)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('storage_state', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('experiments_namespace_name', ['namespace', 'name'])
    .execute();
  await db.schema.createIndex('experiments_keyset').on('experiments').columns(['namespace', 'created_at', 'id']).execute();

  await db.schema
    .createTable('pipelines')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('namespace', 'varchar(63)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('pipelines_namespace_name', ['namespace', 'name'])
    .execute();
  await db.schema.createIndex('pipelines_keyset').on('pipelines').columns(['namespace', 'created_at', 'id']).execute();

  await db.schema
    .createTable('pipeline_versions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('pipeline_id', 'varchar(36)', (c) => c.notNull().references('pipelines.id').onDelete('cascade'))
    .addColumn('namespace', 'varchar(63)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('spec', document, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('pipeline_versions_pipeline_name', ['pipeline_id', 'name'])
    .execute();
  await db.schema.createIndex('pipeline_versions_keyset').on('pipeline_versions').columns(['pipeline_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('recurring_runs')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('namespace', 'varchar(63)', (c) => c.notNull())
    .addColumn('experiment_id', 'varchar(36)', (c) => c.notNull().references('experiments.id'))
    .addColumn('pipeline_version_id', 'varchar(36)', (c) => c.notNull().references('pipeline_versions.id'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('cron', 'varchar(255)')
    .addColumn('interval_seconds', 'integer')
    .addColumn('max_concurrency', 'integer', (c) => c.notNull())
    .addColumn('catchup', 'integer', (c) => c.notNull())
    .addColumn('start_at', 'bigint')
    .addColumn('end_at', 'bigint')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('parameters', 'text', (c) => c.notNull())
    .addColumn('service_account', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_by_groups', 'text', (c) => c.notNull())
    .addColumn('scheduled_workflow_name', 'varchar(253)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('recurring_runs_namespace_name', ['namespace', 'name'])
    .execute();
  await db.schema.createIndex('recurring_runs_keyset').on('recurring_runs').columns(['namespace', 'created_at', 'id']).execute();

  await db.schema
    .createTable('runs')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('namespace', 'varchar(63)', (c) => c.notNull())
    .addColumn('experiment_id', 'varchar(36)', (c) => c.notNull().references('experiments.id'))
    .addColumn('pipeline_version_id', 'varchar(36)', (c) => c.references('pipeline_versions.id').onDelete('set null'))
    .addColumn('recurring_run_id', 'varchar(36)', (c) => c.references('recurring_runs.id').onDelete('set null'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('storage_state', 'varchar(16)', (c) => c.notNull())
    .addColumn('parameters', 'text', (c) => c.notNull())
    .addColumn('service_account', 'varchar(255)', (c) => c.notNull())
    .addColumn('workflow_name', 'varchar(253)')
    .addColumn('workflow_status', document)
    .addColumn('workflow_resource_version', 'varchar(32)')
    .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('scheduled_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('runs_keyset').on('runs').columns(['namespace', 'created_at', 'id']).execute();
  await db.schema.createIndex('runs_by_experiment').on('runs').columns(['experiment_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('runs_by_recurring_run').on('runs').columns(['recurring_run_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('runs_by_workflow').on('runs').columns(['namespace', 'workflow_name']).execute();

  await db.schema
    .createTable('controller_state')
    .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['controller_state', 'runs', 'recurring_runs', 'pipeline_versions', 'pipelines', 'experiments']) {
    await db.schema.dropTable(table).execute();
  }
}
