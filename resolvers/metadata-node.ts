/** The namespace a metadata object is guarded in: its first run context's, or null (cluster admins only). */
export function guardNamespace(namespaces: readonly string[]): string | null {
  return namespaces.length === 0 ? null : [...namespaces].sort()[0] ?? null;
}
