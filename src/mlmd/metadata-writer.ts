import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { InvalidInputError } from '../errors/domain-errors.js';
import type { SqlDialect } from '../store/sql-dialect.js';
import type { MetadataTables } from './metadata-tables.js';
import { ARTIFACT_STATES, DISPLAY_NAME_PROPERTY, EVENT_TYPES, EXECUTION_STATES, KFP_TYPES, PARENT_DAG_ID_PROPERTY } from './mlmd-enums.js';
import type { RecordedArtifact, RecordedExecution, RecordedRun, RecordedRunIds, WritablePropertyValue } from './run-record.js';
import { chunksOf, distinct } from './sql-chunks.js';
import {
  ensureContextProperties,
  ensureContexts,
  ensureLinks,
  ensureParentContext,
  ensureRunNamespace,
  ensureTypes,
  typeKey,
  upsertCustomProperties,
} from './writer-rows.js';

/** MLMD's external_id is VARCHAR(255); longer identities are replaced by a digest, still unique and stable. */
const EXTERNAL_ID_MAX = 255;
const INSERT_CHUNK = 200;

function externalId(identity: string): string {
  return identity.length <= EXTERNAL_ID_MAX ? identity : `sha256:${createHash('sha256').update(identity).digest('hex')}`;
}

interface ArtifactPlan {
  readonly identity: string;
  readonly externalId: string;
  readonly uri: string;
  readonly name: string;
  readonly type: string;
  readonly createdAt: number;
}

/**
 * Writes a run's executions and artifacts into ML-Metadata the way KFP v2's driver and launcher do
 * (backend/src/v2/metadata/client.go): a system.PipelineRun context named by the run ID carrying the
 * `namespace` custom property, a system.Pipeline context named by the pipeline (shared by every tenant that
 * runs a pipeline of that name, so it is never a scope), executions and artifacts associated/attributed to
 * both, and INPUT/OUTPUT events whose EventPath step key is the artifact's input or output name.
 *
 * `recordRun` is idempotent: replaying the same run changes nothing; a newer execution state updates the row.
 * It works by select-then-insert inside one transaction, so the same code runs on SQLite, PostgreSQL and MySQL
 * (which has no RETURNING).
 *
 * @example
 * await new MetadataWriter(store.db, store.dialect).recordRun({ runId, namespace: 'team-a', pipelineName: 'train', executions });
 */
export class MetadataWriter {
  readonly #db: Kysely<MetadataTables>;
  readonly #dialect: SqlDialect;

