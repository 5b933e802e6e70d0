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
import { classifyError } from './error-classification.js';
import { formatError } from './format-error.js';
import type { Logger } from './logger.js';
import type { ServerMetrics } from './metrics.js';
import type { RequestContext } from './request-context.js';

/** The name of the document's first operation as written (`query Name …`), when it starts with one. */
function declaredOperationName(query: string | undefined): string | undefined {
  return /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query ?? '')?.[1];
}

/**
 * Times each operation, counts its errors by code and logs each error by whose fault it is: a client's mistake
 * (parse, validation, limits, bad input, not found, forbidden) is an info line with its code, a dependency that
 * is down a warn line, and only an unexpected error an `error` line with its stack — so a user's typo pages
 * nobody. The operation's name goes to the access line (http-handler) through the context's `outcome`.
 */
function observabilityPlugin(metrics: ServerMetrics, logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart(started) {
      const stop = metrics.operationDuration.startTimer();
      const outcome = started.contextValue.outcome;
      // Before the document is parsed and validated, the name the client gave or the one its text declares, so
      // that the access line of a refused document still says which operation it was.
      outcome.operation = started.request.operationName ?? declaredOperationName(started.request.query);
      let operation = 'unknown';
      return {
        async didResolveOperation(requestContext) {
          operation = requestContext.operationName ?? 'anonymous';
          outcome.operation = operation;
        },
        async didEncounterErrors(requestContext) {
          for (const error of requestContext.errors) {
            const { code, severity } = classifyError(error, error.extensions['code']);
            const fields = {
              requestId: requestContext.contextValue.requestId,
              user: requestContext.contextValue.identity.user,
              operation: outcome.operation,
              code,
              ...(error.path ? { path: error.path } : {}),
            };
            if (severity === 'internal') logger.error('internal error', { ...fields, error: error.originalError ?? error });
            else if (severity === 'unavailable') logger.warn('dependency unavailable', { ...fields, message: (error.originalError ?? error).message });
            else logger.info('client error', { ...fields, message: error.message });
          }
        },
        async willSendResponse(requestContext) {
          const body = requestContext.response.body;
          const errors = body.kind === 'single' ? (body.singleResult.errors ?? []) : [];
          for (const error of errors) {
            const code = String(error.extensions?.['code'] ?? 'UNKNOWN');
            metrics.errors.inc({ code });
            outcome.errorCodes.push(code);
          }
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
    introspection: true,
    formatError: (formatted, error) => formatError(formatted, error),
  });
}
