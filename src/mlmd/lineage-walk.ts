import type { Expression, Kysely, SqlBool } from 'kysely';
import { InvalidInputError, NotFoundError } from '../errors/domain-errors.js';
import type { LineageEdge, LineageGraph, MetadataNodeKind } from './metadata-records.js';
import { allowedNamespaces, type MetadataScope } from './metadata-scope.js';
import type { MetadataTables } from './metadata-tables.js';
import { eventTypeName, INPUT_EVENT_TYPES, OUTPUT_EVENT_TYPES } from './mlmd-enums.js';
import { artifactsByIds, executionsByIds } from './node-lookup.js';
import { artifactVisible, executionVisible } from './scope-conditions.js';
import { chunksOf } from './sql-chunks.js';

export type LineageDirection = 'UPSTREAM' | 'DOWNSTREAM' | 'BOTH';

export interface LineageRequest {
  readonly start: { readonly kind: MetadataNodeKind; readonly id: number };
  readonly direction: LineageDirection;
  /** Hops artifact↔execution: depth 1 from an artifact upstream is its producing executions. */
  readonly depth: number;
  readonly scope: MetadataScope;
  /** Stop adding nodes past this many (the start included); the result is then `truncated`. */
  readonly maxNodes?: number;
}

export interface LineageLimits {
  readonly maxDepth: number;
  readonly maxNodes: number;
}

interface EventRow {
  readonly id: number;
  readonly artifact_id: number;
  readonly execution_id: number;
  readonly type: number;
}

/**
 * Breadth-first walk over Events, one SQL statement per hop (per 500 frontier nodes): the statement fetches
 * every event touching the frontier in the walk's direction and, in the same WHERE, keeps only events whose
 * far end the scope can see, so a tenant neither receives nor walks through another tenant's nodes. Then the
 * node records are loaded in four statements. Upstream from an artifact follows OUTPUT events to the
 * executions that produced it, then INPUT events to what those consumed; downstream the reverse. BOTH is the
 * union of the two walks (not the undirected closure, which would pull in siblings).
 */
export async function walkLineage(db: Kysely<MetadataTables>, request: LineageRequest, limits: LineageLimits): Promise<LineageGraph> {
  const { start, direction, depth, scope } = request;
  if (!Number.isSafeInteger(depth) || depth < 0 || depth > limits.maxDepth) {
    throw new InvalidInputError(`depth must be an integer from 0 to ${limits.maxDepth}`, 'depth');
  }
  const requestedMax = request.maxNodes ?? limits.maxNodes;
  if (!Number.isSafeInteger(requestedMax) || requestedMax < 1) throw new InvalidInputError('maxNodes must be a positive integer', 'maxNodes');
  const maxNodes = Math.min(requestedMax, limits.maxNodes);
  const namespaces = allowedNamespaces(scope);

  if (!(await isVisible(db, start.kind, start.id, namespaces))) {
    throw new NotFoundError(`${start.kind} ${start.id} not found`, { kind: start.kind, id: start.id });
  }

  const seen = { artifact: new Set<number>(), execution: new Set<number>() };
  seen[start.kind].add(start.id);
  const edges = new Map<number, LineageEdge>();
  let truncated = false;
  let frontierKind: MetadataNodeKind = start.kind;
  let up = direction === 'DOWNSTREAM' ? [] : [start.id];
  let down = direction === 'UPSTREAM' ? [] : [start.id];

  for (let hop = 0; hop < depth && up.length + down.length > 0; hop += 1) {
    const farKind: MetadataNodeKind = frontierKind === 'artifact' ? 'execution' : 'artifact';
    const rows = await hopEvents(db, frontierKind, up, down, namespaces);
    const upSet = new Set(up);
    const downSet = new Set(down);
    const nextUp: number[] = [];
    const nextDown: number[] = [];
    for (const row of rows) {
      const type = Number(row.type);
      const near = Number(frontierKind === 'artifact' ? row.artifact_id : row.execution_id);
      const far = Number(farKind === 'artifact' ? row.artifact_id : row.execution_id);
      // From an artifact, upstream is who wrote it (OUTPUT); from an execution, upstream is what it read (INPUT).
      const upTypes = frontierKind === 'artifact' ? OUTPUT_EVENT_TYPES : INPUT_EVENT_TYPES;
      const downTypes = frontierKind === 'artifact' ? INPUT_EVENT_TYPES : OUTPUT_EVENT_TYPES;
      const next = upSet.has(near) && upTypes.includes(type) ? nextUp : downSet.has(near) && downTypes.includes(type) ? nextDown : undefined;
      if (next === undefined) continue;
      if (!seen[farKind].has(far)) {
        if (seen.artifact.size + seen.execution.size >= maxNodes) {
          truncated = true;
          continue;
        }
        seen[farKind].add(far);
        next.push(far);
      }
      const id = Number(row.id);
      edges.set(id, { artifactId: Number(row.artifact_id), executionId: Number(row.execution_id), type: eventTypeName(type) });
    }
    up = nextUp;
    down = nextDown;
    frontierKind = farKind;
  }

  const artifactIds = [...seen.artifact];
  const executionIds = [...seen.execution];
  const [artifacts, executions] = await Promise.all([
    artifactIds.length === 0 ? new Map() : artifactsByIds(db, artifactIds, scope),
    executionIds.length === 0 ? new Map() : executionsByIds(db, executionIds, scope),
  ]);
  return {
    artifacts: artifactIds.flatMap((id) => artifacts.get(id) ?? []),
    executions: executionIds.flatMap((id) => executions.get(id) ?? []),
    edges: [...edges.values()].filter((e) => artifacts.has(e.artifactId) && executions.has(e.executionId)),
    truncated,
  };
}

