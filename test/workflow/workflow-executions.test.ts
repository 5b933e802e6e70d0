import { describe, expect, it } from 'vitest';
import { artifactUri } from '../../src/kube/workflow/artifact-uri.js';
import { fnv32a, podNameForNode } from '../../src/kube/workflow/pod-name.js';
import { dagsFromWorkflow, executionsFromWorkflow } from '../../src/kube/workflow/workflow-executions.js';
import { succeededV2 } from './kfp-v2-status.js';
import { workflowSummary } from '../../src/kube/workflow/workflow-summary.js';
import type { Workflow } from '../../src/kube/workflow/workflow-types.js';
import { loadFixture } from './workflow-fixtures.js';
import { nodeId, withStatus } from './workflow-status-builder.js';

const NAME = 'artifact-passing-x7k2p';
const PRODUCER_POD = `${NAME}-hello-world-to-file-${fnv32a(`${NAME}[0].generate-artifact`)}`;
const KEY = `${NAME}/${PRODUCER_POD}/hello-art.tgz`;

/**
 * artifact-passing.yaml after it succeeded, written as Argo's controller writes it: a Steps root, one
 * StepGroup per step group, Pod nodes with the producer's `outputs.artifacts` (only the key: the bucket is
 * in the default artifact repository) and the consumer's resolved `inputs.artifacts`.
 */
function succeeded(consumerInput: Record<string, unknown> = { s3: { key: KEY } }): Workflow {
  return withStatus(
    loadFixture('argo/artifact-passing.yaml'),
    NAME,
    {
      phase: 'Succeeded',
      progress: '2/2',
      startedAt: '2026-08-22T09:00:00Z',
      finishedAt: '2026-08-22T09:00:30Z',
      artifactRepositoryRef: {
        default: true,
        artifactRepository: {
          archiveLogs: true,
          s3: { bucket: 'mlpipeline', endpoint: 'minio-service.kubeflow:9000', insecure: true, keyFormat: 'artifacts/{{workflow.name}}' },
        },
      },
    },
    {
      '': { type: 'Steps', phase: 'Succeeded', displayName: NAME, templateName: 'artifact-example', children: ['[0]'], startedAt: '2026-08-22T09:00:00Z' },
      '[0]': {
        type: 'StepGroup',
        phase: 'Succeeded',
        displayName: '[0]',
        boundary: '',
        children: ['[0].generate-artifact'],
        startedAt: '2026-08-22T09:00:00Z',
      },
      '[0].generate-artifact': {
        type: 'Pod',
        phase: 'Succeeded',
        displayName: 'generate-artifact',
        templateName: 'hello-world-to-file',
        boundary: '',
        children: ['[1]'],
        startedAt: '2026-08-22T09:00:01Z',
        finishedAt: '2026-08-22T09:00:12Z',
        outputs: {
          artifacts: [
            { name: 'hello-art', path: '/tmp/hello_world.txt', s3: { key: KEY } },
            { name: 'main-logs', s3: { key: `${NAME}/${PRODUCER_POD}/main.log` } },
          ],
          exitCode: '0',
        },
      },
      '[1]': { type: 'StepGroup', phase: 'Succeeded', displayName: '[1]', boundary: '', children: ['[1].consume-artifact'], startedAt: '2026-08-22T09:00:13Z' },
      '[1].consume-artifact': {
        type: 'Pod',
        phase: 'Succeeded',
        displayName: 'consume-artifact',
        templateName: 'print-message-from-file',
        boundary: '',
        startedAt: '2026-08-22T09:00:14Z',
        finishedAt: '2026-08-22T09:00:29Z',
        inputs: { artifacts: [{ name: 'message', path: '/tmp/message', ...consumerInput }] },
        outputs: { exitCode: '0' },
      },
    },
  );
}

