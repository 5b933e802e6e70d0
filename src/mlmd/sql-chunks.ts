/**
 * IN-lists are cut at this many values: SQLite caps bound parameters (32,766 since 3.32, 999 before), and
 * planners on all three dialects degrade on very long lists. DataLoader batches rarely exceed it.
 */
export const IN_LIST_CHUNK = 500;

export function chunksOf<T>(values: readonly T[], size: number = IN_LIST_CHUNK): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}

/** Distinct ids, in first-seen order, so a batch never asks for the same row twice. */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
