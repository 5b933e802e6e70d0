import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { classifyError } from './error-classification.js';
import { formatError } from './format-error.js';
import type { Logger } from './logger.js';
import type { OperationGate } from './operation-gate.js';
import type { RequestContext } from './request-context.js';

/** The name of the document's first operation as written (`query Name …`), when it starts with one. */
function declaredOperationName(query: string | undefined): string | undefined {
  return /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query ?? '')?.[1];
}

/**
 * The gate's per-request checks and reporting inside Apollo: once the operation is resolved, `check` (operation
 * type, cost with variables; a refusal is a 400 like a validation error); at the end, the trace is finished
 * with its error codes. Each error is logged by whose fault it is: a client's mistake (parse, validation, limits,
 * bad input, not found, forbidden) is an info line with its code, a dependency that is down a warn line, and only
 * an unexpected error an `error` line with its stack, so a user's typo pages nobody. The operation's name goes to
 * the access line (http-handler) through the context's `outcome`.
 */
function gatePlugin(gate: OperationGate, logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart(started) {
      let refused = false;
      const outcome = started.contextValue.outcome;
      // Before the document is parsed and validated, the name the client gave or the one its text declares, so
      // that the access line of a refused document still says which operation it was.
      outcome.operation = started.request.operationName ?? declaredOperationName(started.request.query);
      return {
        async didResolveOperation(requestContext) {
          outcome.operation = requestContext.operationName ?? 'anonymous';
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
            const { code, severity } = classifyError(error, error.extensions.code);
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
          const codes = errors.map((error) => String(error.extensions?.code ?? 'UNKNOWN'));
          outcome.errorCodes.push(...codes);
          gate.traceOf(requestContext.contextValue.authz)?.finish(refused ? 'refused' : errors.length > 0 ? 'error' : 'ok', codes);
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
