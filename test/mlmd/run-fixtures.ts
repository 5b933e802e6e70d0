import type { RecordedArtifact, RecordedExecution, RecordedRun } from '../../src/mlmd/run-record.js';

/** Small builders of the runs KFP's sync controller records, for the metadata tests. */

export const T0 = Date.UTC(2024, 0, 1);

export function artifact(runId: string, task: string, name: string, type = 'system.Dataset'): RecordedArtifact {
  return { uri: `minio://mlpipeline/v2/artifacts/${runId}/${task}/${name}`, name, type };
}

/** A two-task run: `produce` writes a Dataset that `train` reads to write a Model. */
export function twoTaskRun(runId: string, namespace: string, pipelineName = 'shared-pipeline'): RecordedRun {
  const dataset = artifact(runId, 'produce', 'dataset');
  return {
    runId,
    namespace,
    pipelineName,
    executions: [
      {
        key: `${runId}/produce`,
        type: 'system.ContainerExecution',
        name: 'produce',
        state: 'COMPLETE',
        createdAt: T0,
        updatedAt: T0 + 1000,
        customProperties: { task_name: 'produce', pod_name: `${runId}-produce`, namespace, run_id: runId },
        outputs: [dataset],
      },
      {
        key: `${runId}/train`,
        type: 'system.ContainerExecution',
        name: 'train',
        state: 'COMPLETE',
        createdAt: T0 + 2000,
        updatedAt: T0 + 3000,
        customProperties: { task_name: 'train', pod_name: `${runId}-train`, namespace, run_id: runId, cached: false, retries: 0, score: 0.5 },
        inputs: [dataset],
        outputs: [artifact(runId, 'train', 'model', 'system.Model')],
      },
      { key: `${runId}/root`, type: 'system.DAGExecution', name: 'root', state: 'COMPLETE', createdAt: T0, updatedAt: T0 + 3000 },
    ],
  };
}

/**
 * A chain of `layers` executions: step i reads every output of step i-1 and writes `fanOut` artifacts, so each
 * artifact hop of a lineage walk meets `fanOut` nodes.
 */
export function chainRun(runId: string, namespace: string, layers: number, fanOut: number): RecordedRun {
  const executions: RecordedExecution[] = [];
  let previous: RecordedArtifact[] = [];
  for (let i = 1; i <= layers; i += 1) {
    const outputs = Array.from({ length: fanOut }, (_, j) => artifact(runId, `step${i}`, `out${j}`));
    executions.push({
      key: `${runId}/step${i}`,
      type: 'system.ContainerExecution',
      name: `step${i}`,
      state: 'COMPLETE',
      createdAt: T0 + i * 10,
      updatedAt: T0 + i * 10 + 5,
      inputs: previous,
      outputs,
    });
    previous = outputs;
  }
  return { runId, namespace, pipelineName: 'chain', executions };
}

export const MLMD_TABLES = [
  'Type',
  'TypeProperty',
  'ParentType',
  'Artifact',
  'ArtifactProperty',
  'Execution',
  'ExecutionProperty',
  'Event',
  'EventPath',
  'Context',
  'ContextProperty',
  'ParentContext',
  'Association',
  'Attribution',
] as const;
