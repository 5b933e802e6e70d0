/**
 * Whose metadata a caller may read. Cluster admins read everything, including objects no system.PipelineRun
 * context claims; everyone else reads an object only when one of its PipelineRun contexts names one of their
 * namespaces (docs/design.md "Metadata (MLMD)"). Scope is applied in SQL by `scope-conditions.ts`, never by dropping
 * rows after a page was fetched.
 */
export type MetadataScope = { readonly kind: 'cluster' } | { readonly kind: 'namespaces'; readonly namespaces: readonly string[] };

export const CLUSTER_SCOPE: MetadataScope = Object.freeze({ kind: 'cluster' });

export function namespacesScope(namespaces: readonly string[]): MetadataScope {
  return Object.freeze({ kind: 'namespaces', namespaces: Object.freeze([...new Set(namespaces)]) });
}

/**
 * The namespaces a query may touch once an optional `namespace` filter is applied to the scope: `null` means
 * any object at all (cluster scope, no filter); an empty list means nothing.
 */
export function allowedNamespaces(scope: MetadataScope, namespace?: string): readonly string[] | null {
  if (scope.kind === 'cluster') return namespace === undefined ? null : [namespace];
  if (namespace === undefined) return scope.namespaces;
  return scope.namespaces.includes(namespace) ? [namespace] : [];
}
