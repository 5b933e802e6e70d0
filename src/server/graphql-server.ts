import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config/config.js';
import { isDomainError } from '../errors/domain-errors.js';
import { formatError } from './format-error.js';
import type { Logger } from './logger.js';
import type { ServerMetrics } from './metrics.js';
import type { RequestContext } from './request-context.js';

/** Times each operation, counts its errors by code, logs unexpected ones with the request ID and user. */
function observabilityPlugin(metrics: ServerMetrics, logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const stop = metrics.operationDuration.startTimer();
      let operation = 'unknown';
      return {
        async didResolveOperation(requestContext) {
          operation = requestContext.operationName ?? 'anonymous';
        },
        async didEncounterErrors(requestContext) {
          for (const error of requestContext.errors) {
            const original = error.originalError;
            if (original === undefined || original === null || isDomainError(original)) continue;
            logger.error('internal error', {
              requestId: requestContext.contextValue.requestId,
              user: requestContext.contextValue.identity.user,
              path: error.path,
              error: original,
            });
          }
        },
        async willSendResponse(requestContext) {
          const body = requestContext.response.body;
          const errors = body.kind === 'single' ? (body.singleResult.errors ?? []) : [];
          for (const error of errors) metrics.errors.inc({ code: String(error.extensions?.['code'] ?? 'UNKNOWN') });
          stop({ operation, outcome: errors.length > 0 ? 'error' : 'ok' });
        },
      };
    },
  };
}

/**
 * Apollo Server with the limits Apollo lacks (graphql-armor: depth, cost, aliases, tokens, directives, no field
 * suggestions), errors masked in one place, no CDN landing page, CSRF prevention on.
 */
export function createGraphqlServer(schema: GraphQLSchema, config: Config, logger: Logger, metrics: ServerMetrics): ApolloServer<RequestContext> {
  const armor = new ApolloArmor({
    maxDepth: { n: config.MAX_DEPTH },
    costLimit: { maxCost: config.MAX_COST },
    maxAliases: { n: config.MAX_ALIASES },
    // Armor's Apollo token plugin re-parses in `parsingDidStart` and throws from a plugin hook, which Apollo
    // answers with a 500; graphql-js enforces the same limit inside Apollo's own parse (`parseOptions`), a 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: 50 },
  }).protect();
  return new ApolloServer<RequestContext>({
    schema,
    // Armor's plugins are written for any context; Apollo's typing wants them per context type.
    plugins: [
      ...(armor.plugins as ApolloServerPlugin<RequestContext>[]),
      ApolloServerPluginLandingPageDisabled(),
      // The schema is a federation subgraph, for which Apollo would switch on inline traces (ftv1) for any caller
      // sending `apollo-federation-include-trace`: timings and error details of our resolvers. No Apollo Studio here.
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      // Responses are per user and never cached by HTTP caches (`cache-control: no-store`); Apollo's cache-control
      // plugin would otherwise wrap every field resolver to compute hints nobody reads.
      ApolloServerPluginCacheControlDisabled(),
      observabilityPlugin(metrics, logger),
    ],
    parseOptions: { maxTokens: config.MAX_TOKENS },
    validationRules: armor.validationRules,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // Off in production unless INTROSPECTION=true (src/config/config.ts); field suggestions are off regardless (armor).
    introspection: config.INTROSPECTION,
    formatError: (formatted, error) => formatError(formatted, error),
  });
}
