import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/domain-errors.js';
import { buildRunWorkflow, workflowName } from '../../src/kube/workflow/run-workflow.js';
import type { Workflow } from '../../src/kube/workflow/workflow-types.js';
import { loadFixture, thrown } from './workflow-fixtures.js';

const RUN_ID = '3f2a9c1e-7b4d-4e2a-9f00-123456789abc';

function build(spec: Workflow, extra: Partial<Parameters<typeof buildRunWorkflow>[0]> = {}): Workflow {
  return buildRunWorkflow({
    spec,
    runId: RUN_ID,
    runName: 'Nightly Training (v2)',
    namespace: 'team-a',
    serviceAccount: 'default-editor',
    ...extra,
  });
}

describe('buildRunWorkflow', () => {
  it('names, places, labels and annotates the workflow as KFP does', () => {
    const workflow = build(loadFixture('argo/hello-world.yaml'), { creator: 'alice@example.com' });
    expect(workflow.metadata.name).toBe('nightly-training-v2-3f2a9');
    expect(workflow.metadata.generateName).toBeUndefined();
    expect(workflow.metadata.namespace).toBe('team-a');
    expect(workflow.metadata.labels).toEqual({
      'workflows.argoproj.io/archive-strategy': 'false',
      'kfp-graph.kubeflow.org/run-id': RUN_ID,
    });
    expect(workflow.metadata.annotations?.['pipelines.kubeflow.org/run_name']).toBe('Nightly Training (v2)');
    expect(workflow.metadata.annotations?.['pipelines.kubeflow.org/kfp-graph-creator']).toBe('alice@example.com');
    expect(workflow.spec.serviceAccountName).toBe('default-editor');
    expect(workflow.status).toBeUndefined();
  });

  it('replaces the KFP compiler account with the runner account', () => {
    const workflow = build(loadFixture('kfp/hello_world.yaml'));
    expect(workflow.spec.serviceAccountName).toBe('default-editor');
    expect(workflow.spec.templates?.length).toBeGreaterThan(0);
  });

  // KFP: backend/src/apiserver/template/v2_template.go RunWorkflow and backend/src/common/util/workflow.go
  // (SetAnnotationsToAllTemplatesIfKeyNotExist, ReplaceUID, SetPodMetadataLabels).
  it("shapes a KFP-compiled v2 Workflow as KFP's API server does", () => {
    for (const fixture of ['kfp/hello_world.yaml', 'kfp/pipeline_with_after.yaml']) {
      const spec = loadFixture(fixture);
      expect(JSON.stringify(spec)).toContain('{{workflow.uid}}');
      const workflow = build(spec);
      expect(JSON.stringify(workflow)).not.toContain('{{workflow.uid}}');
      const driver = workflow.spec.templates?.find((t) => t.name === 'system-container-driver');
      const args = driver?.container?.args ?? [];
      expect(args[args.indexOf('--run_id') + 1]).toBe(RUN_ID);
      expect(workflow.spec.templates?.length).toBe(spec.spec.templates?.length);
      for (const template of workflow.spec.templates ?? []) {
        expect(template.metadata?.annotations?.['sidecar.istio.io/inject']).toBe('false');
      }
      // The compiler's own annotations stay.
      expect(driver?.metadata?.annotations?.['pipelines.kubeflow.org/runtime-role']).toBe('driver');
      expect(workflow.spec.podMetadata).toEqual({
        annotations: { 'pipelines.kubeflow.org/v2_component': 'true' },
        labels: { 'pipelines.kubeflow.org/v2_component': 'true', 'kfp-graph.kubeflow.org/run-id': RUN_ID },
      });
      expect(workflow.metadata.labels?.['pipeline/runid']).toBeUndefined();
    }
  });

  it("keeps a template's own Istio choice", () => {
    const spec = loadFixture('argo/hello-world.yaml');
    const template = spec.spec.templates?.[0];
    const own: Workflow = {
      ...spec,
      spec: { ...spec.spec, templates: [{ ...template, name: 'hello-world', metadata: { annotations: { 'sidecar.istio.io/inject': 'true' } } }] },
    };
    expect(build(own).spec.templates?.[0]?.metadata?.annotations).toEqual({ 'sidecar.istio.io/inject': 'true' });
    expect(build(spec).spec.templates?.[0]?.metadata?.annotations).toEqual({ 'sidecar.istio.io/inject': 'false' });
  });

  it("leaves {{workflow.uid}} to Argo in a recurring run's template: each scheduled run is named by its own UID", () => {
    const workflow = build(loadFixture('kfp/hello_world.yaml'), { recurringRunId: 'nightly-swf' });
    expect(JSON.stringify(workflow)).toContain('{{workflow.uid}}');
    expect(workflow.spec.templates?.every((t) => t.metadata?.annotations?.['sidecar.istio.io/inject'] === 'false')).toBe(true);
    expect(JSON.stringify(workflow.spec.podMetadata)).not.toContain('kfp-graph.kubeflow.org/run-id');
  });

  it('labels runs of a recurring run with the ScheduledWorkflow name', () => {
    const workflow = build(loadFixture('argo/hello-world.yaml'), { recurringRunId: 'nightly-swf' });
    expect(workflow.metadata.labels?.['scheduledworkflows.kubeflow.org/scheduledWorkflowName']).toBe('nightly-swf');
    expect(workflow.metadata.labels?.['scheduledworkflows.kubeflow.org/isOwnedByScheduledWorkflow']).toBe('true');
  });

  it('drops server-owned and spoofed fields from the spec', () => {
    const spec = loadFixture('argo/hello-world.yaml');
    const dirty: Workflow = {
      ...spec,
      metadata: {
        ...spec.metadata,
        uid: 'u',
        resourceVersion: '42',
        labels: {
          'pipeline/runid': 'someone-else',
          'pipeline/persistedFinalState': 'true',
          'scheduledworkflows.kubeflow.org/scheduledWorkflowName': 'other',
          'workflows.argoproj.io/completed': 'true',
        },
      },
      spec: { ...spec.spec, shutdown: 'Terminate' },
      status: { phase: 'Succeeded' },
    };
    const workflow = build(dirty);
    expect(workflow.metadata.uid).toBeUndefined();
    expect(workflow.metadata.resourceVersion).toBeUndefined();
    expect(workflow.metadata.labels).toEqual({ 'kfp-graph.kubeflow.org/run-id': RUN_ID });
    expect(workflow.spec.shutdown).toBeUndefined();
    expect(workflow.status).toBeUndefined();
  });

  it('merges parameters, keeping declared defaults', () => {
    const spec = loadFixture('argo/arguments-parameters.yaml');
    expect(build(spec).spec.arguments?.parameters).toEqual([{ name: 'message', value: 'hello world' }]);
    expect(build(spec, { parameters: { message: 'goodbye' } }).spec.arguments?.parameters).toEqual([{ name: 'message', value: 'goodbye' }]);
  });

  it('rejects an unknown parameter, listing the declared ones', () => {
    const error = thrown(() => build(loadFixture('argo/arguments-parameters.yaml'), { parameters: { mesage: 'typo' } }));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toMatch(/mesage.*declares: message/);
    expect((error as InvalidInputError).details.path).toBe('parameters.mesage');
  });

  it('rejects a missing required parameter', () => {
    const spec = loadFixture('argo/arguments-parameters.yaml');
    const required: Workflow = { ...spec, spec: { ...spec.spec, arguments: { parameters: [{ name: 'message' }] } } };
    const error = thrown(() => build(required));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).details.path).toBe('parameters.message');
    expect(build(required, { parameters: { message: 'x' } }).spec.arguments?.parameters).toEqual([{ name: 'message', value: 'x' }]);
  });

  it('leaves a parameter read from a ConfigMap to Argo unless the run sets it', () => {
    const spec = loadFixture('argo/arguments-parameters.yaml');
    const fromConfigMap = { name: 'message', valueFrom: { configMapKeyRef: { name: 'cm', key: 'msg' } } };
    const withValueFrom: Workflow = { ...spec, spec: { ...spec.spec, arguments: { parameters: [fromConfigMap] } } };
    expect(build(withValueFrom).spec.arguments?.parameters).toEqual([fromConfigMap]);
    expect(build(withValueFrom, { parameters: { message: 'x' } }).spec.arguments?.parameters).toEqual([{ name: 'message', value: 'x' }]);
  });

  it('runs admission on the result', () => {
    const spec = loadFixture('argo/hello-world.yaml');
    const escaping: Workflow = {
      ...spec,
      spec: { ...spec.spec, templates: [{ name: 'hello-world', serviceAccountName: 'admin', container: { image: 'busybox' } }] },
    };
    const error = thrown(() => build(escaping));
    expect((error as InvalidInputError).details.path).toBe('spec.templates[0].serviceAccountName');
    const other = thrown(() => build({ ...spec, metadata: { ...spec.metadata, namespace: 'team-b' } }));
    expect((other as InvalidInputError).details.path).toBe('metadata.namespace');
    expect(build({ ...spec, metadata: { ...spec.metadata, namespace: 'team-a' } }).metadata.namespace).toBe('team-a');
  });

  it('makes DNS-1123 names of at most 63 characters', () => {
    const name = workflowName(`${'A'.repeat(200)}!!`, RUN_ID);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(workflowName('***', RUN_ID)).toBe('run-3f2a9');
    expect(workflowName('ends with dash-', 'ABCDEF')).toBe('ends-with-dash-abcde');
  });
});
