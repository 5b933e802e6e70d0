import type { ResourceRegistry } from './resource-registry.js';
import type { ResourceType } from './resource-types.js';

/**
 * Just enough OpenAPI v3 for `kubectl apply`: the `/openapi/v3` index and, per group/version, a document whose
 * PATCH operations carry `x-kubernetes-group-version-kind` and the `fieldValidation` query parameter. kubectl's
 * QueryParamVerifierV3 then leaves validation to the server (the emulator validates custom resources against
 * their CRD schema) instead of downloading schemas to validate client-side. No component schemas are served.
 */
export function openApiV3(registry: ResourceRegistry, path: string): unknown {
  if (path === '/openapi/v3') {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [group, versions] of registry.groups()) {
      for (const version of versions) {
        const key = group === '' ? `api/${version}` : `apis/${group}/${version}`;
        paths[key] = { serverRelativeURL: `/openapi/v3/${key}` };
      }
    }
    return { paths };
  }
  const match = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!match) return undefined;
  const group = match[2] ?? '';
  const version = match[1] ?? match[3] ?? '';
  const types = registry.inGroupVersion(group, version).filter((t) => t.behaviour === 'stored');
  if (types.length === 0 && registry.inGroupVersion(group, version).length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths: Object.fromEntries(types.map((t) => [itemPath(t), { patch: patchOperation(t) }])),
    components: { schemas: {} },
  };
}

function itemPath(type: ResourceType): string {
  const prefix = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  return type.namespaced ? `${prefix}/namespaces/{namespace}/${type.plural}/{name}` : `${prefix}/${type.plural}/{name}`;
}

function patchOperation(type: ResourceType): unknown {
  return {
    operationId: `patch${type.kind}`,
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': { group: type.group, version: type.version, kind: type.kind },
    parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
      name,
      in: 'query',
      schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
    })),
    responses: { '200': { description: 'OK' } },
  };
}