// KFP: backend/src/v2/driver/root_dag.go (one system.DAGExecution for the root DAG), container.go (one
// execution per task, display_name = taskInfo.name, task_name, parent_dag_id), metadata/client.go CreateExecution.
describe('the executions and DAGs of a KFP-compiled v2 Workflow', () => {
  it("records each task once, named after it, never its driver pod; the root component DAG is the run's DAG", () => {
    const name = 'echo-k2x9q';
    const workflow = succeededV2('hello_world', name, ['echo'], true);
    const executions = executionsFromWorkflow(workflow);
    expect(executions.map((e) => ({ name: e.name, taskName: e.taskName, image: e.image, templateName: e.templateName, parent: e.parentDagNodeId }))).toEqual([
      {
        name: 'echo',
        taskName: 'echo',
        image: 'registry.access.redhat.com/ubi9/python-311:latest',
        templateName: 'system-container-impl',
        parent: nodeId(name, `${name}.root`),
      },
    ]);
    expect(executions[0]?.podName).toBe(podNameForNode(workflow, workflow.status?.nodes?.[nodeId(name, `${name}.root.echo.executor`)] ?? { id: '', name: '' }));
    expect(dagsFromWorkflow(workflow)).toEqual([
      {
        nodeId: nodeId(name, `${name}.root`),
        name: '',
        phase: 'Succeeded',
        state: { name: 'COMPLETE', number: 3 },
        startedAt: '2026-08-22T09:00:03Z',
        finishedAt: '2026-08-22T09:00:58Z',
      },
    ]);
  });

  it("records a task its driver found cached as CACHED, under the driver's pod, though Argo skipped its launcher", () => {
    const name = 'pipeline-with-after-c4c9e';
    const workflow = succeededV2('pipeline_with_after', name, ['print-text', 'print-text-2', 'print-text-3'], true, ['print-text-2']);
    const executions = executionsFromWorkflow(workflow);
    expect(executions.map((e) => [e.name, e.state.name])).toEqual([
      ['print-text', 'COMPLETE'],
      ['print-text-2', 'CACHED'],
      ['print-text-3', 'COMPLETE'],
    ]);
    const driver = workflow.status?.nodes?.[nodeId(name, `${name}.root.print-text-2-driver`)];
    expect(executions[1]?.podName).toBe(podNameForNode(workflow, driver ?? { id: '', name: '' }));
  });

  it("reads task names and images from the spec's driver arguments when the node carries no resolved inputs", () => {
    const name = 'pipeline-with-after-j8d2w';
    const workflow = succeededV2('pipeline_with_after', name, ['print-text', 'print-text-2', 'print-text-3'], false);
    const executions = executionsFromWorkflow(workflow);
    expect(executions.map((e) => [e.name, e.taskName, e.image, e.parentDagNodeId])).toEqual(
      ['print-text', 'print-text-2', 'print-text-3'].map((task) => [task, task, 'alpine', nodeId(name, `${name}.root`)]),
    );
    expect(dagsFromWorkflow(workflow).map((d) => d.nodeId)).toEqual([nodeId(name, `${name}.root`)]);
  });
});

describe('executionsFromWorkflow', () => {
  it("gives a plain Argo pod its template's image and the Workflow's root node as its DAG", () => {
    const workflow = succeeded();
    expect(executionsFromWorkflow(workflow).map((e) => [e.name, e.taskName, e.image, e.parentDagNodeId])).toEqual([
      ['generate-artifact', 'generate-artifact', 'busybox', NAME],
      ['consume-artifact', 'consume-artifact', 'busybox', NAME],
    ]);
    expect(dagsFromWorkflow(workflow)).toEqual([
      { nodeId: NAME, name: '', phase: 'Succeeded', state: { name: 'COMPLETE', number: 3 }, startedAt: '2026-08-22T09:00:00Z' },
    ]);
  });

  it('plans one execution per Pod node, in start order', () => {
    const executions = executionsFromWorkflow(succeeded());
    expect(executions.map((e) => [e.name, e.templateName, e.state.name])).toEqual([
      ['generate-artifact', 'hello-world-to-file', 'COMPLETE'],
      ['consume-artifact', 'print-message-from-file', 'COMPLETE'],
    ]);
    const [producer] = executions;
    expect(producer?.podName).toBe(PRODUCER_POD);
    expect(producer?.nodeId).toBe(nodeId(NAME, `${NAME}[0].generate-artifact`));
    expect(producer?.startedAt).toBe('2026-08-22T09:00:01Z');
    expect(producer?.outputs.artifacts[0]).toEqual({ name: 'hello-art', uri: `s3://mlpipeline/${KEY}`, path: '/tmp/hello_world.txt' });
  });

  it('links the consumer input to its producer by URI', () => {
    const [producer, consumer] = executionsFromWorkflow(succeeded());
    expect(consumer?.inputs.artifacts).toEqual([
      {
        name: 'message',
        uri: `s3://mlpipeline/${KEY}`,
        path: '/tmp/message',
        from: { nodeId: producer?.nodeId, podName: PRODUCER_POD, artifactName: 'hello-art' },
      },
    ]);
  });

  it("links through the step's `from:` when the input has no location yet", () => {
    const [producer, consumer] = executionsFromWorkflow(succeeded({}));
    expect(consumer?.inputs.artifacts[0]?.uri).toBeUndefined();
    expect(consumer?.inputs.artifacts[0]?.from).toEqual({ nodeId: producer?.nodeId, podName: PRODUCER_POD, artifactName: 'hello-art' });
  });

  it('links through a `from:` written on the node input', () => {
    const [producer, consumer] = executionsFromWorkflow(
      succeeded({ from: '{{steps.generate-artifact.outputs.artifacts.hello-art}}', s3: { bucket: 'other', key: 'elsewhere' } }),
    );
    expect(consumer?.inputs.artifacts[0]?.from?.nodeId).toBe(producer?.nodeId);
  });
});

