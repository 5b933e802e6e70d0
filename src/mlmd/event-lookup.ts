import type { Kysely } from 'kysely';
import type { MetadataArtifact, MetadataEvent, MetadataExecution } from './metadata-records.js';
import { allowedNamespaces, type MetadataScope } from './metadata-scope.js';
import type { MetadataTables } from './metadata-tables.js';
import { eventTypeName } from './mlmd-enums.js';
import { selectArtifactRows, selectExecutionRows, toArtifacts, toExecutions, type ArtifactRow, type ExecutionRow } from './node-records.js';
import { artifactVisible, executionVisible } from './scope-conditions.js';
import { chunksOf, distinct } from './sql-chunks.js';

type EventSide = 'execution' | 'artifact';

/**
 * Events of many executions (or artifacts) with their EventPath steps: one statement, a LEFT JOIN, per 500
 * keys. With a scope, events whose other end the caller may not see are left out in the same statement.
 * EventPath has no position column; MLMD reads steps back in insertion order, and so do we (ordered by rowid
 * on SQLite, heap order elsewhere, which for KFP's single-step paths is the same thing).
 */
export async function eventsBy(
  db: Kysely<MetadataTables>,
  side: EventSide,
  ids: readonly number[],
  scope?: MetadataScope,
): Promise<Map<number, MetadataEvent[]>> {
  const byKey = new Map<number, MetadataEvent[]>(ids.map((id) => [id, []]));
  const namespaces = scope === undefined ? null : allowedNamespaces(scope);
  for (const chunk of chunksOf(distinct(ids))) {
    const rows = await db
      .selectFrom('Event as e')
      .leftJoin('EventPath as ep', 'ep.event_id', 'e.id')
      .where(side === 'execution' ? 'e.execution_id' : 'e.artifact_id', 'in', chunk)
      .where(
        (eb) =>
          (side === 'execution' ? artifactVisible(eb.ref('e.artifact_id'), namespaces) : executionVisible(eb.ref('e.execution_id'), namespaces)) ??
          eb.lit(true),
      )
      .select(['e.id', 'e.artifact_id', 'e.execution_id', 'e.type', 'e.milliseconds_since_epoch', 'ep.is_index_step', 'ep.step_index', 'ep.step_key'])
      .orderBy('e.id')
      .execute();
    collectEvents(byKey, side, rows);
  }
  return byKey;
}

interface EventRow {
  readonly id: number;
  readonly artifact_id: number;
  readonly execution_id: number;
  readonly type: number;
  readonly milliseconds_since_epoch: number | null;
  readonly is_index_step: number | null;
  readonly step_index: number | null;
  readonly step_key: string | null;
}

/** Folds event rows (one per EventPath step, ordered by event id) into events grouped by the side's key. */
function collectEvents(byKey: Map<number, MetadataEvent[]>, side: EventSide, rows: readonly EventRow[]): void {
  const events = new Map<number, { event: Omit<MetadataEvent, 'path'>; path: (string | number)[] }>();
  for (const row of rows) {
    const id = Number(row.id);
    let entry = events.get(id);
    if (entry === undefined) {
      entry = {
        event: {
          id,
          artifactId: Number(row.artifact_id),
          executionId: Number(row.execution_id),
          type: eventTypeName(Number(row.type)),
          at: row.milliseconds_since_epoch === null ? null : Number(row.milliseconds_since_epoch),
        },
        path: [],
      };
      events.set(id, entry);
    }
    if (row.is_index_step === null) continue;
    if (Number(row.is_index_step) === 1 || (row.is_index_step as unknown) === true) {
      if (row.step_index !== null) entry.path.push(Number(row.step_index));
    } else if (row.step_key !== null) {
      entry.path.push(row.step_key);
    }
  }
  for (const { event, path } of events.values()) {
    const key = side === 'execution' ? event.executionId : event.artifactId;
    byKey.get(key)?.push({ ...event, path });
  }
}

/** Events of executions together with the artifacts at their other end, as `eventsWithArtifacts` returns them. */
export interface EventsWithArtifacts {
  readonly events: Map<number, MetadataEvent[]>;
  readonly artifacts: Map<number, MetadataArtifact>;
}

