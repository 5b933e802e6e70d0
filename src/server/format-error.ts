import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isDomainError } from '../errors/domain-errors.js';
import { clampMessage } from '../errors/message-clamp.js';
import { isConnectionFailure } from '../store/connection-failure.js';

/**
 * One place maps errors to responses (DESIGN.md "GraphQL conventions"):
 * - domain errors keep their message, with `extensions.code` and client-safe details;
 * - errors graphql-js itself raised about the document (parse, validation, variable coercion, the armor limits)
 *   pass with their code: they describe the client's query, nothing of the server;
 * - a database that cannot be reached is UNAVAILABLE (the client may retry), with no driver detail;
 * - everything else is INTERNAL with a masked message (the server's plugin logs the original with the request ID).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const result = formatUnclamped(formatted, error);
  // Messages never echo more than a short prefix of the input (src/errors/message-clamp.ts).
  return { ...result, message: clampMessage(result.message) };
}

function formatUnclamped(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (isDomainError(original)) {
    const details = Object.keys(original.details).length > 0 ? original.details : undefined;
    return { ...formatted, message: original.message, extensions: { code: original.code, ...(details ? { details } : {}) } };
  }
  // Apollo wraps graphql-js's own parse/validation/coercion errors (and armor's limits) in its ValidationError,
  // SyntaxError or UserInputError with the original GraphQLError as `originalError`; those describe the query.
  if (error instanceof GraphQLError && (original === undefined || original === null || original instanceof GraphQLError)) {
    const code = formatted.extensions?.['code'];
    return {
      // graphql-armor words its depth/alias/cost refusals "Syntax Error: …", which they are not.
      // graphql-js's "Did you mean …?" names fields and types the caller did not ask about; graphql-armor drops it
      // for Apollo, this drops it for every transport that formats errors here (graphql-ws too).
      message: formatted.message.replace(/^Syntax Error: (?=.*\blimit of\b)/, '').replace(/ Did you mean [^?]*\?$/, ''),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: typeof code === 'string' ? code : 'GRAPHQL_VALIDATION_FAILED' },
    };
  }
  if (isConnectionFailure(original)) {
    return { message: 'the database is unavailable; try again', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'UNAVAILABLE' } };
  }
  return { message: 'Internal server error', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL' } };
}
