import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

/**
 * A second, small subgraph, as an internal portal would write one: it extends kfp-graph's `Run` entity with
 * `ownerTeam` (the portal's own data) and adds `Query.portalInfo` and `Query.featuredRun(id:)`, which hands back a
 * bare `Run` reference for any ID: the gateway then asks kfp-graph's `_entities` for the rest, as the caller.
 */
export const PORTAL_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

type Run @key(fields: "id") {
  id: ID!
  "The team the portal books the run's costs to (portal data, not kfp-graph's)."
  ownerTeam: String
}

type PortalInfo {
  name: String!
}

type Query {
  portalInfo: PortalInfo!
  "Any run ID a portal page links to; kfp-graph decides what the caller sees of it."
  featuredRun(id: ID!): Run
}
`;

export interface RunningPortal {
  readonly url: string;
  close(): Promise<void>;
}

export async function startPortalSubgraph(): Promise<RunningPortal> {
  const schema = buildSubgraphSchema({
    typeDefs: parse(PORTAL_SDL),
    resolvers: {
      Query: {
        portalInfo: () => ({ name: 'ML portal' }),
        featuredRun: (_root: unknown, args: { readonly id: string }) => ({ id: args.id }),
      },
      Run: {
        __resolveReference: (reference: { readonly id: string }) => ({ id: reference.id }),
        ownerTeam: () => 'ml-platform',
      },
    },
  });
  const server = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, close: () => server.stop() };
}
