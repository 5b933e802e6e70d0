import type { ArtifactStateName, EventTypeName, ExecutionStateName } from './mlmd-enums.js';

/**
 * What the metadata reader returns: ML-Metadata rows with enum names instead of numbers, the type by name, and
 * the tenants the object belongs to. Times are milliseconds since the epoch, as MLMD stores them.
 */
export interface MetadataArtifact {
  readonly id: number;
  readonly type: string;
  readonly uri: string | null;
  /** `Artifact.name`, or KFP's `display_name` custom property when the name is empty (KFP v2 leaves it so). */
  readonly name: string | null;
  readonly state: ArtifactStateName;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The `namespace` of every system.PipelineRun context the artifact is attributed to. */
  readonly namespaces: readonly string[];
}

export interface MetadataExecution {
  readonly id: number;
  readonly type: string;
  /** `Execution.name`, or the `display_name` custom property when the name is empty. */
  readonly name: string | null;
  readonly state: ExecutionStateName;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The `namespace` of every system.PipelineRun context the execution is associated with. */
  readonly namespaces: readonly string[];
}

export interface MetadataEvent {
  readonly id: number;
  readonly artifactId: number;
  readonly executionId: number;
  readonly type: EventTypeName;
  readonly at: number | null;
  /** EventPath steps: a key (KFP writes the artifact's input/output name) or an index. */
  readonly path: readonly (string | number)[];
}

/** Property values by name. Byte values are base64; proto values (MLMD's struct_value) are base64 too. */
export type MetadataProperties = Readonly<Record<string, string | number | boolean | null>>;

export interface MetadataPropertySet {
  readonly properties: MetadataProperties;
  readonly customProperties: MetadataProperties;
}

export type MetadataNodeKind = 'artifact' | 'execution';

export interface LineageEdge {
  readonly artifactId: number;
  readonly executionId: number;
  readonly type: EventTypeName;
}

export interface LineageGraph {
  readonly artifacts: readonly MetadataArtifact[];
  readonly executions: readonly MetadataExecution[];
  readonly edges: readonly LineageEdge[];
  /** True when maxNodes stopped the walk before the requested depth was explored. */
  readonly truncated: boolean;
}

export interface MetadataPage<T> {
  readonly items: readonly T[];
  readonly hasNextPage: boolean;
  /** The cursor of the last item, null when the page is empty. */
  readonly endCursor: string | null;
}
