import type { ExecutionStateName } from './mlmd-enums.js';

/** A property value kfp-graph writes; MLMD's byte, proto and struct values are never written by us. */
export type WritablePropertyValue = string | number | boolean;

/** One artifact an execution read or wrote, as the sync controller learns it from a Workflow's node. */
export interface RecordedArtifact {
  /**
   * A stable identity for the artifact. Optional: by default an artifact is identified by its URI within the
   * run, which is how an input links to the output of an earlier task of the same run.
   */
  readonly key?: string;
  readonly uri: string;
  /** The input or output name: the EventPath step key and the artifact's `display_name`. */
  readonly name: string;
  /** The artifact type, e.g. system.Artifact, system.Dataset, system.Model, system.Metrics. */
  readonly type: string;
}

export interface RecordedExecution {
  /** Stable across replays, e.g. `${runId}/${nodeId}`; stored as the execution's `external_id`. */
  readonly key: string;
  readonly type: 'system.ContainerExecution' | 'system.DAGExecution';
  /** The task name; stored as the `display_name` custom property, as KFP's driver does. */
  readonly name: string;
  readonly state: ExecutionStateName;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** KFP writes task_name, pod_name, namespace, run_id, image, cache_fingerprint… */
  readonly customProperties?: Readonly<Record<string, WritablePropertyValue>>;
  /**
   * The key of the system.DAGExecution (in the same run) this execution runs in: written as KFP's `parent_dag_id`
   * custom property, the MLMD ID of that execution (backend/src/v2/metadata/client.go CreateExecution).
   */
  readonly parentKey?: string;
  readonly inputs?: readonly RecordedArtifact[];
  readonly outputs?: readonly RecordedArtifact[];
}

export interface RecordedRun {
  readonly runId: string;
  readonly namespace: string;
  readonly pipelineName: string;
  /**
   * Further custom properties of the system.PipelineRun context, as KFP's root driver writes them with the
   * context (backend/src/v2/metadata/client.go GetPipeline): `resource_name`, `pipeline_root`. Written when the
   * context has none of that name yet; never changed afterwards, like KFP's getOrInsertContext.
   */
  readonly runContextProperties?: Readonly<Record<string, string>>;
  readonly executions: readonly RecordedExecution[];
}

/** The ids MLMD assigned, for callers that go on to link more rows. */
export interface RecordedRunIds {
  readonly runContextId: number;
  readonly pipelineContextId: number;
  /** By execution key. */
  readonly executionIds: ReadonlyMap<string, number>;
  /** By artifact identity (the key, or the URI). */
  readonly artifactIds: ReadonlyMap<string, number>;
}
