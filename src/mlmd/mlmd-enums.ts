/**
 * ML-Metadata's enums as stored in its tables, copied from ml_metadata/proto/metadata_store.proto (commit
 * b37bfad5, see test/fixtures/upstream/mlmd/mlmd_enums.json). MLMD stores the numbers; the API speaks the names.
 */

/** Artifact.State, stored in `Artifact.state`. */
export const ARTIFACT_STATES = {
  UNKNOWN: 0,
  PENDING: 1,
  LIVE: 2,
  MARKED_FOR_DELETION: 3,
  DELETED: 4,
  ABANDONED: 5,
  REFERENCE: 6,
} as const;
export type ArtifactStateName = keyof typeof ARTIFACT_STATES;

/** Execution.State, stored in `Execution.last_known_state`. */
export const EXECUTION_STATES = {
  UNKNOWN: 0,
  NEW: 1,
  RUNNING: 2,
  COMPLETE: 3,
  FAILED: 4,
  CACHED: 5,
  CANCELED: 6,
} as const;
export type ExecutionStateName = keyof typeof EXECUTION_STATES;

/** Event.Type, stored in `Event.type`. KFP's launcher writes INPUT and OUTPUT only. */
export const EVENT_TYPES = {
  UNKNOWN: 0,
  DECLARED_OUTPUT: 1,
  DECLARED_INPUT: 2,
  INPUT: 3,
  OUTPUT: 4,
  INTERNAL_INPUT: 5,
  INTERNAL_OUTPUT: 6,
  PENDING_OUTPUT: 7,
} as const;
export type EventTypeName = keyof typeof EVENT_TYPES;

/** PropertyType, stored in `TypeProperty.data_type`. */
export const PROPERTY_TYPES = {
  UNKNOWN: 0,
  INT: 1,
  DOUBLE: 2,
  STRING: 3,
  STRUCT: 4,
  PROTO: 5,
  BOOLEAN: 6,
} as const;
export type PropertyTypeName = keyof typeof PROPERTY_TYPES;

/** `Type.type_kind`: the literals of MLMD's insert_{execution,artifact,context}_type queries. */
export const TYPE_KINDS = { execution: 0, artifact: 1, context: 2 } as const;
export type TypeKindName = keyof typeof TYPE_KINDS;

/** Event types that put an artifact into an execution (lineage edges pointing artifact → execution). */
export const INPUT_EVENT_TYPES: readonly number[] = [EVENT_TYPES.DECLARED_INPUT, EVENT_TYPES.INPUT, EVENT_TYPES.INTERNAL_INPUT];
/** Event types by which an execution produced an artifact (execution → artifact). */
export const OUTPUT_EVENT_TYPES: readonly number[] = [EVENT_TYPES.DECLARED_OUTPUT, EVENT_TYPES.OUTPUT, EVENT_TYPES.INTERNAL_OUTPUT, EVENT_TYPES.PENDING_OUTPUT];

function nameOf<K extends string>(table: Readonly<Record<K, number>>, fallback: K, value: number | null): K {
  for (const [name, number] of Object.entries(table) as [K, number][]) if (number === value) return name;
  return fallback;
}

/** Unknown or NULL numbers read as UNKNOWN: a newer MLMD may add values, and NULL is MLMD's "unset". */
export const artifactStateName = (value: number | null): ArtifactStateName => nameOf(ARTIFACT_STATES, 'UNKNOWN', value);
export const executionStateName = (value: number | null): ExecutionStateName => nameOf(EXECUTION_STATES, 'UNKNOWN', value);
export const eventTypeName = (value: number | null): EventTypeName => nameOf(EVENT_TYPES, 'UNKNOWN', value);

/** The context and execution type names KFP v2's driver registers (backend/src/v2/metadata/client.go). */
export const KFP_TYPES = {
  pipelineRun: 'system.PipelineRun',
  pipeline: 'system.Pipeline',
  containerExecution: 'system.ContainerExecution',
  dagExecution: 'system.DAGExecution',
} as const;

/** The custom property of a system.PipelineRun context that names its tenant, as KFP's driver writes it. */
export const NAMESPACE_PROPERTY = 'namespace';
/** The custom property KFP writes with the human name of an artifact or execution (its `name` is often empty). */
export const DISPLAY_NAME_PROPERTY = 'display_name';
/** An execution's enclosing system.DAGExecution, by MLMD ID (KFP: backend/src/v2/metadata/client.go keyParentDagID). */
export const PARENT_DAG_ID_PROPERTY = 'parent_dag_id';
