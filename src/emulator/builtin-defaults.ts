import type { KubeObject } from './kube-object.js';
import { isRecord } from './kube-object.js';
import type { ResourceType } from './resource-types.js';

/**
 * The few built-in strategies kfp-graph can observe: a Namespace gets its `kubernetes.io/metadata.name` label
 * (set by kube-apiserver since 1.21), the `kubernetes` finalizer and phase Active; a Secret's `stringData` is
 * folded into base64 `data` and its type defaults to Opaque.
 */
export function applyBuiltinDefaults(object: KubeObject, type: ResourceType): void {
  if (type.group !== '') return;
  if (type.plural === 'namespaces') {
    const name = object.metadata.name ?? '';
    object.metadata.labels = { ...object.metadata.labels, 'kubernetes.io/metadata.name': name };
    const spec = isRecord(object.spec) ? object.spec : {};
    object.spec = { finalizers: ['kubernetes'], ...spec };
    object.status = { phase: 'Active' };
  }
  if (type.plural === 'secrets') {
    const data: Record<string, unknown> = isRecord(object.data) ? { ...object.data } : {};
    if (isRecord(object.stringData)) {
      for (const [k, v] of Object.entries(object.stringData)) data[k] = Buffer.from(String(v)).toString('base64');
      delete object.stringData;
    }
    object.data = data;
    object.type ??= 'Opaque';
  }
}
