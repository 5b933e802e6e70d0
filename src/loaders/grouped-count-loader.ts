import DataLoader from 'dataloader';

/** One `totalCount`: rows matching `filter` whose `column` is one of `values` (e.g. one namespace, or one experiment). */
export interface GroupedCountKey<Column extends string, Filter> {
  readonly column: Column;
  readonly values: readonly string[];
  readonly filter: Filter;
}

export type GroupedCount<Column extends string, Filter> = (column: Column, values: readonly string[], filter: Filter) => Promise<ReadonlyMap<string, number>>;

/**
 * Batches the `totalCount`s a page asks for (`namespaces { nodes { runs { totalCount } } }`): the keys that share a
 * column and a filter become one `… where column in (…) group by column` statement, and each key sums the groups
 * of its values. So a page of 50 namespaces costs one count statement, not 50.
 */
export function createGroupedCountLoader<Column extends string, Filter>(
  count: GroupedCount<Column, Filter>,
): DataLoader<GroupedCountKey<Column, Filter>, number, string> {
  return new DataLoader<GroupedCountKey<Column, Filter>, number, string>(
    async (keys) => {
      const groups = new Map<string, { readonly column: Column; readonly filter: Filter; readonly values: Set<string> }>();
      const groupOf = (key: GroupedCountKey<Column, Filter>) => `${key.column}\u0000${JSON.stringify(key.filter)}`;
      for (const key of keys) {
        const id = groupOf(key);
        const group = groups.get(id) ?? { column: key.column, filter: key.filter, values: new Set<string>() };
        for (const value of key.values) group.values.add(value);
        groups.set(id, group);
      }
      const counted = new Map<string, ReadonlyMap<string, number>>();
      await Promise.all(
        [...groups].map(async ([id, group]) => {
          counted.set(id, await count(group.column, [...group.values], group.filter));
        }),
      );
      return keys.map((key) => {
        const found = counted.get(groupOf(key));
        return key.values.reduce((sum, value) => sum + (found?.get(value) ?? 0), 0);
      });
    },
    { cacheKeyFn: (key) => `${key.column}\u0000${JSON.stringify(key.filter)}\u0000${JSON.stringify([...key.values].sort())}` },
  );
}
