import type { EmulatorCluster } from './emulator-cluster.js';
import type { KubeObject } from './kube-object.js';
import { apiVersionOf, type ResourceType } from './resource-types.js';
import { parseFieldSelector, parseLabelSelector, type ObjectPredicate } from './selector-query.js';
import { ApiError, badRequest } from './status-error.js';

export interface ListResult {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  readonly items: KubeObject[];
}

/** The `labelSelector` and `fieldSelector` of a list or watch, plus the namespace of the URL. */
export function selectorFrom(url: URL, type: ResourceType, namespace: string): ObjectPredicate {
  const labels = parseLabelSelector(url.searchParams.get('labelSelector'));
  const fields = parseFieldSelector(url.searchParams.get('fieldSelector'));
  return (o) => (!type.namespaced || namespace === '' || o.metadata.namespace === namespace) && labels(o) && fields(o);
}

/**
 * A list as kube-apiserver serves it: filtered by selectors, ordered by key, paged with `limit` and an opaque
 * `continue` token, and stamped with the store's current revision so a watch can start right after it.
 * Unlike etcd, later pages are read from current data rather than a snapshot at the first page's revision.
 */
export function listObjects(cluster: EmulatorCluster, type: ResourceType, namespace: string, url: URL): ListResult {
  const matches = selectorFrom(url, type, namespace);
  const revision = String(cluster.store.revision);
  let items = cluster.store.list(type.storageKey, type.namespaced ? namespace : '').filter(matches);
  const token = url.searchParams.get('continue');
  if (token) {
    const after = decodeContinue(token);
    items = items.filter((o) => keyOf(o) > after);
  }
  const limitText = url.searchParams.get('limit');
  const limit = limitText === null ? 0 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit: ${limitText}`);
  const metadata: ListResult['metadata'] = { resourceVersion: revision };
  if (limit > 0 && items.length > limit) {
    metadata.remainingItemCount = items.length - limit;
    items = items.slice(0, limit);
    const last = items[items.length - 1];
    if (last) metadata.continue = Buffer.from(JSON.stringify({ k: keyOf(last), rv: revision })).toString('base64url');
  }
  const apiVersion = apiVersionOf(type);
  return { apiVersion, kind: type.listKind, metadata, items: items.map((o) => ({ ...o, apiVersion, kind: type.kind })) };
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

function decodeContinue(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'k' in parsed && typeof parsed.k === 'string') return parsed.k;
  } catch {
    // fall through
  }
  throw new ApiError(400, 'BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}
