export * from './rbac-types.js';
export { authorize, rulesFor, SYSTEM_MASTERS } from './rbac-evaluator.js';
export { aggregateClusterRoles } from './role-aggregation.js';
export { labelSelectorMatches } from './label-selector-match.js';
export { ruleAllows } from './rule-matcher.js';
export { serviceAccountUsername, subjectMatches } from './subject-matcher.js';
