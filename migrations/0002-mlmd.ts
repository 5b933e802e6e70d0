import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import { migrationDialect } from '../src/store/migration-types.js';

/**
 * ML-Metadata's tables and secondary indices, schema version 10, as MLMD's own DDL creates them
 * (ml_metadata/util/metadata_source_query_config.cc): same table names, columns, keys and unique constraints,
 * so the metadata reader runs unchanged against an existing KFP metadata database.
 */
type Table = CreateTableBuilder<string, string>;

const PROPERTY_OWNERS = [
  ['ArtifactProperty', 'artifact_id', 'artifact'],
  ['ExecutionProperty', 'execution_id', 'execution'],
  ['ContextProperty', 'context_id', 'context'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const dialect = migrationDialect(db);
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  // MLMD's ids are AUTOINCREMENT on SQLite, SERIAL on PostgreSQL and AUTO_INCREMENT on MySQL.
  const withId = (table: Table): Table =>
    dialect === 'postgres' ? table.addColumn('id', 'serial', (c) => c.primaryKey()) : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  const withTimes = (table: Table): Table =>
    table
      .addColumn('create_time_since_epoch', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('last_update_time_since_epoch', 'bigint', (c) => c.notNull().defaultTo(0));

  await withId(db.schema.createTable('Type'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('version', 'varchar(255)')
    .addColumn('type_kind', 'smallint', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('input_type', 'text')
    .addColumn('output_type', 'text')
    .addColumn('external_id', 'varchar(255)', (c) => c.unique())
    .execute();
  await db.schema
    .createTable('TypeProperty')
    .addColumn('type_id', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('data_type', 'integer')
    .addPrimaryKeyConstraint('TypeProperty_pk', ['type_id', 'name'])
    .execute();
  await db.schema
    .createTable('ParentType')
    .addColumn('type_id', 'integer', (c) => c.notNull())
    .addColumn('parent_type_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('ParentType_pk', ['type_id', 'parent_type_id'])
    .execute();

  await withTimes(
    withId(db.schema.createTable('Artifact'))
      .addColumn('type_id', 'integer', (c) => c.notNull())
      .addColumn('uri', 'text')
      .addColumn('state', 'integer')
      .addColumn('name', 'varchar(255)')
      .addColumn('external_id', 'varchar(255)', (c) => c.unique()),
  )
    .addUniqueConstraint('Artifact_type_id_name', ['type_id', 'name'])
    .execute();
  await withTimes(
    withId(db.schema.createTable('Execution'))
      .addColumn('type_id', 'integer', (c) => c.notNull())
      .addColumn('last_known_state', 'integer')
      .addColumn('name', 'varchar(255)')
      .addColumn('external_id', 'varchar(255)', (c) => c.unique()),
  )
    .addUniqueConstraint('Execution_type_id_name', ['type_id', 'name'])
    .execute();
  await withTimes(
    withId(db.schema.createTable('Context'))
      .addColumn('type_id', 'integer', (c) => c.notNull())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('external_id', 'varchar(255)', (c) => c.unique()),
  )
    .addUniqueConstraint('Context_type_id_name', ['type_id', 'name'])
    .execute();

  for (const [table, owner] of PROPERTY_OWNERS) {
    await db.schema
      .createTable(table)
      .addColumn(owner, 'integer', (c) => c.notNull())
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('is_custom_property', 'smallint', (c) => c.notNull())
      .addColumn('int_value', 'bigint')
      .addColumn('double_value', 'double precision')
      .addColumn('string_value', 'text')
      .addColumn('byte_value', blob)
      .addColumn('proto_value', blob)
      .addColumn('bool_value', 'boolean')
      .addPrimaryKeyConstraint(`${table}_pk`, [owner, 'name', 'is_custom_property'])
      .execute();
  }

  await withId(db.schema.createTable('Event'))
    .addColumn('artifact_id', 'integer', (c) => c.notNull())
    .addColumn('execution_id', 'integer', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('milliseconds_since_epoch', 'bigint')
    .addUniqueConstraint('Event_artifact_execution_type', ['artifact_id', 'execution_id', 'type'])
    .execute();
  await db.schema
    .createTable('EventPath')
    .addColumn('event_id', 'integer', (c) => c.notNull())
    .addColumn('is_index_step', 'smallint', (c) => c.notNull())
    .addColumn('step_index', 'integer')
    .addColumn('step_key', 'text')
    .execute();
  await db.schema
    .createTable('MLMDEnv')
    .addColumn('schema_version', 'integer', (c) => c.primaryKey())
    .execute();
  await db.schema
    .createTable('ParentContext')
    .addColumn('context_id', 'integer', (c) => c.notNull())
    .addColumn('parent_context_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('ParentContext_pk', ['context_id', 'parent_context_id'])
    .execute();
  await withId(db.schema.createTable('Association'))
    .addColumn('context_id', 'integer', (c) => c.notNull())
    .addColumn('execution_id', 'integer', (c) => c.notNull())
    .addUniqueConstraint('Association_context_execution', ['context_id', 'execution_id'])
    .execute();
  await withId(db.schema.createTable('Attribution'))
    .addColumn('context_id', 'integer', (c) => c.notNull())
    .addColumn('artifact_id', 'integer', (c) => c.notNull())
    .addUniqueConstraint('Attribution_context_artifact', ['context_id', 'artifact_id'])
    .execute();
  // kfp-graph scopes executions and artifacts through their contexts: these reverse lookups are MLMD's own
  // unique keys on MySQL/PostgreSQL too, but the reverse direction (artifact → contexts) needs its own index.
  await db.schema.createIndex('idx_attribution_artifact_id').on('Attribution').column('artifact_id').execute();
  await db.schema.createIndex('idx_association_execution_id').on('Association').column('execution_id').execute();

  await createSecondaryIndices(db, dialect === 'mysql');
  await sql`INSERT INTO ${sql.table('MLMDEnv')} (schema_version) VALUES (10)`.execute(db);
}

async function createSecondaryIndices(db: Kysely<unknown>, mysql: boolean): Promise<void> {
  const plain: readonly (readonly [string, string, readonly string[]])[] = [
    ['idx_artifact_create_time_since_epoch', 'Artifact', ['create_time_since_epoch']],
    ['idx_artifact_last_update_time_since_epoch', 'Artifact', ['last_update_time_since_epoch']],
    ['idx_event_execution_id', 'Event', ['execution_id']],
    ['idx_parentcontext_parent_context_id', 'ParentContext', ['parent_context_id']],
    ['idx_type_name', 'Type', ['name']],
    ['idx_execution_create_time_since_epoch', 'Execution', ['create_time_since_epoch']],
    ['idx_execution_last_update_time_since_epoch', 'Execution', ['last_update_time_since_epoch']],
    ['idx_context_create_time_since_epoch', 'Context', ['create_time_since_epoch']],
    ['idx_context_last_update_time_since_epoch', 'Context', ['last_update_time_since_epoch']],
    ['idx_eventpath_event_id', 'EventPath', ['event_id']],
    ['idx_type_external_id', 'Type', ['external_id']],
    ['idx_artifact_external_id', 'Artifact', ['external_id']],
    ['idx_execution_external_id', 'Execution', ['external_id']],
    ['idx_context_external_id', 'Context', ['external_id']],
  ];
  for (const [name, table, columns] of plain) {
    await db.schema
      .createIndex(name)
      .on(table)
      .columns([...columns])
      .execute();
  }
  // MySQL cannot index TEXT without a prefix length (MLMD uses 255); SQLite and PostgreSQL use partial indices.
  if (mysql) {
    await sql`ALTER TABLE ${sql.table('Artifact')} ADD INDEX idx_artifact_uri (uri(255))`.execute(db);
  } else {
    await db.schema.createIndex('idx_artifact_uri').on('Artifact').column('uri').execute();
  }
  for (const [table, , prefix] of PROPERTY_OWNERS) {
    for (const kind of ['int', 'double', 'string'] as const) {
      const name = `idx_${prefix}_property_${kind}`;
      const column = `${kind}_value`;
      if (mysql) {
        const valueColumn = kind === 'string' ? sql`string_value(255)` : sql.ref(column);
        await sql`ALTER TABLE ${sql.table(table)} ADD INDEX ${sql.id(name)} (name(255), is_custom_property, ${valueColumn})`.execute(db);
      } else {
        await db.schema.createIndex(name).on(table).columns(['name', 'is_custom_property', column]).where(sql.ref(column), 'is not', null).execute();
      }
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const tables = [
    'Attribution',
    'Association',
    'ParentContext',
    'MLMDEnv',
    'EventPath',
    'Event',
    'ContextProperty',
    'ExecutionProperty',
    'ArtifactProperty',
    'Context',
    'Execution',
    'Artifact',
    'ParentType',
    'TypeProperty',
    'Type',
  ];
  for (const table of tables) await db.schema.dropTable(table).execute();
}
