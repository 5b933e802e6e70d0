import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { Page } from '../src/store/keyset-page.js';
import { PageInfo } from './page-info.js';

export interface EdgeShape<T> {
  readonly cursor: string;
  readonly node: T;
}

export interface ConnectionShape<T> {
  readonly edges: readonly EdgeShape<T>[];
  readonly nodes: readonly T[];
  readonly pageInfo: PageInfo;
  /** Only on connections declared with `totalCount`: a getter, so the count runs only when it is selected. */
  readonly totalCount?: number | Promise<number>;
}

export interface ConnectionOptions {
  /**
   * Offer `totalCount`: only where it is an indexed, grouped count (see README "Pagination"); every producer of
   * such a connection must then pass a count to toConnection.
   */
  readonly totalCount?: boolean;
}

/** Declares `<Name>Edge` and `<Name>Connection` for a node type (Relay cursor connections). */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string, options: ConnectionOptions = {}): ClassType<ConnectionShape<T>> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  // With totalCount this class is only the base of the emitted type: no field returns `<Name>ConnectionBase`, so
  // type-graphql (which emits the types reachable from the resolvers) leaves it out of the schema.
  @ObjectType(options.totalCount ? `${name}ConnectionBase` : `${name}Connection`, { description: `A page of ${name} objects.` })
  class ConnectionType {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [nodeType], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  if (!options.totalCount) return ConnectionType;

  @ObjectType(`${name}Connection`, { description: `A page of ${name} objects.` })
  class CountedConnectionType extends ConnectionType {
    @Field(() => Int, { description: 'How many objects match the filters, across all pages (one grouped count per page of parents).' })
    totalCount!: number;
  }
  return CountedConnectionType;
}

/** Maps a page of rows to a connection value, with its `totalCount` when one was asked for. */
export function toConnection<Row, T>(page: Page<Row>, map: (row: Row) => T, totalCount?: number | Promise<number>): ConnectionShape<T> {
  const edges = page.items.map((row) => ({ cursor: page.cursorOf(row), node: map(row) }));
  return { edges, nodes: edges.map((e) => e.node), pageInfo: PageInfo.from(page), ...(totalCount === undefined ? {} : { totalCount }) };
}

function selects(selectionSet: SelectionSetNode | undefined, field: string, info: GraphQLResolveInfo): boolean {
  return (selectionSet?.selections ?? []).some((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === field;
    if (selection.kind === Kind.INLINE_FRAGMENT) return selects(selection.selectionSet, field, info);
    return selects(info.fragments[selection.name.value]?.selectionSet, field, info);
  });
}

/**
 * Whether the client selected `totalCount` on this connection. Asked when the resolver starts, so that the
 * count of every parent of a page is requested in the same tick and the loader batches them into one grouped
 * statement (waiting for each page's rows first would spread them over as many ticks as the driver answers).
 */
export function wantsTotalCount(info: GraphQLResolveInfo): boolean {
  return info.fieldNodes.some((node) => selects(node.selectionSet, 'totalCount', info));
}

/** Starts the count when `totalCount` is selected; a failure surfaces on that field only (never unhandled). */
export function startTotalCount(info: GraphQLResolveInfo, count: () => Promise<number>): Promise<number> | undefined {
  if (!wantsTotalCount(info)) return undefined;
  const total = count();
  total.catch(() => undefined);
  return total;
}