describe('artifactUri', () => {
  it('builds a URI from each location key', () => {
    expect(artifactUri({ name: 'a', s3: { bucket: 'b', key: 'k/x.tgz' } })).toBe('s3://b/k/x.tgz');
    expect(artifactUri({ name: 'a', gcs: { bucket: 'b', key: 'k' } })).toBe('gs://b/k');
    expect(artifactUri({ name: 'a', oss: { bucket: 'b', key: 'k' } })).toBe('oss://b/k');
    expect(artifactUri({ name: 'a', azure: { container: 'c', blob: 'k' } })).toBe('azure://c/k');
    expect(artifactUri({ name: 'a', http: { url: 'https://x/y' } })).toBe('https://x/y');
    expect(artifactUri({ name: 'a', artifactory: { url: 'https://af/y' } })).toBe('https://af/y');
    expect(artifactUri({ name: 'a', hdfs: { path: '/data/x', addresses: ['nn:8020'] } })).toBe('hdfs://nn:8020/data/x');
    expect(artifactUri({ name: 'a', git: { repo: 'https://g/r.git', revision: 'main' } })).toBe('https://g/r.git#main');
    expect(artifactUri({ name: 'a', raw: { data: 'x' } })).toBeUndefined();
  });
});

describe('podNameForNode', () => {
  it('follows Argo v2 pod names, and v1 when the workflow says so', () => {
    expect(fnv32a('a')).toBe(0xe40c292c);
    const node = { id: `wf-${fnv32a('wf.A')}`, name: 'wf.A', templateName: 'echo' };
    expect(podNameForNode({ metadata: { name: 'wf' } }, node)).toBe(`wf-echo-${fnv32a('wf.A')}`);
    expect(podNameForNode({ metadata: { name: 'wf' } }, { ...node, templateRef: { name: 't', template: 'shared' } })).toBe(`wf-shared-${fnv32a('wf.A')}`);
    expect(podNameForNode({ metadata: { name: 'wf' } }, { id: 'wf', name: 'wf', templateName: 'main' })).toBe('wf');
    const v1 = { metadata: { name: 'wf', annotations: { 'workflows.argoproj.io/pod-name-format': 'v1' } } };
    expect(podNameForNode(v1, node)).toBe(node.id);
  });
});

describe('workflowSummary', () => {
  it('summarises the workflow and every node', () => {
    const summary = workflowSummary(succeeded());
    expect(summary).toMatchObject({ phase: 'Succeeded', progress: '2/2', startedAt: '2026-08-22T09:00:00Z', finishedAt: '2026-08-22T09:00:30Z' });
    expect(summary.message).toBeUndefined();
    expect(summary.nodes.map((n) => n.displayName)).toEqual(['artifact-passing-x7k2p', '[0]', 'generate-artifact', '[1]', 'consume-artifact']);
    expect(summary.nodes.find((n) => n.displayName === 'generate-artifact')?.podName).toBe(PRODUCER_POD);
    expect(summary.nodes.find((n) => n.type === 'StepGroup')?.podName).toBeUndefined();
  });

  it('handles a workflow the controller has not seen yet', () => {
    expect(workflowSummary(loadFixture('argo/hello-world.yaml'))).toEqual({ phase: '', nodes: [] });
  });
});
