import { UPSTREAM_FIXTURES, UPSTREAM_KUBERNETES } from '../support/upstream-fixtures.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CRD_FILES, loadCrds, validateObject, type JsonSchema } from '../../src/kube/crd-schema/index.js';

const schema: JsonSchema = {
  type: 'object',
  required: ['spec'],
  properties: {
    spec: {
      type: 'object',
      required: ['mode'],
      properties: {
        mode: { type: 'string', enum: ['a', 'b'] },
        replicas: { type: 'integer', format: 'int32', minimum: 0 },
        port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        items: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        note: { type: 'string', nullable: true },
        retries: { type: 'integer', default: 3 },
      },
    },
  },
};

describe('validateObject', () => {
  it('prunes unknown fields, keeps preserved ones and applies defaults', () => {
    const result = validateObject(schema, { metadata: { name: 'x' }, spec: { mode: 'a', bogus: 1, free: { any: { thing: true } }, note: null } });
    expect(result.valid).toBe(true);
    expect(result.object).toEqual({ metadata: { name: 'x' }, spec: { mode: 'a', free: { any: { thing: true } }, note: null, retries: 3 } });
  });

  it('reports Kubernetes-style causes with field paths', () => {
    const result = validateObject(schema, {
      spec: { mode: 'c', replicas: 'two', port: 1.5, items: [{ name: 'ok' }, {}], labels: { a: 1 } },
    });
    expect(result.valid).toBe(false);
    expect(result.causes).toEqual(
      expect.arrayContaining([
        { reason: 'FieldValueNotSupported', field: 'spec.mode', message: 'Unsupported value: "c": supported values: "a", "b"' },
        {
          reason: 'FieldValueTypeInvalid',
          field: 'spec.replicas',
          message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"',
        },
        { reason: 'FieldValueRequired', field: 'spec.items[1].name', message: 'Required value' },
        {
          reason: 'FieldValueTypeInvalid',
          field: 'spec.labels[a]',
          message: 'Invalid value: "integer": spec.labels[a] in body must be of type string: "integer"',
        },
      ]),
    );
    expect(result.causes.some((c) => c.field === 'spec.port')).toBe(true);
  });

  it('checks int32 range and minimum', () => {
    const big = validateObject(schema, { spec: { mode: 'a', replicas: 2 ** 31 } });
    expect(big.causes.map((c) => c.field)).toEqual(['spec.replicas']);
    expect(validateObject(schema, { spec: { mode: 'a', replicas: -1 } }).causes[0]?.message).toContain('should be greater than or equal to 0');
  });

  it('validates KFP-compiled and Argo example workflows against the Argo v4.0.8 CRD', async () => {
    const { readYamlDocuments } = await import('../../src/emulator/index.js');
    const workflowCrd = loadCrds(UPSTREAM_KUBERNETES, DEFAULT_CRD_FILES).find((c) => c.name === 'workflows.argoproj.io');
    const wfSchema = workflowCrd?.versions[0]?.schema ?? {};
    for (const file of ['argo/hello-world.yaml', 'argo/dag-diamond.yaml', 'kfp/hello_world.yaml', 'kfp/pipeline_with_after.yaml']) {
      const [doc] = readYamlDocuments(`${UPSTREAM_FIXTURES}${file}`);
      const result = validateObject(wfSchema, doc);
      expect(result.causes, file).toEqual([]);
    }
    const broken = validateObject(wfSchema, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: {},
      spec: { templates: [{ name: 't', container: { image: 'busybox', ports: [{}] } }], parallelism: 'x' },
    });
    expect(broken.causes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'spec.parallelism', reason: 'FieldValueTypeInvalid' }),
        expect.objectContaining({ field: 'spec.templates[0].container.ports[0].containerPort', message: 'Required value' }),
      ]),
    );
  });
});