  constructor(db: Kysely<MetadataTables>, dialect: SqlDialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  get dialect(): SqlDialect {
    return this.#dialect;
  }

  /** Bad input rejects the promise (never throws synchronously), before anything is written. */
  async recordRun(run: RecordedRun, now: number = Date.now()): Promise<RecordedRunIds> {
    validate(run);
    return this.#db.transaction().execute((trx) => recordRunIn(trx, run, now));
  }
}

function validate(run: RecordedRun): void {
  if (run.runId === '') throw new InvalidInputError('runId is required', 'runId');
  if (run.namespace === '') throw new InvalidInputError('namespace is required', 'namespace');
  if (run.pipelineName === '') throw new InvalidInputError('pipelineName is required', 'pipelineName');
  const keys = run.executions.map((e) => e.key);
  if (new Set(keys).size !== keys.length) throw new InvalidInputError('execution keys must be unique within a run', 'executions');
  const dags = new Set(run.executions.filter((e) => e.type === 'system.DAGExecution').map((e) => e.key));
  if (run.executions.some((e) => e.parentKey !== undefined && !dags.has(e.parentKey))) {
    throw new InvalidInputError("an execution's parentKey must name a system.DAGExecution of the same run", 'executions');
  }
}

async function recordRunIn(db: Kysely<MetadataTables>, run: RecordedRun, now: number): Promise<RecordedRunIds> {
  const artifacts = planArtifacts(run);
  const types = await ensureTypes(db, [
    { kind: 'context', name: KFP_TYPES.pipelineRun },
    { kind: 'context', name: KFP_TYPES.pipeline },
    ...run.executions.map((e) => ({ kind: 'execution' as const, name: e.type })),
    ...[...artifacts.values()].map((a) => ({ kind: 'artifact' as const, name: a.type })),
  ]);
  const typeId = (kind: 'context' | 'execution' | 'artifact', name: string): number => types.get(typeKey(kind, name)) as number;

  const [runContextId, pipelineContextId] = (await ensureContexts(
    db,
    [
      { typeId: typeId('context', KFP_TYPES.pipelineRun), name: run.runId },
      { typeId: typeId('context', KFP_TYPES.pipeline), name: run.pipelineName },
    ],
    now,
  )) as [number, number];
  await ensureRunNamespace(db, runContextId, run.namespace);
  await ensureContextProperties(db, runContextId, run.runContextProperties ?? {});
  await ensureParentContext(db, runContextId, pipelineContextId);

  const executionIds = await upsertExecutions(db, run.executions, (name) => typeId('execution', name));
  const artifactIds = await upsertArtifacts(db, [...artifacts.values()], (name) => typeId('artifact', name));

  await upsertCustomProperties(
    db,
    'ExecutionProperty',
    new Map(run.executions.map((e) => [executionIds.get(e.key) as number, executionProperties(e, executionIds)])),
  );
  await upsertCustomProperties(
    db,
    'ArtifactProperty',
    new Map(
      [...artifacts.values()].map((a) => [artifactIds.get(a.identity) as number, { [DISPLAY_NAME_PROPERTY]: a.name } as Record<string, WritablePropertyValue>]),
    ),
  );

  await ensureEvents(db, run, artifacts, executionIds, artifactIds);
  await ensureLinks(db, 'Association', [runContextId, pipelineContextId], [...executionIds.values()]);
  await ensureLinks(db, 'Attribution', [runContextId, pipelineContextId], [...artifactIds.values()]);
  return { runContextId, pipelineContextId, executionIds, artifactIds };
}

/** KFP's keys: `display_name` always, `parent_dag_id` (an MLMD int ID) when the execution runs in a DAG of the run. */
function executionProperties(execution: RecordedExecution, executionIds: ReadonlyMap<string, number>): Record<string, WritablePropertyValue> {
  const parent = execution.parentKey === undefined ? undefined : executionIds.get(execution.parentKey);
  return {
    ...execution.customProperties,
    [DISPLAY_NAME_PROPERTY]: execution.name,
    ...(parent === undefined ? {} : { [PARENT_DAG_ID_PROPERTY]: parent }),
  };
}

/**
 * One plan per distinct artifact of the run. An artifact is its URI within the run (or the `key` any mention
 * of that URI carries): an input naming the URI an earlier task wrote is that same artifact, which is what
 * links producer to consumer in the lineage. The producer's name and type win over a consumer's.
 */
function planArtifacts(run: RecordedRun): Map<string, ArtifactPlan> {
  const keyOfUri = new Map<string, string>();
  for (const execution of run.executions) {
    for (const artifact of [...(execution.outputs ?? []), ...(execution.inputs ?? [])]) {
      if (artifact.key !== undefined && !keyOfUri.has(artifact.uri)) keyOfUri.set(artifact.uri, artifact.key);
    }
  }
  const identityOf = (artifact: RecordedArtifact): string => keyOfUri.get(artifact.uri) ?? `${run.runId}#${artifact.uri}`;
  const plans = new Map<string, ArtifactPlan>();
  for (const pass of ['outputs', 'inputs'] as const) {
    for (const execution of run.executions) {
      for (const artifact of execution[pass] ?? []) {
        const identity = identityOf(artifact);
        if (plans.has(identity)) continue;
        const createdAt = pass === 'outputs' ? execution.updatedAt : execution.createdAt;
        plans.set(identity, { identity, externalId: externalId(identity), uri: artifact.uri, name: artifact.name, type: artifact.type, createdAt });
      }
    }
  }
  return plans;
}

/** `Map<artifact mention, identity>` resolved the same way planArtifacts did. */
function identityFinder(run: RecordedRun, plans: ReadonlyMap<string, ArtifactPlan>): (artifact: RecordedArtifact) => string {
  const byUri = new Map<string, string>();
  for (const plan of plans.values()) if (!byUri.has(plan.uri)) byUri.set(plan.uri, plan.identity);
  return (artifact) => (artifact.key !== undefined && plans.has(artifact.key) ? artifact.key : (byUri.get(artifact.uri) ?? `${run.runId}#${artifact.uri}`));
}

async function selectByExternalId(db: Kysely<MetadataTables>, table: 'Execution' | 'Artifact', externalIds: readonly string[]) {
  const rows: { id: number; external_id: string | null; state: number | null; updated: number }[] = [];
  for (const chunk of chunksOf(distinct(externalIds))) {
    if (table === 'Execution') {
      rows.push(
        ...(await db
          .selectFrom('Execution')
          .select(['id', 'external_id', 'last_known_state as state', 'last_update_time_since_epoch as updated'])
          .where('external_id', 'in', chunk)
          .execute()),
      );
    } else {
      rows.push(
        ...(await db
          .selectFrom('Artifact')
          .select(['id', 'external_id', 'state', 'last_update_time_since_epoch as updated'])
          .where('external_id', 'in', chunk)
          .execute()),
      );
    }
  }
  return new Map(rows.map((row) => [row.external_id as string, { ...row, id: Number(row.id), updated: Number(row.updated) }]));
}

/**
 * Executions are keyed by `external_id`. A replay of an older snapshot (the sync controller may see events out
 * of order) never moves an execution back: the row is updated only by a snapshot at least as new.
 */
async function upsertExecutions(
  db: Kysely<MetadataTables>,
  executions: readonly RecordedExecution[],
  typeId: (name: string) => number,
): Promise<Map<string, number>> {
  const keys = executions.map((e) => externalId(e.key));
  const existing = await selectByExternalId(db, 'Execution', keys);
  const missing = executions.filter((e) => !existing.has(externalId(e.key)));
  for (const chunk of chunksOf(missing, INSERT_CHUNK)) {
    await db
      .insertInto('Execution')
      .values(
        chunk.map((e) => ({
          type_id: typeId(e.type),
          last_known_state: EXECUTION_STATES[e.state],
          name: null,
          external_id: externalId(e.key),
          create_time_since_epoch: e.createdAt,
          last_update_time_since_epoch: e.updatedAt,
        })),
      )
      .execute();
  }
  for (const e of executions) {
    const row = existing.get(externalId(e.key));
    if (row === undefined) continue;
    const state = EXECUTION_STATES[e.state];
    if (e.updatedAt >= row.updated && (Number(row.state) !== state || row.updated !== e.updatedAt)) {
      await db.updateTable('Execution').set({ last_known_state: state, last_update_time_since_epoch: e.updatedAt }).where('id', '=', row.id).execute();
    }
  }
  const all = missing.length === 0 ? existing : await selectByExternalId(db, 'Execution', keys);
  return new Map(executions.map((e) => [e.key, (all.get(externalId(e.key)) as { id: number }).id]));
}

/** Artifacts are keyed by `external_id` (their identity); KFP marks a written artifact LIVE. */
async function upsertArtifacts(db: Kysely<MetadataTables>, plans: readonly ArtifactPlan[], typeId: (name: string) => number): Promise<Map<string, number>> {
  const keys = plans.map((p) => p.externalId);
  const existing = await selectByExternalId(db, 'Artifact', keys);
  const missing = plans.filter((p) => !existing.has(p.externalId));
  for (const chunk of chunksOf(missing, INSERT_CHUNK)) {
    await db
      .insertInto('Artifact')
      .values(
        chunk.map((p) => ({
          type_id: typeId(p.type),
          uri: p.uri,
          state: ARTIFACT_STATES.LIVE,
          // KFP v2 leaves Artifact.name empty and writes display_name: MLMD's UNIQUE(type_id, name) would
          // otherwise collide on the second run that writes an output called "model".
          name: null,
          external_id: p.externalId,
          create_time_since_epoch: p.createdAt,
          last_update_time_since_epoch: p.createdAt,
        })),
      )
      .execute();
  }
  const all = missing.length === 0 ? existing : await selectByExternalId(db, 'Artifact', keys);
  return new Map(plans.map((p) => [p.identity, (all.get(p.externalId) as { id: number }).id]));
}

/** INPUT and OUTPUT events, unique by (artifact, execution, type) in MLMD's DDL, each with one key step. */
async function ensureEvents(
  db: Kysely<MetadataTables>,
  run: RecordedRun,
  plans: ReadonlyMap<string, ArtifactPlan>,
  executionIds: ReadonlyMap<string, number>,
  artifactIds: ReadonlyMap<string, number>,
): Promise<void> {
  const identityOf = identityFinder(run, plans);
  const wanted = new Map<string, { artifact_id: number; execution_id: number; type: number; at: number; step: string }>();
  for (const execution of run.executions) {
    const executionId = executionIds.get(execution.key) as number;
    const mentions = [
      ...(execution.inputs ?? []).map((a) => ({ a, type: EVENT_TYPES.INPUT, at: execution.createdAt })),
      ...(execution.outputs ?? []).map((a) => ({ a, type: EVENT_TYPES.OUTPUT, at: execution.updatedAt })),
    ];
    for (const { a, type, at } of mentions) {
      const artifactId = artifactIds.get(identityOf(a)) as number;
      const key = `${artifactId}:${executionId}:${type}`;
      if (!wanted.has(key)) wanted.set(key, { artifact_id: artifactId, execution_id: executionId, type, at, step: a.name });
    }
  }
  if (wanted.size === 0) return;
  const select = async (): Promise<Map<string, number>> => {
    const found = new Map<string, number>();
    for (const chunk of chunksOf([...executionIds.values()])) {
      const rows = await db.selectFrom('Event').select(['id', 'artifact_id', 'execution_id', 'type']).where('execution_id', 'in', chunk).execute();
      for (const row of rows) found.set(`${Number(row.artifact_id)}:${Number(row.execution_id)}:${Number(row.type)}`, Number(row.id));
    }
    return found;
  };
  const existing = await select();
  const missing = [...wanted].filter(([key]) => !existing.has(key));
  if (missing.length === 0) return;
  for (const chunk of chunksOf(missing, INSERT_CHUNK)) {
    await db
      .insertInto('Event')
      .values(chunk.map(([, e]) => ({ artifact_id: e.artifact_id, execution_id: e.execution_id, type: e.type, milliseconds_since_epoch: e.at })))
      .execute();
  }
  const all = await select();
  for (const chunk of chunksOf(missing, INSERT_CHUNK)) {
    await db
      .insertInto('EventPath')
      .values(chunk.map(([key, e]) => ({ event_id: all.get(key) as number, is_index_step: 0, step_index: null, step_key: e.step })))
      .execute();
  }
}