export interface EventsWithExecutions {
  readonly events: Map<number, MetadataEvent[]>;
  readonly executions: Map<number, MetadataExecution>;
}

const EVENT_COLUMNS = [
  'e.id as event_id',
  'e.artifact_id as event_artifact_id',
  'e.execution_id as event_execution_id',
  'e.type as event_type',
  'e.milliseconds_since_epoch as event_at',
  'ep.is_index_step',
  'ep.step_index',
  'ep.step_key',
] as const;

interface JoinedEventColumns {
  readonly event_id: number;
  readonly event_artifact_id: number;
  readonly event_execution_id: number;
  readonly event_type: number;
  readonly event_at: number | null;
  readonly is_index_step: number | null;
  readonly step_index: number | null;
  readonly step_key: string | null;
}

function eventRowOf(row: JoinedEventColumns): EventRow {
  return {
    id: row.event_id,
    artifact_id: row.event_artifact_id,
    execution_id: row.event_execution_id,
    type: row.event_type,
    milliseconds_since_epoch: row.event_at,
    is_index_step: row.is_index_step,
    step_index: row.step_index,
    step_key: row.step_key,
  };
}

/**
 * The events of many executions and the artifacts they touch, in ONE statement per 500 keys: Event joined with
 * the artifact's row (type, display_name, namespaces). `Execution.outputs` then needs no second round trip for
 * the artifacts: the request loaders prime the artifact loader with them. With a scope, events whose artifact
 * the scope cannot see are left out, exactly as `eventsBy` does.
 */
export async function eventsWithArtifacts(db: Kysely<MetadataTables>, executionIds: readonly number[], scope?: MetadataScope): Promise<EventsWithArtifacts> {
  const events = new Map<number, MetadataEvent[]>(executionIds.map((id) => [id, []]));
  const artifacts = new Map<number, MetadataArtifact>();
  const namespaces = scope === undefined ? null : allowedNamespaces(scope);
  for (const chunk of chunksOf(distinct(executionIds))) {
    const rows = await selectArtifactRows(db)
      .innerJoin('Event as e', 'e.artifact_id', 'a.id')
      .leftJoin('EventPath as ep', 'ep.event_id', 'e.id')
      .where('e.execution_id', 'in', chunk)
      .where((eb) => artifactVisible(eb.ref('a.id'), namespaces) ?? eb.lit(true))
      .select([...EVENT_COLUMNS])
      .orderBy('e.id')
      .execute();
    collectEvents(events, 'execution', rows.map(eventRowOf));
    const unique = new Map<number, ArtifactRow>();
    for (const row of rows) if (!unique.has(Number(row.id))) unique.set(Number(row.id), row);
    for (const artifact of toArtifacts([...unique.values()])) artifacts.set(artifact.id, artifact);
  }
  return { events, artifacts };
}

/** The events of many artifacts and the executions at their other end, in one statement per 500 keys. */
export async function eventsWithExecutions(db: Kysely<MetadataTables>, artifactIds: readonly number[], scope?: MetadataScope): Promise<EventsWithExecutions> {
  const events = new Map<number, MetadataEvent[]>(artifactIds.map((id) => [id, []]));
  const executions = new Map<number, MetadataExecution>();
  const namespaces = scope === undefined ? null : allowedNamespaces(scope);
  for (const chunk of chunksOf(distinct(artifactIds))) {
    const rows = await selectExecutionRows(db)
      .innerJoin('Event as e', 'e.execution_id', 'x.id')
      .leftJoin('EventPath as ep', 'ep.event_id', 'e.id')
      .where('e.artifact_id', 'in', chunk)
      .where((eb) => executionVisible(eb.ref('x.id'), namespaces) ?? eb.lit(true))
      .select([...EVENT_COLUMNS])
      .orderBy('e.id')
      .execute();
    collectEvents(events, 'artifact', rows.map(eventRowOf));
    const unique = new Map<number, ExecutionRow>();
    for (const row of rows) if (!unique.has(Number(row.id))) unique.set(Number(row.id), row);
    for (const execution of toExecutions([...unique.values()])) executions.set(execution.id, execution);
  }
  return { events, executions };
}
