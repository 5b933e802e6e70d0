/**
 * Lineage benchmark: seeds an ML-Metadata lineage graph of N artifacts (default 100,000)
 * and prints `lineage` latency at depth 1, 3 and 5 (p50/p95 over the calls) and the SQL statements per call.
 *
 *   npx tsx bench/lineage.ts [N] [sqlite|postgres|mysql ...]      (default: 100000 sqlite)
 *
 * The graph: runs of RUN_LENGTH steps, spread over TENANTS namespaces. Step i of a run executes once, reads the
 * artifact of step i-1 and of step i-SKIP (when they exist) and writes one artifact, so from a middle artifact
 * the walk fans out both ways and depth 5 touches a few dozen nodes. Rows are generated and bulk-inserted with
 * kysely in chunks (the types and one run come from MetadataWriter, so names and property shapes are KFP's).
 * Calls run as a tenant (namespace scope), the path every non-admin request takes.
 */
import 'reflect-metadata';
import { sql, type Kysely } from 'kysely';
import { MetadataReader } from '../src/mlmd/metadata-reader.js';
import { namespacesScope } from '../src/mlmd/metadata-scope.js';
import type { MetadataTables } from '../src/mlmd/metadata-tables.js';
import { MetadataWriter } from '../src/mlmd/metadata-writer.js';
import { ARTIFACT_STATES, EVENT_TYPES, EXECUTION_STATES, KFP_TYPES, NAMESPACE_PROPERTY, TYPE_KINDS } from '../src/mlmd/mlmd-enums.js';
import type { SqlDialect } from '../src/store/sql-dialect.js';
import type { StoreHandle } from '../src/store/store-handle.js';
import { createTestStore } from '../test/support/databases.js';

const RUN_LENGTH = 100;
const SKIP = 7;
const TENANTS = 10;
const CALLS = 50;
const DEPTHS = [1, 3, 5] as const;
const CHUNK = 1_000;

interface Seeded {
  readonly artifactIds: readonly number[];
  /** Index in artifactIds → the tenant namespace of its run. */
  readonly namespaceOf: (index: number) => string;
  readonly seconds: number;
}

async function typeId(db: Kysely<MetadataTables>, name: string, kind: keyof typeof TYPE_KINDS): Promise<number> {
  const row = await db.selectFrom('Type').select('id').where('name', '=', name).where('type_kind', '=', TYPE_KINDS[kind]).executeTakeFirstOrThrow();
  return Number(row.id);
}

async function maxId(db: Kysely<MetadataTables>, table: 'Artifact' | 'Execution' | 'Context'): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

async function insertChunked<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let from = 0; from < rows.length; from += CHUNK) await insert(rows.slice(from, from + CHUNK));
}

