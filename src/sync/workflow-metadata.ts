import type { PlannedDag, PlannedExecution } from '../kube/workflow/workflow-executions.js';
import { dagsFromWorkflow, executionsFromWorkflow } from '../kube/workflow/workflow-executions.js';
import type { Workflow } from '../kube/workflow/workflow-types.js';
import type { RecordedArtifact, RecordedExecution, RecordedRun } from '../mlmd/run-record.js';

export interface RunIdentity {
  readonly runId: string;
  readonly namespace: string;
  readonly pipelineName: string;
  /** The namespace's pipeline root (KFP's kfp-launcher `defaultPipelineRoot`); unset: `pipeline_root` is not written. */
  readonly pipelineRoot?: string;
}

/**
 * The ML-Metadata record of a workflow, in the shape KFP v2's driver and launcher give it
 * (KFP: backend/src/v2/metadata/client.go, backend/src/v2/driver/root_dag.go and container.go), which is what
 * KFP's UI draws a run graph from:
 *
 * - the system.PipelineRun context carries `namespace`, `resource_name` (the Workflow) and `pipeline_root`
 *   (`<root>/<pipeline>/<run ID>`, GenerateOutputURI);
 * - a system.DAGExecution for the run's root DAG (and each sub-DAG of a v2 pipeline), keyed `<runId>/dag/<nodeId>`;
 * - one system.ContainerExecution per task pod (keyed `<runId>/<nodeId>`, so replays update the same row) with
 *   `display_name`, `task_name`, `pod_name`, `namespace`, `image` and `parent_dag_id`; a v2 spec's driver pods
 *   are not executions, its launcher pod is recorded as the task it runs;
 * - OUTPUT events for the artifacts a pod wrote and INPUT events for those it read. An input whose location Argo
 *   did not write back is linked to its producer's output (`from:`), so the lineage still joins.
 */
export function recordedRunOf(workflow: Workflow, run: RunIdentity): RecordedRun {
  const planned = executionsFromWorkflow(workflow);
  const outputUri = new Map<string, string>();
  for (const execution of planned) {
    for (const artifact of execution.outputs.artifacts) {
      if (artifact.uri !== undefined) outputUri.set(`${execution.nodeId}/${artifact.name}`, artifact.uri);
    }
  }
  const created = Date.parse(workflow.metadata.creationTimestamp ?? '') || 0;
  const dags = planned.length === 0 ? [] : dagsFromWorkflow(workflow);
  const dagKeys = new Map(dags.map((dag) => [dag.nodeId, dagKey(run.runId, dag.nodeId)]));
  const contextProperties: Record<string, string> = {};
  if (workflow.metadata.name !== undefined) contextProperties.resource_name = workflow.metadata.name;
  if (run.pipelineRoot !== undefined) contextProperties.pipeline_root = `${run.pipelineRoot.replace(/\/+$/, '')}/${run.pipelineName}/${run.runId}`;
  return {
    runId: run.runId,
    namespace: run.namespace,
    pipelineName: run.pipelineName,
    runContextProperties: contextProperties,
    executions: [
      ...dags.map((dag) => dagExecution(dag, run, created, dagKeys)),
      ...planned.map((execution) => toRecorded(execution, run, created, outputUri, dagKeys)),
    ],
  };
}

function dagKey(runId: string, nodeId: string): string {
  return `${runId}/dag/${nodeId}`;
}

function times(item: { readonly startedAt?: string; readonly finishedAt?: string }, workflowCreated: number): { createdAt: number; updatedAt: number } {
  const createdAt = Date.parse(item.startedAt ?? '') || workflowCreated;
  // A finished node's time is its end; a running one's its start: the writer never moves a row back in time.
  return { createdAt, updatedAt: Date.parse(item.finishedAt ?? '') || createdAt };
}

function dagExecution(dag: PlannedDag, run: RunIdentity, workflowCreated: number, dagKeys: ReadonlyMap<string, string>): RecordedExecution {
  const parentKey = dag.parentDagNodeId === undefined ? undefined : dagKeys.get(dag.parentDagNodeId);
  return {
    key: dagKey(run.runId, dag.nodeId),
    type: 'system.DAGExecution',
    name: dag.name,
    state: dag.state.name,
    ...times(dag, workflowCreated),
    // KFP writes task_name with display_name on every execution (CreateExecution); both are '' for the root.
    customProperties: { task_name: dag.name },
    ...(parentKey === undefined ? {} : { parentKey }),
  };
}

function toRecorded(
  execution: PlannedExecution,
  run: RunIdentity,
  workflowCreated: number,
  outputUri: ReadonlyMap<string, string>,
  dagKeys: ReadonlyMap<string, string>,
): RecordedExecution {
  const inputs: RecordedArtifact[] = [];
  for (const artifact of execution.inputs.artifacts) {
    const uri = artifact.uri ?? (artifact.from ? outputUri.get(`${artifact.from.nodeId}/${artifact.from.artifactName}`) : undefined);
    if (uri !== undefined) inputs.push({ uri, name: artifact.name, type: 'system.Artifact' });
  }
  const outputs: RecordedArtifact[] = [];
  for (const artifact of execution.outputs.artifacts) {
    // The type the spec gives the output (KFP's RecordArtifact: the schema title), else KFP's generic type.
    if (artifact.uri !== undefined) outputs.push({ uri: artifact.uri, name: artifact.name, type: artifact.schemaTitle ?? 'system.Artifact' });
  }
  const parentKey = execution.parentDagNodeId === undefined ? undefined : dagKeys.get(execution.parentDagNodeId);
  return {
    key: `${run.runId}/${execution.nodeId}`,
    type: 'system.ContainerExecution',
    name: execution.name,
    state: execution.state.name,
    ...times(execution, workflowCreated),
    customProperties: {
      task_name: execution.taskName,
      pod_name: execution.podName,
      namespace: run.namespace,
      run_id: run.runId,
      ...(execution.image === undefined ? {} : { image: execution.image }),
      ...(execution.templateName === undefined ? {} : { template_name: execution.templateName }),
      ...(execution.phase === undefined ? {} : { phase: execution.phase }),
    },
    ...(parentKey === undefined ? {} : { parentKey }),
    inputs,
    outputs,
  };
}
