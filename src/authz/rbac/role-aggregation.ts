import { labelSelectorMatches } from './label-selector-match.js';
import type { ClusterRole, PolicyRule } from './rbac-types.js';

/**
 * What kube-controller-manager's clusterrole-aggregation controller does: a ClusterRole with an aggregationRule
 * has its `rules` replaced by the union of the rules of every other ClusterRole matching one of its selectors.
 * Aggregated roles can themselves be aggregated (Kubeflow chains view → edit → admin), so the controller
 * converges to a fixed point; computing each role recursively with memoisation reaches the same point in one
 * pass. Cycles contribute nothing further (the controller would also stop changing anything).
 */
export function aggregateClusterRoles<T extends ClusterRole>(clusterRoles: readonly T[]): T[] {
  const byName = new Map<string, T>();
  for (const role of clusterRoles) byName.set(role.metadata?.name ?? '', role);
  const memo = new Map<string, readonly PolicyRule[]>();

  const rulesOf = (role: T, visiting: ReadonlySet<string>): readonly PolicyRule[] => {
    const name = role.metadata?.name ?? '';
    const cached = memo.get(name);
    if (cached) return cached;
    const selectors = role.aggregationRule?.clusterRoleSelectors;
    if (!role.aggregationRule || !selectors) return role.rules ?? [];
    const nextVisiting = new Set(visiting).add(name);
    const collected: PolicyRule[] = [];
    const seen = new Set<string>();
    // The controller iterates matching roles sorted by name, so the resulting order is stable.
    const sorted = [...byName.values()].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    for (const selector of selectors) {
      for (const candidate of sorted) {
        const candidateName = candidate.metadata?.name ?? '';
        if (candidateName === name || nextVisiting.has(candidateName)) continue;
        if (!labelSelectorMatches(selector, candidate.metadata?.labels)) continue;
        for (const rule of rulesOf(candidate, nextVisiting)) {
          const key = JSON.stringify(rule);
          if (seen.has(key)) continue;
          seen.add(key);
          collected.push(rule);
        }
      }
    }
    if (visiting.size === 0) memo.set(name, collected);
    return collected;
  };

  return clusterRoles.map((role) => (role.aggregationRule?.clusterRoleSelectors ? { ...role, rules: rulesOf(role, new Set()) } : role));
}
