import type { ErrorCode } from '../errors/domain-errors.js';

/**
 * Every `extensions.code` a client can meet, and what it means. formatError and the HTTP layer only ever
 * answer with one of these (README "Error codes" lists the same, and a test compares them).
 * The request-error codes are Apollo Server's own (`ApolloServerErrorCode` in @apollo/server/errors).
 */
export const ERROR_CODES = {
  UNAUTHENTICATED: 'no identity, or a token the TokenReview refused (HTTP 401)',
  FORBIDDEN: 'you may see the object but not do this to it, or read this field',
  NOT_FOUND: 'it does not exist, or you may not see it (the two are indistinguishable on purpose)',
  BAD_USER_INPUT: 'an argument or variable is invalid; `extensions.details.path` names it when known',
  CONFLICT: 'the object is in a state that forbids this (e.g. deleting an experiment that still has runs)',
  UNAVAILABLE: 'the database or the Kubernetes API server cannot be reached, or the request timed out; retry',
  INTERNAL: 'a bug or an unexpected failure; the server logged it with the request ID',
  GRAPHQL_PARSE_FAILED: 'the document is not GraphQL (or has more tokens than MAX_TOKENS)',
  GRAPHQL_VALIDATION_FAILED: 'the document does not fit the schema, or exceeds the depth, alias, directive or cost limits',
  OPERATION_RESOLUTION_FAILURE: 'no operation of that `operationName` in the document, or several and none named',
  BAD_REQUEST: 'the HTTP request itself is wrong: not JSON, no query, a mutation over GET, a body over MAX_BODY_BYTES (413)',
  PERSISTED_QUERY_NOT_FOUND: 'with TRUSTED_DOCUMENTS: the documentId or text is not in the manifest; else an unknown APQ hash',
  OPERATION_NOT_ALLOWED: 'this transport does not run that operation type (over WebSocket only subscriptions, unless WEBSOCKET_ALLOW_QUERIES_AND_MUTATIONS)',
  TOO_MANY_SUBSCRIPTIONS: 'this WebSocket already has MAX_SUBSCRIPTIONS_PER_CONNECTION operations open',
} as const satisfies Readonly<Record<string, string>>;

export type ResponseErrorCode = keyof typeof ERROR_CODES;

/** Domain codes are response codes by construction. */
export const DOMAIN_CODE: Readonly<Record<ErrorCode, ResponseErrorCode>> = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  UNAVAILABLE: 'UNAVAILABLE',
};

/** The codes Apollo gives errors about the request or document, which pass to the client as they are. */
export const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set<ResponseErrorCode>([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  // The operation gate's own refusals (src/server/operation-gate.ts, graphql-ws-server.ts).
  'OPERATION_NOT_ALLOWED',
  'TOO_MANY_SUBSCRIPTIONS',
  'UNAUTHENTICATED',
]);

/** The gate's refusals that say a dependency or this replica is saturated or slow: retry later. */
export const UNAVAILABLE_REQUEST_CODES: ReadonlySet<string> = new Set<ResponseErrorCode>(['UNAVAILABLE']);

export function isResponseErrorCode(code: unknown): code is ResponseErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}
