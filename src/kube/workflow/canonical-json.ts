/**
 * Canonical JSON: object keys sorted at every depth, no whitespace, `undefined` dropped. Two specs that
 * differ only in key order or YAML formatting get the same text, so the text can be hashed and stored.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const child = (value as Readonly<Record<string, unknown>>)[key];
    if (child !== undefined) sorted[key] = sortKeys(child);
  }
  return sorted;
}
