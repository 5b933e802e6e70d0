import { type Kysely } from 'kysely';
import type { MetadataEvent } from './metadata-records.js';
import { allowedNamespaces, type MetadataScope } from './metadata-scope.js';
import type { MetadataTables } from './metadata-tables.js';
import { eventTypeName } from './mlmd-enums.js';
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
      .where((eb) =>
        (side === 'execution' ? artifactVisible(eb.ref('e.artifact_id'), namespaces) : executionVisible(eb.ref('e.execution_id'), namespaces)) ??
        eb.lit(true),
      )
      .select(['e.id', 'e.artifact_id', 'e.execution_id', 'e.type', 'e.milliseconds_since_epoch', 'ep.is_index_step', 'ep.step_index', 'ep.step_key'])
      .orderBy('e.id')
      .execute();
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
  return byKey;
}
