import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../authz/rbac/index.js';
import type { EmulatorCluster } from './emulator-cluster.js';
import { ApiError } from './status-error.js';

/** `Authorization: Bearer …` → user; anything else is 401 as kube-apiserver answers without anonymous auth. */
export function authenticateRequest(cluster: EmulatorCluster, req: IncomingMessage): UserInfo {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const user = match?.[1] ? cluster.authenticate(match[1]) : undefined;
  if (!user) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
  return user;
}

/**
 * `Impersonate-User` / `Impersonate-Group` (kubectl `--as` / `--as-group`). Each impersonated name must be
 * allowed by the `impersonate` verb on users/groups/serviceaccounts, as kube-apiserver's impersonation filter
 * checks; the impersonated user also gets `system:authenticated`.
 */
export function applyImpersonation(cluster: EmulatorCluster, caller: UserInfo, req: IncomingMessage): UserInfo {
  const users = req.headersDistinct['impersonate-user'] ?? [];
  const groups = req.headersDistinct['impersonate-group'] ?? [];
  if (users.length === 0) {
    if (groups.length > 0) throw new ApiError(400, 'BadRequest', 'requested [Impersonate-Group] without impersonating a user');
    return caller;
  }
  const username = users[0] ?? '';
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  const checks = [
    sa ? { resource: 'serviceaccounts', name: sa[2] ?? '', namespace: sa[1] ?? '' } : { resource: 'users', name: username, namespace: '' },
    ...groups.map((g) => ({ resource: 'groups', name: g, namespace: '' })),
  ];
  for (const check of checks) {
    const decision = cluster.authorize(caller, { kind: 'resource', verb: 'impersonate', apiGroup: '', ...check });
    if (!decision.allowed) {
      throw new ApiError(403, 'Forbidden', `${check.resource} "${check.name}" is forbidden: User "${caller.username}" cannot impersonate resource "${check.resource}" in API group "" at the cluster scope`);
    }
  }
  const impersonatedGroups = sa ? ['system:serviceaccounts', `system:serviceaccounts:${sa[1] ?? ''}`, ...groups] : [...groups];
  if (!impersonatedGroups.includes('system:authenticated')) impersonatedGroups.push('system:authenticated');
  return { username, groups: impersonatedGroups };
}
