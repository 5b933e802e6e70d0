import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { isDomainError } from '../errors/domain-errors.js';
import { formatError } from './format-error.js';
import type { Logger } from './logger.js';
import type { OperationGate } from './operation-gate.js';
import type { RequestContext } from './request-context.js';

/**
 * The gate's per-request checks and reporting inside Apollo: once the operation is resolved, `check` (operation
 * type, cost with variables; a refusal is a 400 like a validation error); at the end, the trace is finished
 * with its error codes. Unexpected errors are logged with the request ID and user.
 */
function gatePlugin(gate: OperationGate, logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let refused = false;
      return {
        async didResolveOperation(requestContext) {
          const trace = gate.traceOf(requestContext.contextValue.authz);
          if (trace) trace.label = gate.labels.of(requestContext.operationName);
          const { document, operation } = requestContext;
          if (!operation) return;
          const refusal = gate.check(document, operation, requestContext.request.variables ?? {}, 'http');
          if (refusal) {
            refused = true;
            gate.refused(refusal.reason, 'http');
            const first = refusal.errors[0] as GraphQLError;
            throw new GraphQLError(first.message, { extensions: { ...first.extensions, http: { status: 400 } } });
          }
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
          const codes = errors.map((error) => error.extensions?.['code'] ?? 'UNKNOWN');
          const outcome = refused ? 'refused' : errors.length > 0 ? 'error' : 'ok';
          gate.traceOf(requestContext.contextValue.authz)?.finish(outcome, codes);
        },
      };
    },
  };
}

/**
 * Apollo Server behind the operation gate: the gate's parse options and validation rules (graphql-armor's depth,
 * aliases, directives; the token limit in graphql-js's parse), its per-request checks, errors masked in one
 * place, no CDN landing page, CSRF prevention on.
 */
export function createGraphqlServer(schema: GraphQLSchema, gate: OperationGate, logger: Logger): ApolloServer<RequestContext> {
  return new ApolloServer<RequestContext>({
    schema,
    plugins: [
      // Armor's plugins are written for any context; Apollo's typing wants them per context type.
      ...(gate.apolloPlugins as ApolloServerPlugin<RequestContext>[]),
      ApolloServerPluginLandingPageDisabled(),
      // The schema is a federation subgraph, for which Apollo would switch on inline traces (ftv1) for any caller
      // sending `apollo-federation-include-trace`: timings and error details of our resolvers. No Apollo Studio here.
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      // Responses are per user and never cached by HTTP caches (`cache-control: no-store`); Apollo's cache-control
      // plugin would otherwise wrap every field resolver to compute hints nobody reads.
      ApolloServerPluginCacheControlDisabled(),
      gatePlugin(gate, logger),
    ],
    parseOptions: gate.parseOptions,
    validationRules: [...gate.validationRules],
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // Off in production unless INTROSPECTION=true (src/config/config.ts): the gate's validation rules then refuse
    // it on every transport; Apollo's own switch agrees. Field suggestions are off regardless (armor).
    introspection: gate.introspection,
    formatError: (formatted, error) => formatError(formatted, error),
  });
}
