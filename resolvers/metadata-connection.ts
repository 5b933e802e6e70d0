import type { MetadataPage } from '../src/mlmd/metadata-records.js';
import type { ConnectionShape } from './connection.js';
import { PageInfo } from './page-info.js';

/** A forward-only metadata page as a Relay connection: the reader's cursors are per item. */
export function toMetadataConnection<R extends { readonly id: number; readonly createdAt: number }, T>(
  page: MetadataPage<R>,
  after: string | null | undefined,
  cursorOf: (record: R) => string,
  map: (record: R) => T,
): ConnectionShape<T> {
  const edges = page.items.map((record) => ({ cursor: cursorOf(record), node: map(record) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: PageInfo.from({
      hasNextPage: page.hasNextPage,
      hasPreviousPage: after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: page.endCursor,
    }),
  };
}