async function seed(store: StoreHandle, artifacts: number): Promise<Seeded> {
  const started = performance.now();
  const db = store.db as unknown as Kysely<MetadataTables>;
  const now = Date.UTC(2025, 0, 1);
  // One real run through the writer creates the KFP types exactly as the sync controller would.
  await new MetadataWriter(db, store.dialect).recordRun(
    {
      runId: 'bench-types',
      namespace: 'tenant-0',
      pipelineName: 'bench',
      executions: [
        {
          key: 'bench-types/step',
          name: 'step',
          type: KFP_TYPES.containerExecution,
          state: 'COMPLETE',
          createdAt: now,
          updatedAt: now,
          outputs: [{ uri: 's3://bench/types', name: 'out', type: 'system.Dataset' }],
        },
      ],
    },
    now,
  );
  const runType = await typeId(db, KFP_TYPES.pipelineRun, 'context');
  const executionType = await typeId(db, KFP_TYPES.containerExecution, 'execution');
  const artifactType = await typeId(db, 'system.Dataset', 'artifact');
  const artifactBase = (await maxId(db, 'Artifact')) + 1;
  const executionBase = (await maxId(db, 'Execution')) + 1;
  const contextBase = (await maxId(db, 'Context')) + 1;

  const runs = Math.ceil(artifacts / RUN_LENGTH);
  const namespaceOfRun = (run: number): string => `tenant-${run % TENANTS}`;
  const contexts = Array.from({ length: runs }, (_, run) => ({
    id: contextBase + run,
    type_id: runType,
    name: `bench-run-${run}`,
    external_id: null,
    create_time_since_epoch: now,
    last_update_time_since_epoch: now,
  }));
  await insertChunked(contexts, (chunk) => db.insertInto('Context').values(chunk).execute());
  const contextProperties = contexts.map((c, run) => ({
    context_id: c.id,
    name: NAMESPACE_PROPERTY,
    is_custom_property: 1,
    string_value: namespaceOfRun(run),
    int_value: null,
    double_value: null,
    bool_value: null,
    byte_value: null,
    proto_value: null,
  }));
  await insertChunked(contextProperties, (chunk) => db.insertInto('ContextProperty').values(chunk).execute());

  const indexes = Array.from({ length: artifacts }, (_, i) => i);
  await insertChunked(indexes, (chunk) =>
    db
      .insertInto('Execution')
      .values(
        chunk.map((i) => ({
          id: executionBase + i,
          type_id: executionType,
          last_known_state: EXECUTION_STATES.COMPLETE,
          name: null,
          external_id: null,
          create_time_since_epoch: now + i,
          last_update_time_since_epoch: now + i,
        })),
      )
      .execute(),
  );
  await insertChunked(indexes, (chunk) =>
    db
      .insertInto('Artifact')
      .values(
        chunk.map((i) => ({
          id: artifactBase + i,
          type_id: artifactType,
          uri: `s3://mlpipeline/v2/artifacts/${namespaceOfRun(Math.floor(i / RUN_LENGTH))}/bench-run-${Math.floor(i / RUN_LENGTH)}/step-${i % RUN_LENGTH}/out`,
          state: ARTIFACT_STATES.LIVE,
          name: null,
          external_id: null,
          create_time_since_epoch: now + i,
          last_update_time_since_epoch: now + i,
        })),
      )
      .execute(),
  );
  await insertChunked(indexes, (chunk) =>
    db
      .insertInto('Association')
      .values(chunk.map((i) => ({ context_id: contextBase + Math.floor(i / RUN_LENGTH), execution_id: executionBase + i })))
      .execute(),
  );
  await insertChunked(indexes, (chunk) =>
    db
      .insertInto('Attribution')
      .values(chunk.map((i) => ({ context_id: contextBase + Math.floor(i / RUN_LENGTH), artifact_id: artifactBase + i })))
      .execute(),
  );

  const events: { artifact_id: number; execution_id: number; type: number; milliseconds_since_epoch: number }[] = [];
  for (let i = 0; i < artifacts; i += 1) {
    const step = i % RUN_LENGTH;
    events.push({ artifact_id: artifactBase + i, execution_id: executionBase + i, type: EVENT_TYPES.OUTPUT, milliseconds_since_epoch: now + i });
    if (step >= 1)
      events.push({ artifact_id: artifactBase + i - 1, execution_id: executionBase + i, type: EVENT_TYPES.INPUT, milliseconds_since_epoch: now + i });
    if (step >= SKIP)
      events.push({ artifact_id: artifactBase + i - SKIP, execution_id: executionBase + i, type: EVENT_TYPES.INPUT, milliseconds_since_epoch: now + i });
  }
  await insertChunked(events, (chunk) => db.insertInto('Event').values(chunk).execute());
  // Planner statistics, as autovacuum (PostgreSQL) would gather them soon after a bulk load like this one.
  if (store.dialect !== 'mysql') await sql`ANALYZE`.execute(store.db);
  return {
    artifactIds: indexes.map((i) => artifactBase + i),
    namespaceOf: (index) => namespaceOfRun(Math.floor(index / RUN_LENGTH)),
    seconds: (performance.now() - started) / 1000,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Deterministic picks (no Math.random): artifacts in the middle of their run, so both directions have depth. */
function picks(count: number, total: number): number[] {
  const runs = Math.floor(total / RUN_LENGTH);
  return Array.from({ length: count }, (_, k) => {
    const run = (k * 7919) % Math.max(1, runs);
    const step = 30 + ((k * 13) % 40);
    return Math.min(total - 1, run * RUN_LENGTH + step);
  });
}

async function benchDialect(dialect: SqlDialect, artifacts: number): Promise<void> {
  const store = await createTestStore(dialect);
  try {
    const seeded = await seed(store, artifacts);
    const events = await store.db
      .selectFrom('Event' as never)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    console.log(
      `\n[${dialect}] seeded ${artifacts.toLocaleString('en')} artifacts, ${artifacts.toLocaleString('en')} executions, ${Number((events as { n?: unknown } | undefined)?.n ?? 0).toLocaleString('en')} events in ${seeded.seconds.toFixed(1)} s`,
    );
    const reader = new MetadataReader(store.db as unknown as Kysely<MetadataTables>);
    const chosen = picks(CALLS, artifacts);
    console.log('depth  direction  p50 ms   p95 ms   statements/call  nodes/call (avg)');
    for (const depth of DEPTHS) {
      for (const direction of ['UPSTREAM', 'BOTH'] as const) {
        // One warm-up call so that the first timing does not carry prepared-statement and cache set-up.
        await reader.lineage({
          start: { kind: 'artifact', id: seeded.artifactIds[chosen[0] ?? 0] ?? 1 },
          direction,
          depth,
          scope: namespacesScope([seeded.namespaceOf(chosen[0] ?? 0)]),
        });
        const times: number[] = [];
        const statements: number[] = [];
        let nodes = 0;
        for (const index of chosen) {
          const before = store.statements.count;
          const started = performance.now();
          const graph = await reader.lineage({
            start: { kind: 'artifact', id: seeded.artifactIds[index] ?? 1 },
            direction,
            depth,
            scope: namespacesScope([seeded.namespaceOf(index)]),
          });
          times.push(performance.now() - started);
          statements.push(store.statements.count - before);
          nodes += graph.artifacts.length + graph.executions.length;
        }
        times.sort((a, b) => a - b);
        const maxStatements = Math.max(...statements);
        const minStatements = Math.min(...statements);
        console.log(
          `${String(depth).padEnd(7)}${direction.padEnd(11)}${percentile(times, 50).toFixed(2).padStart(7)}  ${percentile(times, 95).toFixed(2).padStart(7)}   ${(minStatements === maxStatements ? String(maxStatements) : `${minStatements}–${maxStatements}`).padEnd(17)}${(nodes / chosen.length).toFixed(1)}`,
        );
      }
    }
  } finally {
    await store.close();
  }
}

const args = process.argv.slice(2);
const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
const dialects = args.filter((a): a is SqlDialect => a === 'sqlite' || a === 'postgres' || a === 'mysql');
if (!Number.isSafeInteger(count) || count < RUN_LENGTH) throw new Error(`N must be an integer of at least ${RUN_LENGTH}`);
console.log(
  `lineage benchmark: ${count.toLocaleString('en')} artifacts, runs of ${RUN_LENGTH} steps over ${TENANTS} tenants, ${CALLS} calls per row, tenant scope`,
);
for (const dialect of dialects.length > 0 ? dialects : (['sqlite'] as const)) await benchDialect(dialect, count);
