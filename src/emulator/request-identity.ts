import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../authz/rbac/index.js';
import type { EmulatorCluster } from './emulator-cluster.js';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED } from './bootstrap-policy.js';
import { ApiError } from './status-error.js';

/** kube-apiserver's anonymous user (`--anonymous-auth=true`, the default): what a request without credentials is. */
export const ANONYMOUS_USER: UserInfo = { username: 'system:anonymous', groups: [ALL_UNAUTHENTICATED] };

/**
 * `Authorization: Bearer …` → user. A request without the header is the anonymous user, whom RBAC then allows
 * only what the bootstrap policy grants `system:unauthenticated` (`/version`, `/healthz`…); a token that is not
 * valid is 401, as kube-apiserver answers (a bad credential never falls back to anonymous).
 */
export function authenticateRequest(cluster: EmulatorCluster, req: IncomingMessage): UserInfo {
  const header = req.headers.authorization;
  if (header === undefined || header === '') return ANONYMOUS_USER;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const user = match?.[1] ? cluster.authenticate(match[1]) : undefined;
  if (!user) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
  return user;
}

/**
 * `Impersonate-User` / `Impersonate-Group` / `Impersonate-Uid` / `Impersonate-Extra-*` (kubectl `--as`,
 * `--as-group`, `--as-uid`), as kube-apiserver's impersonation filter (Kubernetes:
 * staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go): every impersonated attribute must be
 * allowed by the `impersonate` verb for the caller — users, groups or serviceaccounts (in its namespace) in the
 * core group, `uids` and `userextras/<key>` in authentication.k8s.io — and the request then runs as the
 * impersonated user only. A service account without groups asked for gets its two service-account groups; a
 * user other than system:anonymous gets `system:authenticated` unless an (un)authenticated group was asked for.
 */
export function applyImpersonation(cluster: EmulatorCluster, caller: UserInfo, req: IncomingMessage): UserInfo {
  const users = req.headersDistinct['impersonate-user'] ?? [];
  const groups = req.headersDistinct['impersonate-group'] ?? [];
  const uids = req.headersDistinct['impersonate-uid'] ?? [];
  const extras = Object.entries(req.headersDistinct).filter(([name]) => name.startsWith('impersonate-extra-'));
  if (users.length === 0) {
    if (groups.length > 0 || uids.length > 0 || extras.length > 0) {
      throw new ApiError(400, 'BadRequest', 'requested [Impersonate-Group Impersonate-Uid Impersonate-Extra-] without impersonating a user');
    }
    return caller;
  }
  if (users.length > 1) throw new ApiError(400, 'BadRequest', 'only one Impersonate-User header may be sent');
  const username = users[0] ?? '';
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  const checks: { resource: string; name: string; namespace: string; apiGroup: string; subresource?: string }[] = [
    sa
      ? { resource: 'serviceaccounts', name: sa[2] ?? '', namespace: sa[1] ?? '', apiGroup: '' }
      : { resource: 'users', name: username, namespace: '', apiGroup: '' },
    ...groups.map((g) => ({ resource: 'groups', name: g, namespace: '', apiGroup: '' })),
    ...uids.map((u) => ({ resource: 'uids', name: u, namespace: '', apiGroup: 'authentication.k8s.io' })),
    ...extras.flatMap(([name, values]) =>
      (values ?? []).map((v) => ({
        resource: 'userextras',
        subresource: decodeURIComponent(name.slice('impersonate-extra-'.length)),
        name: v,
        namespace: '',
        apiGroup: 'authentication.k8s.io',
      })),
    ),
  ];
  for (const check of checks) {
    const decision = cluster.authorize(caller, { kind: 'resource', verb: 'impersonate', ...check });
    if (!decision.allowed) {
      const where = check.namespace ? `in the namespace "${check.namespace}"` : 'at the cluster scope';
      const resource = check.subresource ? `${check.resource}/${check.subresource}` : check.resource;
      throw new ApiError(
        403,
        'Forbidden',
        `${check.resource} "${check.name}" is forbidden: User "${caller.username}" cannot impersonate resource "${resource}" in API group "${check.apiGroup}" ${where}`,
      );
    }
  }
  const impersonatedGroups = sa && groups.length === 0 ? ['system:serviceaccounts', `system:serviceaccounts:${sa[1] ?? ''}`] : [...groups];
  if (username === ANONYMOUS_USER.username) {
    if (!impersonatedGroups.includes(ALL_UNAUTHENTICATED)) impersonatedGroups.push(ALL_UNAUTHENTICATED);
  } else if (!impersonatedGroups.includes(ALL_AUTHENTICATED) && !impersonatedGroups.includes(ALL_UNAUTHENTICATED)) {
    impersonatedGroups.push(ALL_AUTHENTICATED);
  }
  return { username, groups: impersonatedGroups, ...(uids[0] ? { uid: uids[0] } : {}) };
}
