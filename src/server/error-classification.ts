import { GraphQLError } from 'graphql';
import { isDomainError } from '../errors/domain-errors.js';
import { isConnectionFailure } from '../store/connection-failure.js';
import { DOMAIN_CODE, REQUEST_ERROR_CODES, UNAVAILABLE_REQUEST_CODES, type ResponseErrorCode } from './error-codes.js';

/**
 * Whose fault an error is, which decides both its code and how loudly it is logged:
 * - `client`: the caller's document, variables, input or rights (parse, validation, limits, BAD_USER_INPUT,
 *   NOT_FOUND, FORBIDDEN, …) — an info line with the code; nobody is paged for a typo;
 * - `unavailable`: a dependency is down (database, API server) — a warn line; retrying may help;
 * - `internal`: anything else, a bug — an error line with the stack.
 */
export type ErrorSeverity = 'client' | 'unavailable' | 'internal';

export interface ErrorClass {
  readonly code: ResponseErrorCode;
  readonly severity: ErrorSeverity;
}

/** `formattedCode`: the code Apollo put on the formatted error, used when the error itself carries none. */
export function classifyError(error: unknown, formattedCode?: unknown): ErrorClass {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (isDomainError(original)) {
    const code = DOMAIN_CODE[original.code];
    return { code, severity: code === 'UNAVAILABLE' ? 'unavailable' : 'client' };
  }
  // Apollo wraps graphql-js's own parse/validation/coercion errors (and armor's limits) in its ValidationError,
  // SyntaxError or UserInputError, with the graphql-js GraphQLError (or nothing) as `originalError`; those
  // describe the query. An unknown code there (Apollo's INTERNAL_SERVER_ERROR) is not the client's doing.
  if (error instanceof GraphQLError && (original === undefined || original === null || original instanceof GraphQLError)) {
    const own = error.extensions.code;
    const code = own === undefined && typeof formattedCode === 'string' && REQUEST_ERROR_CODES.has(formattedCode) ? formattedCode : own;
    if (code === undefined) return { code: 'GRAPHQL_VALIDATION_FAILED', severity: 'client' };
    if (typeof code === 'string' && REQUEST_ERROR_CODES.has(code)) return { code: code as ResponseErrorCode, severity: 'client' };
    if (typeof code === 'string' && UNAVAILABLE_REQUEST_CODES.has(code)) return { code: 'UNAVAILABLE', severity: 'unavailable' };
    return { code: 'INTERNAL', severity: 'internal' };
  }
  if (isConnectionFailure(original)) return { code: 'UNAVAILABLE', severity: 'unavailable' };
  return { code: 'INTERNAL', severity: 'internal' };
}
