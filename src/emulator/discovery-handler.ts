import type { ResourceRegistry } from './resource-registry.js';
import type { ResourceType } from './resource-types.js';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kfp-graph-emulator',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/**
 * Legacy (non-aggregated) discovery: `/api`, `/api/v1`, `/apis`, `/apis/G`, `/apis/G/V`. kubectl asks for the
 * aggregated `apidiscovery.k8s.io/v2` form first but accepts these when the answer is plain `application/json`
 * (client-go checks the response Content-Type), so one format is enough.
 * Returns undefined for an unknown group/version (404).
 */
export function discoveryDocument(registry: ResourceRegistry, path: string, groupVersion: readonly string[]): unknown {
  if (path === '/api') {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
  }
  if (path === '/apis') return apiGroupList(registry);
  const [group = '', version = ''] = groupVersion;
  if (groupVersion.length === 1) {
    const versions = registry.groups().get(group);
    return versions && group !== '' ? apiGroup(group, versions) : undefined;
  }
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources: types.flatMap(apiResources),
  };
}

export function apiGroupList(registry: ResourceRegistry): unknown {
  const groups = [...registry.groups().entries()].filter(([name]) => name !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(([name, versions]) => apiGroup(name, versions)) };
}

function apiGroup(name: string, versions: readonly string[]): unknown {
  const sorted = [...versions].sort(compareKubeVersions);
  const entries = sorted.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { kind: 'APIGroup', apiVersion: 'v1', name, versions: entries, preferredVersion: entries[0] };
}

function apiResources(type: ResourceType): unknown[] {
  const main = {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.verbs,
    ...(type.shortNames.length > 0 ? { shortNames: type.shortNames } : {}),
  };
  const subs: unknown[] = [];
  if (type.statusSubresource) {
    subs.push({ name: `${type.plural}/status`, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: ['get', 'patch', 'update'] });
  }
  if (type.group === '' && type.plural === 'serviceaccounts') {
    subs.push({
      name: 'serviceaccounts/token',
      singularName: '',
      namespaced: true,
      group: 'authentication.k8s.io',
      version: 'v1',
      kind: 'TokenRequest',
      verbs: ['create'],
    });
  }
  return [main, ...subs];
}

/** Kubernetes version priority: GA before beta before alpha, higher numbers first (v1 > v1beta2 > v1beta1). */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0];
    const stage = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return [stage, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  const [x, y] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return a.localeCompare(b);
}
