import { ruleAllows } from './rule-matcher.js';
import { describeSubject, subjectMatches } from './subject-matcher.js';
import type { ClusterRole, PolicyRule, RbacDecision, RbacPolicy, RequestAttributes, Role, RoleBinding, UserInfo } from './rbac-types.js';

/** kube-apiserver's privileged group: authorized before RBAC is even consulted. */
export const SYSTEM_MASTERS = 'system:masters';

const DENIED: RbacDecision = { allowed: false, reason: '' };

/**
 * Decide a request as kube-apiserver's RBAC authorizer (`RBACAuthorizer.Authorize`) does: ClusterRoleBindings
 * first, then — for namespaced requests — the RoleBindings of that namespace; the first rule that allows wins and
 * the reason names its binding. There are no deny rules in RBAC, so "no match" is a denial (NoOpinion).
 * The policy's ClusterRoles must already be aggregated (see `aggregateClusterRoles`).
 */
export function authorize(policy: RbacPolicy, user: UserInfo, attributes: RequestAttributes): RbacDecision {
  if (user.groups.includes(SYSTEM_MASTERS)) {
    return { allowed: true, reason: `allowed by group "${SYSTEM_MASTERS}"` };
  }
  const clusterRoles = new Map<string, ClusterRole>();
  for (const r of policy.clusterRoles) clusterRoles.set(r.metadata?.name ?? '', r);

  for (const binding of policy.clusterRoleBindings) {
    // A ClusterRoleBinding may only reference a ClusterRole.
    if (binding.roleRef.kind !== 'ClusterRole') continue;
    const reason = bindingAllows(binding, '', clusterRoles.get(binding.roleRef.name), user, attributes);
    if (reason) return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "${bindingName(binding)}" ${reason}` };
  }

  const namespace = attributes.kind === 'resource' ? (attributes.namespace ?? '') : '';
  if (namespace === '') return DENIED;
  const roles = new Map<string, Role>();
  for (const r of policy.roles) if (r.metadata?.namespace === namespace) roles.set(r.metadata.name ?? '', r);

  for (const binding of policy.roleBindings) {
    if (binding.metadata?.namespace !== namespace) continue;
    const role =
      binding.roleRef.kind === 'ClusterRole'
        ? clusterRoles.get(binding.roleRef.name)
        : binding.roleRef.kind === 'Role'
          ? roles.get(binding.roleRef.name)
          : undefined;
    // nonResourceURLs only mean something in a cluster-wide binding; a RoleBinding never grants them.
    if (attributes.kind === 'nonResource') continue;
    const reason = bindingAllows(binding, namespace, role, user, attributes);
    if (reason) {
      return { allowed: true, reason: `RBAC: allowed by RoleBinding "${bindingName(binding)}/${namespace}" ${reason}` };
    }
  }
  return DENIED;
}

/** Every rule a user holds in a namespace ("" = cluster-wide only), like SelfSubjectRulesReview. */
export function rulesFor(policy: RbacPolicy, user: UserInfo, namespace: string): PolicyRule[] {
  const out: PolicyRule[] = [];
  const clusterRoles = new Map(policy.clusterRoles.map((r) => [r.metadata?.name ?? '', r] as const));
  for (const b of policy.clusterRoleBindings) {
    if (b.roleRef.kind === 'ClusterRole' && (b.subjects ?? []).some((s) => subjectMatches(s, user, ''))) {
      out.push(...(clusterRoles.get(b.roleRef.name)?.rules ?? []));
    }
  }
  if (namespace === '') return out;
  for (const b of policy.roleBindings) {
    if (b.metadata?.namespace !== namespace) continue;
    if (!(b.subjects ?? []).some((s) => subjectMatches(s, user, namespace))) continue;
    const role =
      b.roleRef.kind === 'ClusterRole'
        ? clusterRoles.get(b.roleRef.name)
        : policy.roles.find((r) => r.metadata?.namespace === namespace && r.metadata.name === b.roleRef.name);
    out.push(...(role?.rules ?? []));
  }
  return out;
}

/** The "of ClusterRole … to User …" part of the reason when the binding allows, else undefined. */
function bindingAllows(binding: RoleBinding, namespace: string, role: Role | undefined, user: UserInfo, attributes: RequestAttributes): string | undefined {
  if (!role) return undefined;
  const subject = (binding.subjects ?? []).find((s) => subjectMatches(s, user, namespace));
  if (!subject) return undefined;
  if (!(role.rules ?? []).some((rule) => ruleAllows(rule, attributes))) return undefined;
  return `of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${describeSubject(subject, namespace)}`;
}

function bindingName(binding: RoleBinding): string {
  return binding.metadata?.name ?? '';
}
