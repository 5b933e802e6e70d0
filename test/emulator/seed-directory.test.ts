import { CustomObjectsApi } from '@kubernetes/client-node';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kfamBindingName, loadSeedDirectory, startEmulator } from '../../src/emulator/index.js';
import { kubeConfigFor } from './emulator-harness.js';

describe('seeding', () => {
  it('names KFAM contributor bindings as KFAM does', () => {
    expect(kfamBindingName('Alice.Smith@Example.com', 'edit')).toBe('user-alice-smith-example-com-clusterrole-edit');
  });

  it('loadSeedDirectory reads multi-document YAML, orders CRDs and namespaces first; a CRD written through the API is served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfp-graph-seed-'));
    try {
      writeFileSync(
        join(dir, 'a-objects.yaml'),
        [
          'apiVersion: example.com/v1',
          'kind: Widget',
          'metadata: {name: w1, namespace: team}',
          'spec: {size: 3}',
          '---',
          'apiVersion: v1',
          'kind: ConfigMap',
          'metadata: {name: settings, namespace: team}',
          'data: {a: b}',
        ].join('\n'),
      );
      writeFileSync(
        join(dir, 'b-setup.yaml'),
        [
          'apiVersion: v1',
          'kind: Namespace',
          'metadata: {name: team}',
          '---',
          'apiVersion: apiextensions.k8s.io/v1',
          'kind: CustomResourceDefinition',
          'metadata: {name: widgets.example.com}',
          'spec:',
          '  group: example.com',
          '  scope: Namespaced',
          '  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}',
          '  versions:',
          '  - name: v1',
          '    served: true',
          '    storage: true',
          '    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}}',
        ].join('\n'),
      );
      const seed = loadSeedDirectory(dir);
      expect(seed.map((d) => d.kind)).toEqual(['CustomResourceDefinition', 'Namespace', 'Widget', 'ConfigMap']);
      const emu = await startEmulator({ seed });
      try {
        const custom = kubeConfigFor(emu).makeApiClient(CustomObjectsApi);
        const widget = (await custom.getNamespacedCustomObject({ group: 'example.com', version: 'v1', plural: 'widgets', namespace: 'team', name: 'w1' })) as {
          spec: unknown;
        };
        expect(widget.spec).toEqual({ size: 3 });
      } finally {
        await emu.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
