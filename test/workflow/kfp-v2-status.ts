import type { Workflow } from '../../src/kube/workflow/workflow-types.js';
import { loadFixture } from './workflow-fixtures.js';
import { withStatus, type NodeInit } from './workflow-status-builder.js';

/**
 * A KFP-compiled v2 Workflow (test/fixtures/upstream/kfp) after it succeeded, with the nodes Argo's controller
 * writes for it: the entrypoint DAG, the ROOT_DAG driver, the `root` component DAG, and per task its
 * `<task>-driver` pod, its executor DAG and the executor (launcher) pod. `resolvedDriverInputs` writes the
 * drivers' resolved `inputs.parameters` as Argo does; without them only the spec's arguments say what ran.
 * A task in `cachedTasks` is one whose driver found a cached execution: Argo skips its executor pod.
 */
export function succeededV2(
  fixture: 'hello_world' | 'pipeline_with_after',
  name: string,
  tasks: readonly string[],
  resolvedDriverInputs: boolean,
  cachedTasks: readonly string[] = [],
): Workflow {
  const spec = loadFixture(`kfp/${fixture}.yaml`);
  const at = (second: number) => `2026-08-22T09:00:${String(second).padStart(2, '0')}Z`;
  const nodes: Record<string, NodeInit> = {
    '': {
      type: 'DAG',
      phase: 'Succeeded',
      displayName: name,
      templateName: 'entrypoint',
      children: ['.root-driver', '.root'],
      startedAt: at(0),
      finishedAt: at(59),
    },
    '.root-driver': {
      type: 'Pod',
      phase: 'Succeeded',
      displayName: 'root-driver',
      templateName: 'system-dag-driver',
      boundary: '',
      startedAt: at(1),
      finishedAt: at(2),
      outputs: { parameters: [{ name: 'execution-id', value: '7' }] },
    },
    '.root': {
      type: 'DAG',
      phase: 'Succeeded',
      displayName: 'root',
      templateName: 'root',
      boundary: '',
      startedAt: at(3),
      finishedAt: at(58),
      inputs: { parameters: [{ name: 'parent-dag-id', value: '7' }] },
    },
  };
  tasks.forEach((task, i) => {
    const base = 4 + i * 10;
    nodes[`.root.${task}-driver`] = {
      type: 'Pod',
      phase: 'Succeeded',
      displayName: `${task}-driver`,
      templateName: 'system-container-driver',
      boundary: '.root',
      startedAt: at(base),
      finishedAt: at(base + 1),
      outputs: { parameters: [{ name: 'cached-decision', value: cachedTasks.includes(task) ? 'true' : 'false' }] },
      ...(resolvedDriverInputs
        ? {
            inputs: {
              parameters: [
                { name: 'task', value: JSON.stringify({ taskInfo: { name: task } }) },
                { name: 'container', value: '{"args":["hello world"],"command":["echo"],"image":"registry.access.redhat.com/ubi9/python-311:latest"}' },
                { name: 'task-name', value: task },
                { name: 'parent-dag-id', value: '7' },
              ],
            },
          }
        : {}),
    };
    nodes[`.root.${task}`] = {
      type: 'DAG',
      phase: 'Succeeded',
      displayName: task,
      templateName: 'system-container-executor',
      boundary: '.root',
      children: [`.root.${task}.executor`],
      startedAt: at(base + 2),
      finishedAt: at(base + 8),
    };
    nodes[`.root.${task}.executor`] = cachedTasks.includes(task)
      ? {
          type: 'Skipped',
          phase: 'Skipped',
          displayName: 'executor',
          templateName: 'system-container-impl',
          boundary: `.root.${task}`,
          startedAt: at(base + 3),
          finishedAt: at(base + 3),
          message: "when 'true != true' evaluated false",
        }
      : {
          type: 'Pod',
          phase: 'Succeeded',
          displayName: 'executor',
          templateName: 'system-container-impl',
          boundary: `.root.${task}`,
          startedAt: at(base + 3),
          finishedAt: at(base + 7),
        };
  });
  return withStatus(spec, name, { phase: 'Succeeded', startedAt: at(0), finishedAt: at(59) }, nodes);
}
