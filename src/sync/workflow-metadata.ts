import type { PlannedExecution } from '../kube/workflow/workflow-executions.js';
import { executionsFromWorkflow } from '../kube/workflow/workflow-executions.js';
import type { Workflow } from '../kube/workflow/workflow-types.js';
import type { RecordedArtifact, RecordedExecution, RecordedRun } from '../mlmd/run-record.js';

/**
 * The ML-Metadata record of a workflow, as KFP's driver would write it for a v2 pipeline: one
 * system.ContainerExecution per Pod node (keyed `<runId>/<nodeId>`, so replays update the same row), OUTPUT
 * events for the artifacts it wrote and INPUT events for those it read. An input whose location Argo did not
 * write back is linked to its producer's output (`from:`), so the lineage still joins.
 */
export function recordedRunOf(workflow: Workflow, runId: string, namespace: string, pipelineName: string): RecordedRun {
  const planned = executionsFromWorkflow(workflow);
  const outputUri = new Map<string, string>();
  for (const execution of planned) {
    for (const artifact of execution.outputs.artifacts) {
      if (artifact.uri !== undefined) outputUri.set(`${execution.nodeId}/${artifact.name}`, artifact.uri);
    }
  }
  const created = Date.parse(workflow.metadata.creationTimestamp ?? '') || 0;
  return {
    runId,
    namespace,
    pipelineName,
    executions: planned.map((execution) => toRecorded(execution, runId, namespace, created, outputUri)),
  };
}

function toRecorded(
  execution: PlannedExecution,
  runId: string,
  namespace: string,
  workflowCreated: number,
  outputUri: ReadonlyMap<string, string>,
): RecordedExecution {
  const createdAt = Date.parse(execution.startedAt ?? '') || workflowCreated;
  // A finished node's time is its end; a running one's its start: the writer never moves a row back in time.
  const updatedAt = Date.parse(execution.finishedAt ?? '') || createdAt;
  const inputs: RecordedArtifact[] = [];
  for (const artifact of execution.inputs.artifacts) {
    const uri = artifact.uri ?? (artifact.from ? outputUri.get(`${artifact.from.nodeId}/${artifact.from.artifactName}`) : undefined);
    if (uri !== undefined) inputs.push({ uri, name: artifact.name, type: 'system.Artifact' });
  }
  const outputs: RecordedArtifact[] = [];
  for (const artifact of execution.outputs.artifacts) {
    if (artifact.uri !== undefined) outputs.push({ uri: artifact.uri, name: artifact.name, type: 'system.Artifact' });
  }
  return {
    key: `${runId}/${execution.nodeId}`,
    type: 'system.ContainerExecution',
    name: execution.name,
    state: execution.state.name,
    createdAt,
    updatedAt,
    customProperties: {
      task_name: execution.name,
      pod_name: execution.podName,
      namespace,
      run_id: runId,
      ...(execution.templateName === undefined ? {} : { template_name: execution.templateName }),
      ...(execution.phase === undefined ? {} : { phase: execution.phase }),
    },
    inputs,
    outputs,
  };
}
