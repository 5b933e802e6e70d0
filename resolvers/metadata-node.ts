import type { MetadataScope } from '../src/mlmd/metadata-scope.js';

/** The namespace a metadata object is guarded in: its first run context's, or null (cluster admins only). */
export function guardNamespace(namespaces: readonly string[]): string | null {
  return namespaces.length === 0 ? null : ([...namespaces].sort()[0] ?? null);
}

/**
 * The namespace a caller is shown for a metadata object: one of its run contexts' namespaces that the caller may
 * read. An artifact linked into two tenants' runs must not tell either tenant the other's name.
 */
export function visibleNamespace(namespaces: readonly string[], scope: MetadataScope): string | null {
  const sorted = [...namespaces].sort();
  if (scope.kind === 'cluster') return sorted[0] ?? null;
  return sorted.find((n) => scope.namespaces.includes(n)) ?? null;
}
