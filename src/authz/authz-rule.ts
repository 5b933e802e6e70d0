import type { KfpResource } from './access-request.js';

/**
 * Where a guarded field finds the namespace its rule is checked in.
 * - PARENT: the object the field belongs to (its `namespace`); denied → the field is null with FORBIDDEN.
 * - ARGUMENT: a root field's argument naming the namespace (dot path, e.g. `input.namespace`); denied → FORBIDDEN,
 *   or NOT_FOUND for a query, so that a stranger cannot tell a tenant exists.
 * - ID_ARGUMENT: a mutation's argument holding a global ID; the object is looked up first. Invisible → NOT_FOUND,
 *   visible but denied → FORBIDDEN.
 * - RESULT: a lookup by ID; the rule is checked on the object found, denied → NOT_FOUND.
 * - FILTER: a list across namespaces; the resolver restricts the query to the namespaces where the rule allows.
 * - AUTHENTICATED: any caller with an identity (the viewer, shared pipelines).
 */
export type AuthzTarget = 'PARENT' | 'ARGUMENT' | 'ID_ARGUMENT' | 'RESULT' | 'FILTER' | 'AUTHENTICATED';

export interface AuthzRule {
  readonly resource?: KfpResource;
  readonly verb?: string;
  readonly target: AuthzTarget;
  readonly argument?: string;
}

/** The namespace a guarded object lives in; '' for a shared pipeline, null for metadata no run context claims. */
export interface Namespaced {
  readonly namespace: string | null;
}

export function isNamespaced(value: unknown): value is Namespaced {
  return (
    typeof value === 'object' &&
    value !== null &&
    'namespace' in value &&
    (typeof (value as Namespaced).namespace === 'string' || (value as Namespaced).namespace === null)
  );
}
