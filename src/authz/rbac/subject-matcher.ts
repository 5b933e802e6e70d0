import type { Subject, UserInfo } from './rbac-types.js';

/** `system:serviceaccount:NS:NAME`, the user name the ServiceAccount token authenticator reports. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * `appliesToUser` in kubernetes/plugin/pkg/auth/authorizer/rbac/rbac.go. A ServiceAccount subject without a
 * namespace takes the binding's namespace; in a ClusterRoleBinding that is "" and so it matches nobody.
 */
export function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.username;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace ?? bindingNamespace;
      return namespace !== '' && serviceAccountUsername(namespace, subject.name) === user.username;
    }
    default:
      return false;
  }
}

export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') {
    return `ServiceAccount "${subject.name}/${subject.namespace ?? bindingNamespace}"`;
  }
  return `${subject.kind} "${subject.name}"`;
}
