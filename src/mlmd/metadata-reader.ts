import type { Kysely } from 'kysely';
import { walkLineage, type LineageLimits, type LineageRequest } from './lineage-walk.js';
import type { LineageGraph, MetadataArtifact, MetadataEvent, MetadataExecution, MetadataPage, MetadataPropertySet } from './metadata-records.js';
import type { MetadataScope } from './metadata-scope.js';
import type { MetadataTables } from './metadata-tables.js';
import { eventsBy, eventsWithArtifacts, eventsWithExecutions, type EventsWithArtifacts, type EventsWithExecutions } from './event-lookup.js';
import { artifactsByIds, artifactsByRunIds, executionsByIds, executionsByRunIds } from './node-lookup.js';
import { listArtifacts, listExecutions, type ArtifactFilter, type ExecutionFilter, type PageRequest } from './node-listing.js';
import { propertiesOf, type PropertyOwner } from './property-lookup.js';

export interface MetadataReaderOptions {
  /** The deepest lineage walk accepted (hops artifact↔execution). Default 10. */
  readonly maxLineageDepth?: number;
  /** The most nodes a lineage walk returns; a request may ask for fewer. Default 1000. */
  readonly maxLineageNodes?: number;
}

/**
 * Reads ML-Metadata tables, in kfp-graph's own store or in an existing KFP metadata database, for one API.
 * Every method is a batch meant to sit behind a DataLoader: one or two SQL statements per call (per 500 keys),
 * whatever the number of keys. Methods that take a scope apply it in SQL; `propertiesOf` and the events
 * lookups without a scope assume the caller already checked the owner's visibility.
 *
 * @example
 * const reader = new MetadataReader(store.db);
 * const page = await reader.listArtifacts(namespacesScope(['team-a']), { filter: { runId }, first: 20 });
 */
export class MetadataReader {
  readonly #db: Kysely<MetadataTables>;
  readonly #limits: LineageLimits;

  constructor(db: Kysely<MetadataTables>, options: MetadataReaderOptions = {}) {
    this.#db = db;
    this.#limits = Object.freeze({ maxDepth: options.maxLineageDepth ?? 10, maxNodes: options.maxLineageNodes ?? 1000 });
  }

  /** Absent from the map: no such artifact, or not visible in `scope`. */
  artifactsByIds(ids: readonly number[], scope: MetadataScope): Promise<Map<number, MetadataArtifact>> {
    return artifactsByIds(this.#db, ids, scope);
  }

  executionsByIds(ids: readonly number[], scope: MetadataScope): Promise<Map<number, MetadataExecution>> {
    return executionsByIds(this.#db, ids, scope);
  }

  /** Every requested id is in the map; an id without properties maps to empty sets. */
  propertiesOf(owner: PropertyOwner, ids: readonly number[]): Promise<Map<number, MetadataPropertySet>> {
    return propertiesOf(this.#db, owner, ids);
  }

  /** With a scope, events whose artifact the scope cannot see are left out. */
  eventsByExecutionIds(ids: readonly number[], scope?: MetadataScope): Promise<Map<number, MetadataEvent[]>> {
    return eventsBy(this.#db, 'execution', ids, scope);
  }

  /** With a scope, events whose execution the scope cannot see are left out. */
  eventsByArtifactIds(ids: readonly number[], scope?: MetadataScope): Promise<Map<number, MetadataEvent[]>> {
    return eventsBy(this.#db, 'artifact', ids, scope);
  }

  /**
   * Events of executions with the artifacts at their other end, in one statement per 500 ids (for
   * `Execution.inputs/outputs`, which would otherwise need a second round trip for the artifacts).
   */
  eventsWithArtifactsByExecutionIds(ids: readonly number[], scope?: MetadataScope): Promise<EventsWithArtifacts> {
    return eventsWithArtifacts(this.#db, ids, scope);
  }

  /** Events of artifacts with the executions at their other end (`Artifact.producer/consumers`). */
  eventsWithExecutionsByArtifactIds(ids: readonly number[], scope?: MetadataScope): Promise<EventsWithExecutions> {
    return eventsWithExecutions(this.#db, ids, scope);
  }

  /** A run's executions, oldest first; a run outside the scope has none. */
  executionsByRunIds(runIds: readonly string[], scope: MetadataScope): Promise<Map<string, MetadataExecution[]>> {
    return executionsByRunIds(this.#db, runIds, scope);
  }

  artifactsByRunIds(runIds: readonly string[], scope: MetadataScope): Promise<Map<string, MetadataArtifact[]>> {
    return artifactsByRunIds(this.#db, runIds, scope);
  }

  /** Newest first, keyset-paginated. */
  listArtifacts(scope: MetadataScope, request: PageRequest<ArtifactFilter>): Promise<MetadataPage<MetadataArtifact>> {
    return listArtifacts(this.#db, scope, request);
  }

  listExecutions(scope: MetadataScope, request: PageRequest<ExecutionFilter>): Promise<MetadataPage<MetadataExecution>> {
    return listExecutions(this.#db, scope, request);
  }

  /** Throws NotFoundError when the start node does not exist or is not visible in the scope. */
  lineage(request: LineageRequest): Promise<LineageGraph> {
    return walkLineage(this.#db, request, this.#limits);
  }
}

export type { ArtifactFilter, ExecutionFilter, PageRequest } from './node-listing.js';
export type { LineageDirection, LineageRequest } from './lineage-walk.js';
export type { PropertyOwner } from './property-lookup.js';
export type { EventsWithArtifacts, EventsWithExecutions } from './event-lookup.js';
