import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { parse } from 'graphql';

export interface GatewayContext {
  /** The trusted identity header of the incoming request, forwarded to every subgraph. */
  readonly userId?: string;
}

export interface Subgraph {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
}

export interface RunningGateway {
  readonly url: string;
  readonly supergraphSdl: string;
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    userId?: string,
  ): Promise<{ readonly status: number; readonly body: GatewayResult<T> }>;
  close(): Promise<void>;
}

export interface GatewayResult<T> {
  readonly data?: T | null;
  readonly errors?: readonly { readonly message: string; readonly path?: readonly (string | number)[]; readonly extensions?: Record<string, unknown> }[];
}

const USER_HEADER = 'kubeflow-userid';

/** Composes the subgraphs (@apollo/composition) and serves them through @apollo/gateway on a free port. */
export async function startGateway(subgraphs: readonly Subgraph[]): Promise<RunningGateway> {
  const composed = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (composed.errors) throw new Error(`composition failed:\n${composed.errors.map((e) => e.message).join('\n')}`);
  const supergraphSdl = composed.supergraphSdl;
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        ...(url ? { url } : {}),
        willSendRequest({ request, context }) {
          // The gateway stands where Istio's auth proxy would: it passes the caller's identity on, never its own.
          if (context.userId) request.http?.headers.set(USER_HEADER, context.userId);
        },
      }),
  });
  const server = new ApolloServer<GatewayContext>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => {
      const value = req.headers[USER_HEADER];
      return typeof value === 'string' ? { userId: value } : {};
    },
  });
  return {
    url,
    supergraphSdl,
    async query<T>(query: string, variables: Record<string, unknown> = {}, userId?: string) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(userId ? { [USER_HEADER]: userId } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as GatewayResult<T> };
    },
    close: () => server.stop(),
  };
}
