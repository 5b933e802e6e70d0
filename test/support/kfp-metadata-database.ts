import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { MetadataTables } from '../../src/mlmd/metadata-tables.js';
import { UnquotedTableNamesPlugin } from '../../src/mlmd/unquoted-table-names-plugin.js';
import type { SqlDialect } from '../../src/store/sql-dialect.js';
import { openStore } from '../../src/store/store-handle.js';
import { createTestDatabase } from './databases.js';

/**
 * A metadata database KFP itself would have: tables created by MLMD's own DDL (the real files in
 * test/fixtures/upstream/mlmd, not kfp-graph's migration) and rows written the way KFP v2's driver and launcher
 * write them, for two tenants `team-a` and `team-b` sharing one system.Pipeline context.
 */
const DDL: Record<SqlDialect, string> = {
  sqlite: 'mlmd_schema_sqlite.sql',
  mysql: 'mlmd_schema_mysql.sql',
  postgres: 'mlmd_schema_postgresql.sql',
};

function ddlStatements(dialect: SqlDialect): string[] {
  const text = readFileSync(join(import.meta.dirname, '../fixtures/upstream/mlmd', DDL[dialect]), 'utf8');
  return text
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export const T = Date.UTC(2024, 4, 1);

/** KFP v2's rows: ids fixed so the assertions can name them. */
async function fillLikeKfp(db: Kysely<MetadataTables>): Promise<void> {
  await db.insertInto('MLMDEnv').values({ schema_version: 10 }).execute();
  const types: [number, string, number][] = [
    [1, 'system.Pipeline', 2],
    [2, 'system.PipelineRun', 2],
    [3, 'system.DAGExecution', 0],
    [4, 'system.ContainerExecution', 0],
    [5, 'system.Dataset', 1],
    [6, 'system.Model', 1],
    [7, 'system.Metrics', 1],
  ];
  await db
    .insertInto('Type')
    .values(
      types.map(([id, name, kind]) => ({
        id,
        name,
        type_kind: kind,
        version: null,
        description: null,
        input_type: null,
        output_type: null,
        external_id: null,
      })),
    )
    .execute();
  // One system.Pipeline context shared by both tenants (KFP keys it by pipeline name only), one run each.
  await db
    .insertInto('Context')
    .values([
      { id: 1, type_id: 1, name: 'iris-training', external_id: null, create_time_since_epoch: T, last_update_time_since_epoch: T },
      { id: 2, type_id: 2, name: 'run-a', external_id: null, create_time_since_epoch: T, last_update_time_since_epoch: T },
      { id: 3, type_id: 2, name: 'run-b', external_id: null, create_time_since_epoch: T, last_update_time_since_epoch: T },
    ])
    .execute();
  const contextProperty = (context_id: number, name: string, string_value: string) => ({
    context_id,
    name,
    is_custom_property: 1,
    string_value,
    int_value: null,
    double_value: null,
    byte_value: null,
    proto_value: null,
    bool_value: null,
  });
  await db
    .insertInto('ContextProperty')
    .values([
      contextProperty(2, 'namespace', 'team-a'),
      contextProperty(2, 'pipeline_root', 'minio://mlpipeline/v2/artifacts/team-a'),
      contextProperty(2, 'resource_name', 'run-a-xyz'),
      contextProperty(3, 'namespace', 'team-b'),
      contextProperty(3, 'pipeline_root', 'minio://mlpipeline/v2/artifacts/team-b'),
      contextProperty(3, 'resource_name', 'run-b-xyz'),
    ])
    .execute();
  await db
    .insertInto('ParentContext')
    .values([
      { context_id: 2, parent_context_id: 1 },
      { context_id: 3, parent_context_id: 1 },
    ])
    .execute();

  // Per run r (0 for a, 1 for b): root DAG, ingest → dataset, train(dataset) → model + metrics.
  for (const r of [0, 1]) {
    const run = r === 0 ? 'a' : 'b';
    const context = 2 + r;
    const x = 10 * r;
    await db
      .insertInto('Execution')
      .values([
        { id: x + 1, type_id: 3, last_known_state: 3, name: null, external_id: null, create_time_since_epoch: T + x, last_update_time_since_epoch: T + x + 9 },
        {
          id: x + 2,
          type_id: 4,
          last_known_state: 3,
          name: null,
          external_id: null,
          create_time_since_epoch: T + x + 1,
          last_update_time_since_epoch: T + x + 2,
        },
        {
          id: x + 3,
          type_id: 4,
          last_known_state: 5,
          name: null,
          external_id: null,
          create_time_since_epoch: T + x + 3,
          last_update_time_since_epoch: T + x + 4,
        },
      ])
      .execute();
    const executionProperty = (execution_id: number, name: string, value: string | number) => ({
      execution_id,
      name,
      is_custom_property: 1,
      string_value: typeof value === 'string' ? value : null,
      int_value: typeof value === 'number' ? value : null,
      double_value: null,
      byte_value: null,
      proto_value: null,
      bool_value: null,
    });
    await db
      .insertInto('ExecutionProperty')
      .values([
        executionProperty(x + 1, 'display_name', `run-${run}`),
        executionProperty(x + 1, 'task_name', ''),
        executionProperty(x + 2, 'display_name', 'ingest'),
        executionProperty(x + 2, 'task_name', 'ingest'),
        executionProperty(x + 2, 'pod_name', `run-${run}-ingest`),
        executionProperty(x + 2, 'namespace', `team-${run}`),
        executionProperty(x + 3, 'display_name', 'train'),
        executionProperty(x + 3, 'task_name', 'train'),
        executionProperty(x + 3, 'pod_name', `run-${run}-train`),
        executionProperty(x + 3, 'parent_dag_id', x + 1),
      ])
      .execute();
    const root = `minio://mlpipeline/v2/artifacts/team-${run}/iris-training/run-${run}`;
    await db
      .insertInto('Artifact')
      .values([
        {
          id: x + 1,
          type_id: 5,
          uri: `${root}/ingest/dataset`,
          state: 2,
          name: null,
          external_id: null,
          create_time_since_epoch: T + x + 2,
          last_update_time_since_epoch: T + x + 2,
        },
        {
          id: x + 2,
          type_id: 6,
          uri: `${root}/train/model`,
          state: 2,
          name: null,
          external_id: null,
          create_time_since_epoch: T + x + 4,
          last_update_time_since_epoch: T + x + 4,
        },
        {
          id: x + 3,
          type_id: 7,
          uri: `${root}/train/metrics`,
          state: 2,
          name: null,
          external_id: null,
          create_time_since_epoch: T + x + 4,
          last_update_time_since_epoch: T + x + 4,
        },
      ])
      .execute();
    await db
      .insertInto('ArtifactProperty')
      .values(
        [
          [x + 1, 'dataset'],
          [x + 2, 'model'],
          [x + 3, 'metrics'],
        ].map(([artifact_id, name]) => ({
          artifact_id: artifact_id as number,
          name: 'display_name',
          is_custom_property: 1,
          string_value: name as string,
          int_value: null,
          double_value: null,
          byte_value: null,
          proto_value: null,
          bool_value: null,
        })),
      )
      .execute();
    await db
      .insertInto('ArtifactProperty')
      .values({
        artifact_id: x + 3,
        name: 'accuracy',
        is_custom_property: 1,
        string_value: null,
        int_value: null,
        double_value: 0.93,
        byte_value: null,
        proto_value: null,
        bool_value: null,
      })
      .execute();
    await db
      .insertInto('Event')
      .values([
        { id: x + 1, artifact_id: x + 1, execution_id: x + 2, type: 4, milliseconds_since_epoch: T + x + 2 },
        { id: x + 2, artifact_id: x + 1, execution_id: x + 3, type: 3, milliseconds_since_epoch: T + x + 3 },
        { id: x + 3, artifact_id: x + 2, execution_id: x + 3, type: 4, milliseconds_since_epoch: T + x + 4 },
        { id: x + 4, artifact_id: x + 3, execution_id: x + 3, type: 4, milliseconds_since_epoch: T + x + 4 },
      ])
      .execute();
    await db
      .insertInto('EventPath')
      .values([
        { event_id: x + 1, is_index_step: 0, step_index: null, step_key: 'dataset' },
        { event_id: x + 2, is_index_step: 0, step_index: null, step_key: 'iris_dataset' },
        { event_id: x + 3, is_index_step: 0, step_index: null, step_key: 'model' },
        { event_id: x + 4, is_index_step: 0, step_index: null, step_key: 'metrics' },
      ])
      .execute();
    // KFP associates executions and attributes artifacts to the run context and to the shared pipeline context.
    await db
      .insertInto('Association')
      .values(
        [1, 2, 3].flatMap((e) => [
          { context_id: context, execution_id: x + e },
          { context_id: 1, execution_id: x + e },
        ]),
      )
      .execute();
    await db
      .insertInto('Attribution')
      .values(
        [1, 2, 3].flatMap((a) => [
          { context_id: context, artifact_id: x + a },
          { context_id: 1, artifact_id: x + a },
        ]),
      )
      .execute();
  }
}

export interface KfpMetadataDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates and fills the database; the caller opens it (read-only) by URL. */
export async function createKfpMetadataDatabase(dialect: SqlDialect): Promise<KfpMetadataDatabase> {
  let url: string;
  let drop: () => Promise<void>;
  if (dialect === 'sqlite') {
    const file = join(tmpdir(), `kfpg-mlmd-${randomBytes(4).toString('hex')}.sqlite`);
    url = `sqlite:${file}`;
    drop = async () => rmSync(file, { force: true });
  } else {
    const database = await createTestDatabase(dialect);
    url = database.url;
    drop = () => database.drop();
  }
  const writable = openStore<MetadataTables>(url);
  try {
    for (const statement of ddlStatements(dialect)) await sql.raw(statement).execute(writable.db);
    // MLMD's PostgreSQL DDL leaves table names unquoted, hence lower case: see UnquotedTableNamesPlugin.
    await fillLikeKfp(dialect === 'postgres' ? writable.db.withPlugin(new UnquotedTableNamesPlugin()) : writable.db);
  } finally {
    await writable.close();
  }
  return { url, drop };
}
