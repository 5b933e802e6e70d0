import { describe, expect, it } from 'vitest';
import { fnv32a } from '../../src/kube/workflow/pod-name.js';
import type { Template, Workflow } from '../../src/kube/workflow/workflow-types.js';
import { recordedRunOf } from '../../src/sync/workflow-metadata.js';
import { loadFixture } from '../workflow/workflow-fixtures.js';
import { succeededV2 } from '../workflow/kfp-v2-status.js';
import { nodeId, withStatus } from '../workflow/workflow-status-builder.js';

const NAME = 'artifact-passing-x7k2p';
const KEY = `${NAME}/${NAME}-hello-world-to-file-${fnv32a(`${NAME}[0].generate-artifact`)}/hello-art.tgz`;
const RUN = { runId: 'run-1', namespace: 'team-a', pipelineName: 'artifact-passing', pipelineRoot: 'minio://mlpipeline/private-artifacts/team-a/v2/artifacts' };

/** artifact-passing.yaml with KFP v1's component spec annotation on the producer, after it succeeded. */
function annotated(outputType: string): Workflow {
  const spec = loadFixture('argo/artifact-passing.yaml');
  const templates = (spec.spec.templates ?? []).map(
    (t): Template =>
      t.name === 'hello-world-to-file'
        ? {
            ...t,
            metadata: {
              annotations: { 'pipelines.kubeflow.org/component_spec': JSON.stringify({ name: 'Hello', outputs: [{ name: 'hello art', type: outputType }] }) },
            },
          }
        : t,
  );
  return withStatus(
    { ...spec, spec: { ...spec.spec, templates } },
    NAME,
    { phase: 'Succeeded', artifactRepositoryRef: { artifactRepository: { s3: { bucket: 'mlpipeline' } } } },
    {
      '': {
        type: 'Steps',
        phase: 'Succeeded',
        displayName: NAME,
        templateName: 'artifact-example',
        children: ['[0]'],
        startedAt: '2026-08-22T09:00:00Z',
        finishedAt: '2026-08-22T09:00:30Z',
      },
      '[0]': { type: 'StepGroup', phase: 'Succeeded', displayName: '[0]', boundary: '', children: ['[0].generate-artifact'] },
      '[0].generate-artifact': {
        type: 'Pod',
        phase: 'Succeeded',
        displayName: 'generate-artifact',
        templateName: 'hello-world-to-file',
        boundary: '',
        startedAt: '2026-08-22T09:00:01Z',
        finishedAt: '2026-08-22T09:00:12Z',
        outputs: { artifacts: [{ name: 'hello-art', s3: { key: KEY } }] },
      },
      '[1].consume-artifact': {
        type: 'Pod',
        phase: 'Succeeded',
        displayName: 'consume-artifact',
        templateName: 'print-message-from-file',
        boundary: '',
        startedAt: '2026-08-22T09:00:14Z',
        finishedAt: '2026-08-22T09:00:29Z',
        inputs: { artifacts: [{ name: 'message', s3: { key: KEY } }] },
      },
    },
  );
}

// KFP: backend/src/v2/metadata/client.go (GetPipeline, CreateExecution, RecordArtifact), driver/root_dag.go.
describe('recordedRunOf', () => {
  it("writes KFP's run context properties, a root DAGExecution, and tasks that name it as their parent", () => {
    const run = recordedRunOf(annotated('Dataset'), RUN);
    expect(run.runContextProperties).toEqual({
      resource_name: NAME,
      pipeline_root: 'minio://mlpipeline/private-artifacts/team-a/v2/artifacts/artifact-passing/run-1',
    });
    const [dag, ...tasks] = run.executions;
    expect(dag).toMatchObject({ key: `run-1/dag/${NAME}`, type: 'system.DAGExecution', name: '', state: 'COMPLETE', customProperties: { task_name: '' } });
    expect(dag?.parentKey).toBeUndefined();
    expect(tasks.map((e) => [e.type, e.name, e.parentKey, e.customProperties?.task_name, e.customProperties?.image])).toEqual([
      ['system.ContainerExecution', 'generate-artifact', dag?.key, 'generate-artifact', 'busybox'],
      ['system.ContainerExecution', 'consume-artifact', dag?.key, 'consume-artifact', 'busybox'],
    ]);
  });

  // KFP: sdk/python/kfp/dsl/types/type_utils.py ARTIFACT_CLASSES_MAPPING; metadata_writer.py reads the types
  // from the template's component_spec annotation.
  it.each([
    ['Dataset', 'system.Dataset'],
    ['model', 'system.Model'],
    ['system.Metrics', 'system.Metrics'],
    ['String', 'system.Artifact'],
  ])('types an output the component spec calls %s as %s', (declared, type) => {
    const [, producer] = recordedRunOf(annotated(declared), RUN).executions;
    expect(producer?.outputs).toEqual([{ uri: `s3://mlpipeline/${KEY}`, name: 'hello-art', type }]);
  });

  it('records a v2 run without its driver pods', () => {
    const name = 'echo-k2x9q';
    const run = recordedRunOf(succeededV2('hello_world', name, ['echo'], true), { ...RUN, pipelineName: 'echo' });
    expect(run.executions.map((e) => [e.type, e.name, e.parentKey])).toEqual([
      ['system.DAGExecution', '', undefined],
      ['system.ContainerExecution', 'echo', `run-1/dag/${nodeId(name, `${name}.root`)}`],
    ]);
    expect(run.executions[1]?.customProperties).toMatchObject({
      task_name: 'echo',
      image: 'registry.access.redhat.com/ubi9/python-311:latest',
      namespace: 'team-a',
    });
  });

  it('records nothing for a Workflow that has not started', () => {
    expect(recordedRunOf(loadFixture('argo/artifact-passing.yaml'), RUN).executions).toEqual([]);
  });
});
