import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/domain-errors.js';
import { parsePipelineSpec, pipelineParameters } from '../../src/kube/workflow/pipeline-spec.js';
import { admitWorkflow } from '../../src/kube/workflow/workflow-admission.js';
import { MAX_BYTES, fixtureFiles, fixtureText, thrown } from './workflow-fixtures.js';

function invalid(text: string, maxBytes = MAX_BYTES): InvalidInputError {
  const error = thrown(() => parsePipelineSpec(text, maxBytes));
  expect(error).toBeInstanceOf(InvalidInputError);
  return error as InvalidInputError;
}

describe('parsePipelineSpec on the upstream fixtures', () => {
  for (const file of [...fixtureFiles('argo'), ...fixtureFiles('kfp')]) {
    it(`parses and admits ${file}`, () => {
      const { manifest, canonicalJson } = parsePipelineSpec(fixtureText(file), MAX_BYTES);
      expect(manifest.kind).toBe('Workflow');
      expect(manifest.status).toBeUndefined();
      expect(JSON.parse(canonicalJson)).toEqual(JSON.parse(JSON.stringify(manifest)));
      // KFP-compiled workflows name `pipeline-runner`, KFP's runner account; Argo examples name none.
      expect(() =>
        admitWorkflow(manifest, { namespace: 'team-a', allowedServiceAccounts: ['pipeline-runner', 'default-editor'] }),
      ).not.toThrow();
    });
  }

  it('gives the same canonical JSON for YAML and JSON of the same workflow', () => {
    const fromYaml = parsePipelineSpec(fixtureText('argo/dag-diamond.yaml'), MAX_BYTES);
    const fromJson = parsePipelineSpec(JSON.stringify(fromYaml.manifest, null, 2), MAX_BYTES);
    expect(fromJson.canonicalJson).toBe(fromYaml.canonicalJson);
  });

  it('reads declared parameters with their defaults', () => {
    const { manifest } = parsePipelineSpec(fixtureText('argo/arguments-parameters.yaml'), MAX_BYTES);
    expect(pipelineParameters(manifest)).toEqual([{ name: 'message', defaultValue: 'hello world' }]);
    const kfp = parsePipelineSpec(fixtureText('kfp/hello_world.yaml'), MAX_BYTES).manifest;
    expect(pipelineParameters(kfp).map((p) => p.name)).toContain('components-root');
  });

  it('accepts a WorkflowTemplate and runs its spec as a Workflow', () => {
    const text = fixtureText('argo/hello-world.yaml').replace('kind: Workflow', 'kind: WorkflowTemplate');
    const { manifest } = parsePipelineSpec(text, MAX_BYTES);
    expect(manifest.kind).toBe('Workflow');
    expect(manifest.spec.entrypoint).toBe('hello-world');
  });
});

describe('parsePipelineSpec rejects', () => {
  it('malformed YAML', () => {
    expect(invalid('apiVersion: argoproj.io/v1alpha1\nkind: [Workflow\n').message).toMatch(/not valid YAML/);
  });

  it('a JSON array', () => {
    expect(invalid('[{"apiVersion":"argoproj.io/v1alpha1","kind":"Workflow"}]').message).toMatch(/object/);
  });

  it('a scalar and an empty text', () => {
    invalid('hello');
    invalid('');
  });

  it('several YAML documents', () => {
    const text = fixtureText('argo/hello-world.yaml');
    expect(invalid(`${text}\n---\n${text}`).message).toMatch(/2 YAML documents/);
  });

  it('a wrong kind, naming the path', () => {
    const error = invalid(fixtureText('argo/hello-world.yaml').replace('kind: Workflow', 'kind: CronWorkflow'));
    expect(error.details['path']).toBe('kind');
  });

  it('a wrong apiVersion', () => {
    const error = invalid(fixtureText('argo/hello-world.yaml').replace('argoproj.io/v1alpha1', 'v1'));
    expect(error.details['path']).toBe('apiVersion');
  });

  it('a spec larger than maxBytes', () => {
    const error = invalid(fixtureText('kfp/hello_world.yaml'), 1000);
    expect(error.message).toMatch(/1000 allowed/);
  });

  it('no templates', () => {
    const error = invalid(JSON.stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', spec: { entrypoint: 'x' } }));
    expect(error.details['path']).toBe('spec.templates');
  });

  it('a missing or unknown entrypoint', () => {
    const base = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: {} };
    const templates = [{ name: 'main', container: { image: 'busybox' } }];
    expect(invalid(JSON.stringify({ ...base, spec: { templates } })).details['path']).toBe('spec.entrypoint');
    const unknown = invalid(JSON.stringify({ ...base, spec: { entrypoint: 'nope', templates } }));
    expect(unknown.details['path']).toBe('spec.entrypoint');
    expect(unknown.message).toMatch(/"nope"/);
  });

  it('a template without a name', () => {
    const text = JSON.stringify({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      spec: { entrypoint: 'main', templates: [{ name: 'main' }, { container: {} }] },
    });
    expect(invalid(text).details['path']).toBe('spec.templates[1].name');
  });

  it('a YAML alias bomb', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i += 1) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(`${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`);
    }
    invalid(lines.join('\n'));
  });
});
