import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { GraphQLError, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { AppServices } from '../app/app-services.js';
import type { Identity } from '../identity/identity.js';
import { resolveIdentity, type RequestHeaders } from '../identity/resolve-identity.js';
import type { TokenReviewer } from '../identity/token-reviewer.js';
import { formatError } from './format-error.js';
import { isAllowedWebSocketOrigin } from './websocket-origin.js';
import type { Logger } from './logger.js';
import { createRequestContext } from './request-context.js';

export interface GraphqlWsServer {
  close(): Promise<void>;
}

/**
 * graphql-ws on the HTTP server's `/graphql` path. Identity follows the HTTP rules, settled once when the
 * connection is initialised: the auth proxy's trusted user header from the upgrade request (never from
 * `connectionParams`, which the client writes freely), or a bearer token from the upgrade request or from
 * `connectionParams.authorization` (browsers cannot set headers on a WebSocket), reviewed by the API server.
 */
export function startGraphqlWsServer(server: Server, schema: GraphQLSchema, app: AppServices, tokens: TokenReviewer | null, logger: Logger): GraphqlWsServer {
  const settings = {
    userHeader: app.config.KUBEFLOW_USERID_HEADER,
    userPrefix: app.config.KUBEFLOW_USERID_PREFIX,
    groupsHeader: app.config.KUBEFLOW_GROUPS_HEADER,
    ...(app.config.DANGEROUSLY_ALLOW_ANONYMOUS_USER ? { anonymousUser: app.config.DANGEROUSLY_ALLOW_ANONYMOUS_USER } : {}),
  };
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    verifyClient: ({ req }, accept) => {
      const allowed = isAllowedWebSocketOrigin(req, app.config.ALLOWED_ORIGINS);
      if (!allowed) logger.warn('websocket refused: cross-site origin', { origin: req.headers.origin });
      accept(allowed, 403, 'cross-site WebSocket refused');
    },
  });
  const identities = new WeakMap<object, Identity>();
  const format = (result: ExecutionResult) =>
    result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : result;
  const disposable = useServer<Record<string, unknown> | undefined>(
    {
      schema,
      onConnect: async (ctx) => {
        const headers: Record<string, readonly string[] | undefined> = { ...(ctx.extra.request.headersDistinct as RequestHeaders) };
        const fromParams = ctx.connectionParams?.['authorization'] ?? ctx.connectionParams?.['Authorization'];
        if (headers['authorization'] === undefined && typeof fromParams === 'string') headers['authorization'] = [fromParams];
        try {
          identities.set(ctx, await resolveIdentity(headers, settings, tokens));
          return true;
        } catch (error) {
          logger.info('websocket refused', { error: error instanceof Error ? error.message : String(error) });
          return false;
        }
      },
      context: (ctx) => {
        const identity = identities.get(ctx);
        if (!identity) throw new GraphQLError('not authenticated', { extensions: { code: 'UNAUTHENTICATED' } });
        return createRequestContext(app, identity, randomUUID());
      },
      onNext: (_ctx, _id, _payload, _args, result) => format(result),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => new GraphQLError(formatError(e.toJSON(), e).message, { extensions: formatError(e.toJSON(), e).extensions ?? {} })),
    },
    wss,
  );
  return {
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
