import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { isDomainError } from '../errors/domain-errors.js';
import { clampMessage } from '../errors/message-clamp.js';
import { classifyError } from './error-classification.js';

/**
 * One place maps errors to responses (docs/design.md "GraphQL conventions"); the code comes from classifyError, so
 * every answer carries one of ERROR_CODES:
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
  const { code } = classifyError(error, formatted.extensions?.code);
  const original = error instanceof GraphQLError ? error.originalError : error;
  const path = formatted.path ? { path: formatted.path } : {};
  if (isDomainError(original)) {
    const details = Object.keys(original.details).length > 0 ? original.details : undefined;
    return { ...formatted, message: original.message, extensions: { code, ...(details ? { details } : {}) } };
  }
  if (code === 'INTERNAL') return { message: 'Internal server error', ...path, extensions: { code } };
  if (code === 'UNAVAILABLE') return { message: 'the database is unavailable; try again', ...path, extensions: { code } };
  return {
    // graphql-armor words its depth/alias/cost refusals "Syntax Error: …", which they are not.
    // graphql-js's "Did you mean …?" names fields and types the caller did not ask about; graphql-armor drops it
    // for Apollo, this drops it for every transport that formats errors here (graphql-ws too).
    message: formatted.message.replace(/^Syntax Error: (?=.*\blimit of\b)/, '').replace(/ Did you mean [^?]*\?$/, ''),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...path,
    extensions: { code },
  };
}
