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
      expect(() => admitWorkflow(manifest, { namespace: 'team-a', allowedServiceAccounts: ['pipeline-runner', 'default-editor'] })).not.toThrow();
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
    expect(error.details.path).toBe('kind');
  });

  it('a wrong apiVersion', () => {
    const error = invalid(fixtureText('argo/hello-world.yaml').replace('argoproj.io/v1alpha1', 'v1'));
    expect(error.details.path).toBe('apiVersion');
  });

  it('a spec larger than maxBytes', () => {
    const error = invalid(fixtureText('kfp/hello_world.yaml'), 1000);
    expect(error.message).toMatch(/1000 allowed/);
  });

  it('no templates', () => {
    const error = invalid(JSON.stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', spec: { entrypoint: 'x' } }));
    expect(error.details.path).toBe('spec.templates');
  });

  it('a missing or unknown entrypoint', () => {
    const base = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: {} };
    const templates = [{ name: 'main', container: { image: 'busybox' } }];
    expect(invalid(JSON.stringify({ ...base, spec: { templates } })).details.path).toBe('spec.entrypoint');
    const unknown = invalid(JSON.stringify({ ...base, spec: { entrypoint: 'nope', templates } }));
    expect(unknown.details.path).toBe('spec.entrypoint');
    expect(unknown.message).toMatch(/"nope"/);
  });

  it('a template without a name', () => {
    const text = JSON.stringify({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      spec: { entrypoint: 'main', templates: [{ name: 'main' }, { container: {} }] },
    });
    expect(invalid(text).details.path).toBe('spec.templates[1].name');
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

describe('parsePipelineSpec reads the spec as Kubernetes readers do, or refuses it', () => {
  const hello = fixtureText('argo/hello-world.yaml');

  it('refuses a value YAML 1.1 and YAML 1.2 read differently, naming its path', () => {
    const spec = hello.replace('spec:\n', 'spec:\n  hostNetwork: yes\n');
    const error = invalid(spec);
    expect(error.details.path).toBe('spec.hostNetwork');
    expect(error.message).toMatch(/YAML 1\.1/);
  });

  it('accepts the same value written unambiguously', () => {
    const { manifest } = parsePipelineSpec(hello.replace('spec:\n', 'spec:\n  activeDeadlineSeconds: 60\n  podPriorityClassName: "yes"\n'), MAX_BYTES);
    expect(manifest.spec.podPriorityClassName).toBe('yes');
  });

  it('refuses anchors, merge keys and tags in YAML, and duplicate keys in YAML and in JSON', () => {
    expect(invalid(hello.replace('spec:\n', 'spec:\n  podGC: &gc {strategy: OnPodSuccess}\n  x: *gc\n')).message).toMatch(/anchor/);
    expect(invalid(hello.replace('spec:\n', 'spec:\n  <<: {hostNetwork: true}\n')).message).toMatch(/merge key/);
    expect(invalid(hello.replace('spec:\n', 'spec:\n  hostNetwork: !!bool "true"\n')).message).toMatch(/tag/);
    expect(invalid(hello.replace('spec:\n', 'spec:\n  entrypoint: other\n')).message).toMatch(/duplicate key/);
    const json = JSON.stringify(parsePipelineSpec(hello, MAX_BYTES).manifest).replace('"spec":{', '"spec":{"hostNetwork":false,"hostNetwork":true,');
    expect(invalid(json).message).toMatch(/duplicate key/);
  });

  it('refuses a JSON spec nested 100,000 deep with BAD_USER_INPUT, not a stack overflow', () => {
    const deep = `{"apiVersion":"argoproj.io/v1alpha1","kind":"Workflow","spec":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const error = invalid(deep, 4 << 20);
    expect(error.message.length).toBeLessThan(300);
    const nested = `{"apiVersion":"argoproj.io/v1alpha1","kind":"Workflow","spec":{"x":${'['.repeat(150)}${']'.repeat(150)}}}`;
    expect(invalid(nested).message).toMatch(/nested more than 100 levels/);
  });
});
