/**
 * What kube-apiserver's RequestInfoFactory extracts from a URL and method: API group/version, namespace,
 * resource, name, subresource and the RBAC verb (GET on a collection is `list`, `?watch=true` is `watch`,
 * DELETE on a collection is `deletecollection`). Anything that is not `/api/…` or `/apis/…` is a non-resource
 * request (`/version`, `/healthz`).
 */
export interface ResourceRequestInfo {
  readonly kind: 'resource';
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly namespace: string;
  readonly resource: string;
  readonly name: string;
  readonly subresource: string;
}

export interface DiscoveryRequestInfo {
  readonly kind: 'discovery';
  readonly verb: string;
  readonly path: string;
  /** `/api` → [], `/apis/g` → ['g'], `/apis/g/v` → ['g','v'], `/api/v1` → ['', 'v1'] */
  readonly groupVersion: readonly string[];
}

export interface NonResourceRequestInfo {
  readonly kind: 'nonResource';
  readonly verb: string;
  readonly path: string;
}

export type RequestInfo = ResourceRequestInfo | DiscoveryRequestInfo | NonResourceRequestInfo;

const METHOD_VERBS: Readonly<Record<string, string>> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

export function parseRequestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const httpVerb = METHOD_VERBS[method] ?? method.toLowerCase();
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api') {
    if (parts.length < 3) return { kind: 'discovery', verb: httpVerb, path, groupVersion: parts.length === 2 ? ['', parts[1] ?? ''] : [] };
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length < 4) return { kind: 'discovery', verb: httpVerb, path, groupVersion: parts.slice(1) };
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else {
    return { kind: 'nonResource', verb: httpVerb, path };
  }

  let namespace = '';
  // `/namespaces/{ns}/{resource}…` is namespaced; `/namespaces/{name}` is the namespace object itself.
  const namespaceSubresource = rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize');
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSubresource) {
    namespace = rest[1] ?? '';
    rest = rest.slice(2);
  }
  const resource = rest[0] ?? '';
  const name = rest[1] ?? '';
  const subresource = rest[2] ?? '';
  if (resource === 'namespaces' && name !== '') namespace = name;

  let verb = httpVerb;
  const watchParam = url.searchParams.get('watch');
  if (name === '' && verb === 'get') verb = watchParam === 'true' || watchParam === '1' ? 'watch' : 'list';
  if (name === '' && verb === 'delete') verb = 'deletecollection';
  return { kind: 'resource', verb, group, version, namespace, resource, name, subresource };
}
