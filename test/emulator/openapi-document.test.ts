import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenApiDocument, unknownFields, validateValue, type ValidationCause } from '../../src/kube/crd-schema/index.js';
import { UPSTREAM_KUBERNETES } from '../support/upstream-fixtures.js';

const apps = new OpenApiDocument(JSON.parse(readFileSync(join(UPSTREAM_KUBERNETES, 'openapi-v3/apis__apps__v1_openapi.json'), 'utf8')) as unknown);

function causesOf(apiVersion: string, kind: string, object: unknown): readonly ValidationCause[] {
  const schema = apps.schemaFor(apiVersion, kind);
  if (!schema) throw new Error(`no ${kind}`);
  const causes = [...unknownFields(schema, object)];
  validateValue(schema, object, '', causes);
  return causes;
}

describe('OpenApiDocument (Kubernetes OpenAPI v3, apps/v1)', () => {
  it('finds kinds by their group-version-kind and only those', () => {
    expect(apps.kinds()).toContainEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(apps.schemaFor('apps/v1', 'Deployment')?.properties?.spec).toEqual(expect.objectContaining({ type: 'object' }));
    expect(apps.schemaFor('apps/v1beta1', 'Deployment')).toBeUndefined();
    expect(apps.schemaFor('v1', 'Deployment')).toBeUndefined();
  });

  it("inlines kube-openapi's allOf-wrapped references, keeping their default, and shares resolved schemas", () => {
    const deployment = apps.resolve('io.k8s.api.apps.v1.Deployment');
    expect(deployment.properties?.spec?.properties?.template?.properties?.spec).toEqual(expect.objectContaining({ type: 'object' }));
    expect(deployment.properties?.spec?.default).toEqual({});
    expect(deployment.properties?.metadata?.properties?.name).toEqual(expect.objectContaining({ type: 'string' }));
    expect(apps.resolve('io.k8s.api.apps.v1.Deployment')).toBe(deployment);
  });

  it('reads IntOrString as integer-or-string and Quantity as string-or-number', () => {
    const strategy = (port: unknown) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { selector: {}, template: {}, strategy: { rollingUpdate: { maxSurge: port } } },
    });
    expect(causesOf('apps/v1', 'Deployment', strategy(1))).toEqual([]);
    expect(causesOf('apps/v1', 'Deployment', strategy('25%'))).toEqual([]);
    expect(causesOf('apps/v1', 'Deployment', strategy(true)).map((c) => c.field)).toEqual(['spec.strategy.rollingUpdate.maxSurge']);
  });

  it('reports unknown fields at any depth, and none inside maps', () => {
    const object = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', labels: { anything: 'goes' }, lables: {} },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'c', imagePullPolicy: 'Always', imagePulPolicy: 'x' }] } } },
    };
    expect(causesOf('apps/v1', 'Deployment', object).map((c) => c.message)).toEqual([
      'unknown field "metadata.lables"',
      'unknown field "spec.template.spec.containers[0].imagePulPolicy"',
    ]);
  });
});
