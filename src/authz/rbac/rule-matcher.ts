import type { PolicyRule, RequestAttributes } from './rbac-types.js';

/**
 * One rule against one request, as `RuleAllows` in kubernetes/plugin/pkg/auth/authorizer/rbac/rbac.go and the
 * matchers of pkg/apis/rbac/v1/evaluation_helpers.go.
 */
export function ruleAllows(rule: PolicyRule, attributes: RequestAttributes): boolean {
  if (!verbMatches(rule, attributes.verb)) return false;
  if (attributes.kind === 'nonResource') return nonResourceUrlMatches(rule, attributes.path);
  const subresource = attributes.subresource ?? '';
  const combined = subresource === '' ? attributes.resource : `${attributes.resource}/${subresource}`;
  return apiGroupMatches(rule, attributes.apiGroup) && resourceMatches(rule, combined, subresource) && resourceNameMatches(rule, attributes.name ?? '');
}

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === '*' || v === verb);
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}

// `*` matches everything, `*/scale` any resource's `scale` subresource, else the exact `resource[/sub]`.
function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return (rule.resources ?? []).some(
    (r) => r === '*' || r === combined || (subresource !== '' && r.length === subresource.length + 2 && r === `*/${subresource}`),
  );
}

/**
 * A rule with resourceNames matches only requests that carry one of those names: a list, a watch or a create
 * (which have no name) never match it, exactly as Kubernetes documents.
 */
function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** Exact URL, `*`, or a prefix ending in `*` (`/healthz/*`). */
function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
}