async function isVisible(db: Kysely<MetadataTables>, kind: MetadataNodeKind, id: number, namespaces: readonly string[] | null): Promise<boolean> {
  const row =
    kind === 'artifact'
      ? await db
          .selectFrom('Artifact as a')
          .select('a.id')
          .where('a.id', '=', id)
          .where((eb) => artifactVisible(eb.ref('a.id'), namespaces) ?? eb.lit(true))
          .executeTakeFirst()
      : await db
          .selectFrom('Execution as x')
          .select('x.id')
          .where('x.id', '=', id)
          .where((eb) => executionVisible(eb.ref('x.id'), namespaces) ?? eb.lit(true))
          .executeTakeFirst();
  return row !== undefined;
}

/** The events of one hop, the far end restricted to visible nodes, in the same statement. */
async function hopEvents(
  db: Kysely<MetadataTables>,
  frontierKind: MetadataNodeKind,
  up: readonly number[],
  down: readonly number[],
  namespaces: readonly string[] | null,
): Promise<EventRow[]> {
  const nearColumn = frontierKind === 'artifact' ? 'e.artifact_id' : 'e.execution_id';
  const upTypes = [...(frontierKind === 'artifact' ? OUTPUT_EVENT_TYPES : INPUT_EVENT_TYPES)];
  const downTypes = [...(frontierKind === 'artifact' ? INPUT_EVENT_TYPES : OUTPUT_EVENT_TYPES)];
  const upChunks = chunksOf(up);
  const downChunks = chunksOf(down);
  const rows: EventRow[] = [];
  for (let i = 0; i < Math.max(upChunks.length, downChunks.length); i += 1) {
    const upChunk = upChunks[i] ?? [];
    const downChunk = downChunks[i] ?? [];
    const found = await db
      .selectFrom('Event as e')
      .select(['e.id', 'e.artifact_id', 'e.execution_id', 'e.type'])
      .where((eb) => {
        const directions: Expression<SqlBool>[] = [];
        if (upChunk.length > 0) directions.push(eb.and([eb(nearColumn, 'in', upChunk), eb('e.type', 'in', upTypes)]));
        if (downChunk.length > 0) directions.push(eb.and([eb(nearColumn, 'in', downChunk), eb('e.type', 'in', downTypes)]));
        return eb.or(directions);
      })
      .where(
        (eb) =>
          (frontierKind === 'artifact' ? executionVisible(eb.ref('e.execution_id'), namespaces) : artifactVisible(eb.ref('e.artifact_id'), namespaces)) ??
          eb.lit(true),
      )
      .orderBy('e.id')
      .execute();
    rows.push(...found);
  }
  return rows;
}
