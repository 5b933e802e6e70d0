import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from './request-context.js';

/**
 * Appends the request's warnings (`RequestContext.warnings`) to the response's `errors`, each with its code
 * and field path, while the data stays: GraphQL has no partial-error for a field that still has a value.
 */
export function warningsPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const warnings = contextValue.warnings;
          if (warnings.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.errors = [...(result.errors ?? []), ...warnings.map((w) => ({ message: w.message, path: [...w.path], extensions: { code: w.code } }))];
        },
      };
    },
  };
}
