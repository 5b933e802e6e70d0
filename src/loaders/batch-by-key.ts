/** Orders batch results as DataLoader requires: one entry per key, in key order, null when absent. */
export function byKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): (V | null)[] {
  const index = new Map<K, V>();
  for (const row of rows) index.set(keyOf(row), row);
  return keys.map((key) => index.get(key) ?? null);
}

export function fromMap<K, V>(keys: readonly K[], map: ReadonlyMap<K, V>, fallback: V): V[] {
  return keys.map((key) => map.get(key) ?? fallback);
}
