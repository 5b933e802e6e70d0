import { Field, ObjectType, type ClassType } from 'type-graphql';
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
}

/** Declares `<Name>Edge` and `<Name>Connection` for a node type (Relay cursor connections). */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string): ClassType<ConnectionShape<T>> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} objects.` })
  class ConnectionType {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [nodeType], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

/** Maps a page of rows to a connection value. */
export function toConnection<Row, T>(page: Page<Row>, map: (row: Row) => T): ConnectionShape<T> {
  const edges = page.items.map((row) => ({ cursor: page.cursorOf(row), node: map(row) }));
  return { edges, nodes: edges.map((e) => e.node), pageInfo: PageInfo.from(page) };
}
